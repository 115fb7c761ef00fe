import Foundation
import LoaderProjector
import OrreryCore
import OrreryTesting
import Testing

/// loader.projector on the guide's log folder: projector_config.pbtxt naming a checkpoint tensor.
@Suite struct ProjectorCheckpointTests {
    func params(_ path: String) -> ProjectorLoader.Parameters {
        var p = ProjectorLoader.Parameters()
        p.path = path
        return p
    }

    /// No model_checkpoint_path: the latest checkpoint of the folder (its `checkpoint` file).
    @Test func logFolderLoadsTheLatestCheckpoint() async throws {
        let e = try await ProjectorLoader.load(params("logdir"), context: .testing(input: Fixtures.checkpoints))
        #expect(e.vectors == (try Fixtures.tensorFlowReading("logdir", "embedding.npy")))
        #expect(e.label(2) == "gamma")
        #expect(e.notes["tensor-name"] == .text("embedding/.ATTRIBUTES/VARIABLE_VALUE"))
    }

    /// model_checkpoint_path, a graph tensor name with ':0', and a bookmarks file.
    @Test func modelCheckpointPathAndBookmarks() async throws {
        let dir = try Fixtures.copyOfCheckpoint("logdir")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("checkpoint"))
        try """
            model_checkpoint_path: "embedding.ckpt-1"
            embeddings {
              tensor_name: "embedding/.ATTRIBUTES/VARIABLE_VALUE:0"
              metadata_path: "metadata.tsv"
              bookmarks_path: "bookmarks.txt"
            }
            """.write(to: dir.appendingPathComponent("projector_config.pbtxt"), atomically: true, encoding: .utf8)
        try "[]".write(to: dir.appendingPathComponent("bookmarks.txt"), atomically: true, encoding: .utf8)
        let e = try await ProjectorLoader.load(params(dir.path), context: .testing())
        #expect(e.vectors == (try Fixtures.tensorFlowReading("logdir", "embedding.npy")))
        #expect(e.label(7) == "theta")
    }

    @Test func unknownTensorNameIsAnError() async throws {
        let dir = try Fixtures.copyOfCheckpoint("logdir")
        try "embeddings { tensor_name: \"word_embeding\" }".write(to: dir.appendingPathComponent("projector_config.pbtxt"), atomically: true, encoding: .utf8)
        let error = await #expect(throws: OrreryError.self) { try await ProjectorLoader.load(params(dir.path), context: .testing()) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("no tensor 'word_embeding'"))
    }
}
