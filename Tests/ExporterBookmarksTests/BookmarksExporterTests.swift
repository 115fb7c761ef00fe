import ExporterBookmarks
import Foundation
import OrreryCore
import OrreryViews
import OrreryTesting
import Testing

/// A JSON value's type, as the Projector's JavaScript sees it.
enum JSONType: Equatable, Decodable, CustomStringConvertible {
    case null, bool, number, string, array, object

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if (try? c.decode(Bool.self)) != nil { self = .bool }
        else if (try? c.decode(Double.self)) != nil { self = .number }
        else if (try? c.decode(String.self)) != nil { self = .string }
        else if (try? c.decode([JSONType].self)) != nil { self = .array }
        else { _ = try c.decode([String: JSONType].self); self = .object }
    }

    var description: String { "\(self)" }
}

@Suite struct BookmarksExporterTests {
    /// 6 words in 3-D; the subset [1, 2, 4] projected on a custom axis.
    static let words = Embedding(
        vectors: Matrix([[1, 0, 0], [0.5, 0.5, 0], [0, 1, 0], [0, 0, 1], [0.2, 0.8, 0.1], [0.9, 0.1, 0.3]]),
        metadata: MetadataTable(labels: ["bad", "meh", "good", "odd", "fine", "awful"], name: "word"))

    static func custom(_ rows: [Int]) -> Embedding {
        let sub = words.subset(rows)
        var m = Matrix(rows: rows.count, columns: 2)
        for i in 0..<rows.count { m[i, 0] = Float(i) - 1; m[i, 1] = Float(i) * 0.5 }
        var notes = Notes()
        notes.set("reducer", "reducer.custom-axis")
        return sub.projected(to: m, axes: ["linear-x", "linear-y"], notes: notes,
                             projection: .custom([.init(from: .label("bad"), to: .regex("^go+d$")), nil]))
    }

    func export(_ inputs: [Embedding], _ p: BookmarksExporter.Parameters = .init(),
                selection: Embedding? = nil) async throws -> Data {
        let out = Fixtures.temporaryDirectory()
        var ports: [String: [StepValue]] = ["input": inputs.map { .embedding($0) }]
        if let selection { ports["selection"] = [.embedding(selection)] }
        _ = try await BookmarksExporter.export(StepInputs(ports), p, context: .testing(output: out))
        return try Data(contentsOf: out.appendingPathComponent(p.path))
    }

    @Test func keysAndTypesMatchTheRealWord2VecBookmarksFile() async throws {
        let real = Fixtures.projectorDemo.appendingPathComponent("word2vec_full_bookmarks.txt")
        let realStates = try JSONDecoder().decode([[String: JSONType]].self, from: Data(contentsOf: real))
        let ours = try JSONDecoder().decode([[String: JSONType]].self, from: await export([Self.custom([1, 2, 4])], .with { $0.label = "x" },
                                                                                                selection: Self.words.subset([4])))
        #expect(ours.count == 1)
        // Every field of the real file is present with the same JSON type …
        for (key, type) in realStates[0] {
            #expect(ours[0][key] == type, "field \(key): real \(type), ours \(ours[0][key].map { "\($0)" } ?? "missing")")
        }
        // … and every field of FORMATS.md's table (a superset: UMAP, shuffledDataIndices, forceCategoricalColoring).
        #expect(Set(ours[0].keys) == Set(ProjectorState.fieldNames))
        #expect(Set(realStates[0].keys).isSubset(of: Set(ours[0].keys)))
        #expect(ours[0]["umapIs3d"] == .bool && ours[0]["umapNeighbors"] == .number && ours[0]["shuffledDataIndices"] == .array)
    }

    @Test func customAxisBookmarkIsolatesTheSubsetAndKeepsTheQueries() async throws {
        let data = try await export([Self.custom([1, 2, 4])], .with { $0.label = "Bad to good" }, selection: Self.words.subset([4, 0]))
        let s = try ProjectorState.decodeFile(data, path: "b")[0]
        #expect(s.label == "Bad to good" && s.isSelected)
        #expect(s.selectedProjection == "custom")
        #expect(s.filteredPoints == [1, 2, 4])
        #expect(s.dataSetDimensions == [3, 3])
        #expect(s.projections.count == 3)
        #expect(s.projections[2] == ["linear-x": 1, "linear-y": 1])
        #expect(s.selectedPoints == [2])                      // "fine" is the 3rd isolated point; "bad" is not isolated
        // A label is matched whole by Orrery, so it becomes an anchored regex; a /regex/ stays one.
        #expect(s.customXLeftText == "^bad$" && s.customXLeftRegex)
        #expect(s.customXRightText == "^go+d$" && s.customXRightRegex)
        #expect(s.customYUpText == "" && !s.customYUpRegex && s.customYDownText == "")
        #expect(s.customSelectedSearchByMetadataOption == "word" && s.selectedLabelOption == "word")
        #expect(s.cameraDef == .init(orthographic: true, position: [0, 0, 4], target: [0, 0, 0], zoom: 1))
        // The raw JSON has filteredPoints as a list, not null.
        #expect(String(decoding: data, as: UTF8.self).contains("\"filteredPoints\":[1,2,4]"))
    }

    @Test func pcaAndTSNEBookmarksCarryTheirSettings() async throws {
        var pcaNotes = Notes()
        pcaNotes.set("explained-variance-total", 0.875)
        let pca = Self.words.projected(to: Self.words.vectors, axes: ["pca-0", "pca-1", "pca-2"], notes: pcaNotes,
                                      projection: .pca(explainedVariance: [0.5, 0.25, 0.125]))
        var tsneNotes = Notes()
        tsneNotes.set("perplexity", 2)
        tsneNotes.set("iterations", 750)
        tsneNotes.set("learning-rate", 200)
        let tsne = Self.words.projected(to: Self.words.vectors.selecting(columns: [0, 1]), axes: ["tsne-0", "tsne-1"], notes: tsneNotes,
                                             projection: .tsne(dimensions: 2, parameters: tsneNotes))
        let states = try ProjectorState.decodeFile(await export([pca, tsne]), path: "b")
        #expect(states.map(\.label) == ["PCA (88 % variance)", "t-SNE (perplexity 2)"])
        #expect(states.map(\.isSelected) == [true, false])
        #expect(states[0].selectedProjection == "pca" && states[0].pcaComponentDimensions == [0, 1, 2])
        #expect(states[0].filteredPoints == nil && states[0].dataSetDimensions == [6, 3])
        #expect(states[0].cameraDef.orthographic == false)
        #expect(states[0].projections[5] == ["pca-0": Double(Float(0.9)), "pca-1": Double(Float(0.1)), "pca-2": Double(Float(0.3))])
        #expect(states[1].selectedProjection == "tsne" && !states[1].tSNEis3d)
        #expect(states[1].tSNEIteration == 750 && states[1].tSNEPerplexity == 2)
        #expect(abs(states[1].tSNELearningRate - 2.30103) < 1e-5)   // log10(200)
        #expect(states[1].cameraDef == .default2D)
    }

    @Test func rawVectorsAreRejectedWithTheReason() async throws {
        do {
            _ = try await export([Self.words])
            Issue.record("raw vectors were accepted")
        } catch let e as OrreryError {
            #expect(e.description.contains("needs a projection") && e.description.contains("unnamed (raw vectors)"))
        }
    }
}
