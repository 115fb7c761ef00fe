import Foundation
import LoaderCheckpoint
import OrreryCore
import OrreryTesting
import Testing

/// loader.checkpoint on checkpoints TensorFlow wrote (Tests/Fixtures/checkpoints), against the
/// values TensorFlow read back from them.
@Suite struct CheckpointLoaderTests {
    static let attr = "/.ATTRIBUTES/VARIABLE_VALUE"
    let context = StepContext.testing(input: Fixtures.checkpoints)

    func params(_ path: String, tensor: String? = nil, metadata: String? = nil) -> CheckpointLoader.Parameters {
        var p = CheckpointLoader.Parameters()
        p.path = path
        p.tensor = tensor
        p.metadata = metadata
        return p
    }

    /// TF1 names, and the TF1 saver's `checkpoint` file with an absolute path from the machine that
    /// wrote it (looked up by name in the folder when it does not exist here).
    @Test(arguments: ["tf1", "tf1/model.ckpt-1", "tf1/model.ckpt-1.index"])
    func tf1WordEmbeddingByFolderPrefixOrIndex(_ path: String) async throws {
        let e = try await CheckpointLoader.load(params(path), context: context)
        let tf = try Fixtures.tensorFlowReading("tf1", "word_embedding.npy")
        #expect(e.vectors == tf)
        #expect(e.notes["tensor-name"] == .text("word_embedding"))  // Adam slots skipped
    }

    @Test func kerasEmbeddingIsTheOnlyModelMatrixBesidesTheKernel() async throws {
        // The Keras model also has a 4 × 1 Dense kernel: two 2-D model variables, so a name is needed.
        await #expect(throws: OrreryError.self) { try await CheckpointLoader.load(params("keras"), context: context) }
        let e = try await CheckpointLoader.load(params("keras", tensor: "model/layer_with_weights-0/embeddings" + Self.attr), context: context)
        #expect(e.vectors == (try Fixtures.tensorFlowReading("keras", "embeddings.npy")))
        #expect(e.count == 20 && e.dimensions == 4)
    }

    @Test(arguments: [("half", "half.npy"), ("brain", "brain.npy"), ("vectors64", "vectors64.npy")])
    func float16Bfloat16AndFloat64LoadAsFloat32(_ name: String, _ file: String) async throws {
        let e = try await CheckpointLoader.load(params("mixed", tensor: name + Self.attr), context: context)
        #expect(e.vectors == (try Fixtures.tensorFlowReading("mixed", file)))
    }

    @Test func shardedCheckpointLoads() async throws {
        let e = try await CheckpointLoader.load(params("sharded/ckpt-1", tensor: "second" + Self.attr), context: context)
        #expect(e.vectors == (try Fixtures.tensorFlowReading("sharded", "second.npy")))
    }

    @Test func metadataLabelsTheRows() async throws {
        let e = try await CheckpointLoader.load(params("logdir", metadata: "logdir/metadata.tsv"), context: context)
        #expect(e.label(0) == "alpha" && e.label(7) == "theta")
        #expect(e.vectors == (try Fixtures.tensorFlowReading("logdir", "embedding.npy")))
    }

    @Test func metadataCountMustMatch() async throws {
        let dir = Fixtures.temporaryDirectory()
        try "a\nb\n".write(to: dir.appendingPathComponent("m.tsv"), atomically: true, encoding: .utf8)
        await #expect(throws: OrreryError.shapeMismatch("\(dir.path)/m.tsv has 2 metadata rows but tensor 'embedding/.ATTRIBUTES/VARIABLE_VALUE' has 8 rows; row i of the metadata must describe row i of the tensor")) {
            try await CheckpointLoader.load(params("logdir", metadata: dir.path + "/m.tsv"), context: context)
        }
    }

    @Test func unknownTensorListsThe2DOnesClosestFirst() async throws {
        let error = await #expect(throws: OrreryError.self) {
            try await CheckpointLoader.load(params("mixed", tensor: "halt" + Self.attr), context: context)
        }
        guard case .invalidParameter("tensor", let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(reason.contains("its 2-D tensors, closest first: 'half/.ATTRIBUTES/VARIABLE_VALUE' (7 × 4), 'brain/"))
    }

    @Test func severalMatricesNeedAName() async throws {
        let error = await #expect(throws: OrreryError.self) { try await CheckpointLoader.load(params("mixed"), context: context) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("holds 4 2-D tensors; name the embedding with 'tensor:'"))
    }

    @Test func unsupportedDtypeAnd3DAreErrors() async throws {
        let dtype = await #expect(throws: OrreryError.self) {
            try await CheckpointLoader.load(params("mixed", tensor: "counts" + Self.attr), context: context)
        }
        #expect("\(dtype.map { "\($0)" } ?? "")".contains("dtype int32 (DataType 3)"))
        let cube = await #expect(throws: OrreryError.self) {
            try await CheckpointLoader.load(params("mixed", tensor: "cube" + Self.attr), context: context)
        }
        #expect("\(cube.map { "\($0)" } ?? "")".contains("has shape 2 × 3 × 4 (3-D), but an embedding is a 2-D tensor"))
    }

    @Test func missingShardIsNamed() async throws {
        let dir = try Fixtures.copyOfCheckpoint("sharded")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("ckpt-1.data-00001-of-00002"))
        let error = await #expect(throws: OrreryError.self) {
            try await CheckpointLoader.load(params(dir.path, tensor: "second" + Self.attr), context: context)
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("ckpt-1.data-00001-of-00002 (data shard 2 of 2"))
    }

    @Test func missingCheckpointIsAClearError() async throws {
        await #expect(throws: OrreryError.self) { try await CheckpointLoader.load(params("nowhere/ckpt-9"), context: context) }
    }

    @Test func descriptorExampleRuns() async throws {
        let values = try await Fixtures.runExample(of: CheckpointLoader.self)
        guard case .embedding(let e)? = values["glove"] else { Issue.record("no embedding"); return }
        #expect(e.count == 1000 && e.dimensions == 50)
        #expect(e.label(0) == "the")
        let glove = try NPYFormat.read(Data(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("data/glove.6B.50d.top50k.npy")), path: "g")
        #expect(e.vectors.row(999) == glove.row(999))
    }
}
