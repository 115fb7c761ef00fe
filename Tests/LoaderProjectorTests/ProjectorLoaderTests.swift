import Foundation
import LoaderProjector
import OrreryCore
import OrreryViews
import OrreryTesting
import Testing

@Suite struct ProjectorLoaderTests {
    @Test func realIrisLoadsFromTheStandaloneJSONConfig() async throws {
        let e = try await ProjectorLoader.load(.with { $0.path = "data/iris/projector_config.json"; $0.embedding = "Iris" }, context: .testing())
        #expect(e.count == 150 && e.dimensions == 4)
        #expect(e.metadata.columnNames == ["sepal-length", "sepal-width", "petal-length", "petal-width", "class"])
        #expect(e.vectors.row(0) == [5.1, 3.5, 1.4, 0.2])   // iris_labels.tsv's first row holds the same numbers
        #expect(e.metadata.column(named: "class")?.values[149] == "Iris-virginica")
        // The tensor matches its own metadata columns, row by row.
        for i in [0, 77, 149] {
            #expect(e.vectors[i, 2] == Float(e.metadata.column(named: "petal-length")?.values[i] ?? ""))
        }
    }

    @Test func folderLoadsAndRoundTripsOrrerysExport() async throws {
        // A folder written with the same core code exporter.projector uses.
        let dir = Fixtures.temporaryDirectory()
        let raw = Fixtures.random(rows: 40, columns: 5, seed: 3)
        let sub = raw.subset([2, 5, 7, 30])
        let proj = sub.projected(to: sub.vectors.selecting(columns: [0, 1, 4]), axes: ["pca-0", "pca-1", "pca-2"], notes: Notes(),
                                     projection: .pca(explainedVariance: [0.5, 0.3, 0.1]))
        let state = try ProjectorState.make(projection: proj, reference: raw, label: "PCA of four").state
        try TensorFiles.tsv(raw.vectors).write(to: dir.appendingPathComponent("t.tsv"))
        try TensorFiles.bytes(raw.vectors).write(to: dir.appendingPathComponent("t.bytes"))
        try MetadataTSV.write(raw.metadata).text.write(to: dir.appendingPathComponent("m.tsv"), atomically: true, encoding: .utf8)
        try ProjectorState.encodeFile([state]).write(to: dir.appendingPathComponent("b.txt"))
        let info = ProjectorConfig.EmbeddingInfo(tensorName: "words", tensorPath: "t.tsv", tensorShape: [40, 5],
                                                 metadataPath: "m.tsv", bookmarksPath: "b.txt")
        try ProjectorConfig(embeddings: [info]).pbtxt.write(to: dir.appendingPathComponent("projector_config.pbtxt"), atomically: true, encoding: .utf8)
        var json = info
        json.tensorPath = "t.bytes"
        try ProjectorConfig(embeddings: [json]).json.write(to: dir.appendingPathComponent("standalone.json"))

        let fromFolder = try await ProjectorLoader.load(.with { $0.path = dir.path }, context: .testing())
        let fromJSON = try await ProjectorLoader.load(.with { $0.path = dir.appendingPathComponent("standalone.json").path }, context: .testing())
        #expect(fromFolder.vectors == raw.vectors && fromJSON.vectors == raw.vectors)
        #expect(fromFolder.metadata == raw.metadata)
        if case .text(let b)? = fromFolder.notes["bookmarks"] { #expect(b == "PCA of four") } else { Issue.record("no bookmarks note") }

        let back = try await ProjectorLoader.load(.with { $0.path = dir.path; $0.bookmark = "PCA of four" }, context: .testing())
        #expect(back.axes == ["pca-0", "pca-1", "pca-2"])
        #expect(back.rows == [2, 5, 7, 30])
        #expect(back.vectors == proj.vectors)
        #expect(back.root.count == 40)
        #expect(back.metadata.values(0) == ["w2", "w5", "w7", "w30"])
    }

    @Test func realPoliticsBookmarkLoadsWithTheWord2VecLabels() async throws {
        let demo = Fixtures.projectorDemo
        let labels = demo.appendingPathComponent("word2vec_full_200d_labels.tsv")
        guard FileManager.default.fileExists(atPath: labels.path) else {
            print("skipping: \(labels.path) is absent")
            return
        }
        // The word2vec tensor itself is not in the snapshot: a placeholder of the right row count
        // stands in for it (the bookmark carries its own coordinates).
        let dir = Fixtures.temporaryDirectory()
        try Data(count: 71_291 * 2 * 4).write(to: dir.appendingPathComponent("placeholder.bytes"))
        let config = """
            {"embeddings": [{"tensorName": "Word2Vec All", "tensorShape": [71291, 2], "tensorPath": "placeholder.bytes",
              "metadataPath": "\(labels.path)", "bookmarksPath": "\(demo.appendingPathComponent("word2vec_full_bookmarks.txt").path)"}]}
            """
        try config.write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let e = try await ProjectorLoader.load(.with { $0.path = dir.appendingPathComponent("config.json").path; $0.bookmark = "Politics: \"Bad\" to \"Good\"" }, context: .testing())
        #expect(e.count == 101 && e.axes == ["linear-x", "linear-y"])
        #expect(e.rows.prefix(5) == [822, 201, 519, 739, 729])
        #expect(e.metadata.columnNames == ["word", "count"])
        #expect(Array(e.metadata.values(0).prefix(4)) == ["politics", "political", "economy", "policy"])
        #expect(e.vectors[0, 0] == Float(-0.10100582333497857) && e.vectors[0, 1] == Float(0.036138877867866376))
        #expect(e.notes["x-from"] == .text("/^bad$/") && e.notes["x-to"] == .text("/^good$/"))
        #expect(e.projection?.kind == .custom && e.projection?.axisTitles.first == "bad → good")
        #expect(e.projection?.ends.first == .init(from: .regex("^bad$"), to: .regex("^good$")))
        #expect(e.notes["selected-points"] == .numbers([35]))
        #expect(e.label(35) == "violence")
        #expect(e.root.count == 71_291)
    }

    @Test func metadataRowsDifferingFromTensorRowsIsAnError() async throws {
        let dir = Fixtures.temporaryDirectory()
        try "1\t2\n3\t4\n5\t6\n".write(to: dir.appendingPathComponent("t.tsv"), atomically: true, encoding: .utf8)
        try "a\nb\n".write(to: dir.appendingPathComponent("m.tsv"), atomically: true, encoding: .utf8)
        try "embeddings { tensor_name: \"x\" tensor_path: \"t.tsv\" metadata_path: \"m.tsv\" }\n"
            .write(to: dir.appendingPathComponent("projector_config.pbtxt"), atomically: true, encoding: .utf8)
        await #expect(throws: OrreryError.shapeMismatch("m.tsv has 2 rows but t.tsv has 3; row i of the metadata must describe point i")) {
            try await ProjectorLoader.load(.with { $0.path = dir.path }, context: .testing())
        }
    }

    @Test func unknownTensorNameListsTheNames() async throws {
        await #expect(throws: OrreryError.invalidParameter("embedding", reason: "no tensor named 'Irises' in data/iris/projector_config.json; tensors: 'Iris'")) {
            try await ProjectorLoader.load(.with { $0.path = "data/iris/projector_config.json"; $0.embedding = "Irises" }, context: .testing())
        }
    }

    @Test func pbtxtParsesEscapesCommentsAndNestedSprite() throws {
        let text = """
            # a comment
            embeddings {
              tensor_name: "a \\"quoted\\" name\\twith tab"
              tensor_path: 'x.tsv'
              tensor_shape: 3 tensor_shape: 2
              sprite: { image_path: "s.png" single_image_dim: 28 single_image_dim: 28 }
            }
            """
        let c = try ProjectorConfig.parse(pbtxt: text, path: "c")
        #expect(c.embeddings.count == 1)
        #expect(c.embeddings[0].tensorName == "a \"quoted\" name\twith tab")
        #expect(c.embeddings[0].tensorShape == [3, 2])
        #expect(c.embeddings[0].sprite == .init(imagePath: "s.png", singleImageDim: [28, 28]))
        // And our own writer's output parses back to the same config.
        #expect(try ProjectorConfig.parse(pbtxt: c.pbtxt, path: "c") == c)
        #expect(throws: OrreryError.self) { try ProjectorConfig.parse(pbtxt: "embeddings { tensor_nam: \"x\" }", path: "c") }
    }
}

extension MetadataTable {
    func values(_ column: Int) -> [String] { columns[column].values }
}
