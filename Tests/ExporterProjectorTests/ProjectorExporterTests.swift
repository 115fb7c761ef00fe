import ExporterProjector
import Foundation
import OrreryCore
import OrreryViews
import OrreryTesting
import Testing

@Suite struct ProjectorExporterTests {
    func run(_ inputs: [Embedding], _ p: ProjectorExporter.Parameters, selection: Embedding? = nil,
             warnings: WarningLog = WarningLog(), seed: UInt64 = 0) async throws -> (URL, ExportResult) {
        let out = Fixtures.temporaryDirectory()
        var ports: [String: [StepValue]] = ["input": inputs.map { .embedding($0) }]
        if let selection { ports["selection"] = [.embedding(selection)] }
        let r = try await ProjectorExporter.export(StepInputs(ports), p,
                                                   context: .testing(seed: seed, output: out, events: warnings.record))
        return (out.appendingPathComponent(p.path), r)
    }

    @Test func folderHoldsBothConfigsWithRelativePathsAndExactValues() async throws {
        let iris = try Iris.load()
        let pca = Iris.pca(iris)
        let (dir, result) = try await run([iris, pca], .with { $0.path = "iris" })
        let config = try ProjectorConfig.parse(pbtxt: String(contentsOf: dir.appendingPathComponent("projector_config.pbtxt"), encoding: .utf8), path: "c")
        #expect(config.embeddings.map(\.tensorName) == ["iris_tensors", "pca"])
        #expect(config.modelCheckpointPath == nil)
        for (info, e) in zip(config.embeddings, [iris, pca]) {
            let paths = [info.tensorPath, info.metadataPath, info.bookmarksPath].compactMap { $0 }
            #expect(paths.allSatisfy { !$0.hasPrefix("/") && !$0.contains("..") && !$0.contains("/") })
            #expect(info.tensorShape == [e.count, e.dimensions])
            let tsv = try TensorFiles.readTSV(Data(contentsOf: dir.appendingPathComponent(info.tensorPath ?? "")), path: "t")
            #expect(tsv == e.vectors)   // exact: the TSV round-trips every float32
        }
        // The PCA bookmark sits on the raw Iris tensor, whose whole dataset it projects.
        #expect(config.embeddings[0].bookmarksPath == "iris-tensors_bookmarks.txt")
        #expect(config.embeddings[1].bookmarksPath == nil)
        let states = try ProjectorState.decodeFile(Data(contentsOf: dir.appendingPathComponent("iris-tensors_bookmarks.txt")), path: "b")
        #expect(states.count == 1)
        #expect(states[0].selectedProjection == "pca" && states[0].pcaComponentDimensions == [0, 1, 2])
        #expect(states[0].filteredPoints == nil && states[0].dataSetDimensions == [150, 4])
        #expect(states[0].projections[7]["pca-1"] == Double(pca.vectors[7, 1]))
        #expect(states[0].label == "PCA (99 % variance)")
        // Metadata: several columns, so a header line first.
        let meta = try String(contentsOf: dir.appendingPathComponent("iris-tensors_metadata.tsv"), encoding: .utf8)
        #expect(meta.hasPrefix("sepal-length\tsepal-width\tpetal-length\tpetal-width\tclass\n5.1\t3.5\t1.4\t0.2\tIris-setosa\n"))
        // The standalone JSON config: camelCase, .bytes tensors holding the same float32 values.
        let json = try ProjectorConfig.parse(json: Data(contentsOf: dir.appendingPathComponent("projector_config.json")), path: "j")
        #expect(json.embeddings.map(\.tensorPath) == ["iris-tensors_tensors.bytes", "pca_tensors.bytes"])
        let raw = try Data(contentsOf: dir.appendingPathComponent("projector_config.json"))
        let object = try JSONSerialization.jsonObject(with: raw) as? [String: Any]
        let first = (object?["embeddings"] as? [[String: Any]])?.first
        #expect(Set(first?.keys.map { $0 } ?? []) == ["tensorName", "tensorPath", "tensorShape", "metadataPath", "bookmarksPath"])
        let bytes = try TensorFiles.readBytes(Data(contentsOf: dir.appendingPathComponent("iris-tensors_tensors.bytes")), shape: [150, 4], path: "b")
        #expect(bytes == iris.vectors)
        // The real Iris file's first row.
        #expect(iris.vectors.row(0) == [5.1, 3.5, 1.4, 0.2])
        #expect(result.files.contains("iris/projector_config.pbtxt") && result.files.count == 9)
    }

    @Test func metadataWithTabsAndNewlinesIsCleanedAndCounted() async throws {
        let e = Embedding(vectors: Matrix([[1, 2], [3, 4], [5, 6]]),
                          metadata: MetadataTable(count: 3, columns: [
                            .init(name: "word", values: ["a\tb", "c", "d\ne"]), .init(name: "n", values: ["1", "2", "3"]),
                          ]))
        let warnings = WarningLog()
        let (dir, _) = try await run([e], .with { $0.path = "p"; $0.names = ["words"] }, warnings: warnings)
        let meta = try String(contentsOf: dir.appendingPathComponent("words_metadata.tsv"), encoding: .utf8)
        #expect(meta == "word\tn\na b\t1\nc\t2\nd e\t3\n")
        #expect(warnings.messages.count == 1 && warnings.messages[0].contains("2 metadata values held tabs or newlines"))
    }

    @Test func sampleKeepsTheSameSeededPointsForEveryInput() async throws {
        let iris = try Iris.load()
        let pca = Iris.pca(iris)
        let (a, _) = try await run([iris, pca], .with { $0.path = "s"; $0.sample = 20 }, seed: 7)
        let (b, _) = try await run([iris, pca], .with { $0.path = "s"; $0.sample = 20 }, seed: 7)
        let (c, _) = try await run([iris, pca], .with { $0.path = "s"; $0.sample = 20 }, seed: 8)
        let ta = try Data(contentsOf: a.appendingPathComponent("iris-tensors_tensors.tsv"))
        #expect(ta == (try Data(contentsOf: b.appendingPathComponent("iris-tensors_tensors.tsv"))))
        #expect(ta != (try Data(contentsOf: c.appendingPathComponent("iris-tensors_tensors.tsv"))))
        let sampled = try TensorFiles.readTSV(ta, path: "t")
        #expect(sampled.rows == 20)
        let states = try ProjectorState.decodeFile(Data(contentsOf: a.appendingPathComponent("iris-tensors_bookmarks.txt")), path: "b")
        // Both tensors keep the same 20 points, so the bookmark needs no isolation.
        #expect(states[0].filteredPoints == nil && states[0].projections.count == 20)
    }

    @Test func moreThanTensorBoardsCapWarns() async throws {
        let e = Fixtures.grid(rows: 100_001, columns: 1)
        let warnings = WarningLog()
        _ = try await run([e], .with { $0.path = "big" }, warnings: warnings)
        #expect(warnings.messages.contains { $0.contains("100001 points") && $0.contains("sample: 100000") })
    }

    @Test func subsetProjectionIsIsolatedOnItsRawTensor() async throws {
        let iris = try Iris.load()
        let pca = Iris.pca(iris, rows: [3, 10, 100])
        let selection = iris.subset([10, 149])
        let warnings = WarningLog()
        let (dir, _) = try await run([iris, pca], .with { $0.path = "sub" }, selection: selection, warnings: warnings)
        let states = try ProjectorState.decodeFile(Data(contentsOf: dir.appendingPathComponent("iris-tensors_bookmarks.txt")), path: "b")
        #expect(states[0].filteredPoints == [3, 10, 100])
        #expect(states[0].dataSetDimensions == [3, 4])
        #expect(states[0].selectedPoints == [1])           // row 10 is the 2nd isolated point
        #expect(warnings.messages == ["1 selected points are not in 'pca'"])
    }

    @Test func spriteIsDrawnAndNamedInTheConfig() async throws {
        let digits = try Digits.load(rows: 100)
        let (dir, _) = try await run([digits], .with { $0.path = "d"; $0.names = ["digits"]; $0.sprite = .init(imageWidth: 8, imageHeight: 8, scale: 2) })
        let config = try ProjectorConfig.parse(pbtxt: String(contentsOf: dir.appendingPathComponent("projector_config.pbtxt"), encoding: .utf8), path: "c")
        #expect(config.embeddings[0].sprite == .init(imagePath: "digits_sprite.png", singleImageDim: [16, 16]))
        let png = try Data(contentsOf: dir.appendingPathComponent("digits_sprite.png"))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // IHDR: 10 × 10 cells of 16 px.
        #expect(Array(png[16..<24]) == [0, 0, 0, 160, 0, 0, 0, 160])
    }

    @Test func spriteLargerThan8192PixelsNamesTheParameter() async throws {
        let digits = try Digits.load(rows: 1797)
        await #expect(throws: OrreryError.self) {
            _ = try await run([digits], .with { $0.path = "d"; $0.sprite = .init(imageWidth: 8, imageHeight: 8, scale: 30) })
        }
        do {
            _ = try await run([digits], .with { $0.path = "d"; $0.sprite = .init(imageWidth: 8, imageHeight: 8, scale: 30) })
        } catch let error as OrreryError {
            #expect(error.parameter == "sprite.scale")
            #expect(error.description.contains("10320 × 10320 px") && error.description.contains("at most 8192"))
        }
    }
}

enum Digits {
    static func load(rows: Int) throws -> Embedding {
        let dir = Fixtures.workflowsDirectory.appendingPathComponent("data")
        var m = try TensorFiles.readTSV(Data(contentsOf: dir.appendingPathComponent("digits.tsv")), path: "digits")
        m = m.selecting(rows: Array(0..<rows))
        let labels = try MetadataTSV.read(contentsOf: dir.appendingPathComponent("digits_labels.tsv"), path: "l")
        return Embedding(vectors: m, metadata: labels.selecting(rows: Array(0..<rows)))
    }
}
