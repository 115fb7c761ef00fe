import Foundation
import OrreryCore
import OrreryTesting
@testable import OrreryUMAP
@testable import ReducerUMAP
import Testing

@Suite struct UMAPReducerTests {
    @Test func layoutHasUMAPAxesAndReportsWhatRan() async throws {
        let e = Fixtures.random(rows: 400, columns: 8, seed: 3)
        let out = try await UMAPReducer.reduce(e, .with { $0.nEpochs = 80 }, context: .testing(seed: 4))
        #expect(out.axes == ["umap-0", "umap-1"])
        #expect(out.rows == e.rows && out.root === e.root)
        #expect(out.notes["reducer"] == .text("reducer.umap"))
        #expect(out.notes["init"] == .text("spectral"))
        #expect(abs((out.notes.number("a") ?? 0) - 1.57694) < 1e-3)
        #expect(abs((out.notes.number("b") ?? 0) - 0.89506) < 1e-3)
        #expect(out.notes.number("n-epochs") == 80 && out.notes.number("seed") == 4)
        #expect(out.notes.number("trustworthiness@10") != nil)
        let again = try await UMAPReducer.reduce(e, .with { $0.nEpochs = 80 }, context: .testing(seed: 4))
        #expect(again.vectors.storage.map(\.bitPattern) == out.vectors.storage.map(\.bitPattern))
        let three = try await UMAPReducer.reduce(e, .with { $0.dims = 3; $0.nEpochs = 30 }, context: .testing())
        #expect(three.axes == ["umap-0", "umap-1", "umap-2"])
    }

    @Test(arguments: [("n-neighbors: 1", "n-neighbors"), ("min-dist: 2", "min-dist"), ("dims: 4", "dims")])
    func badParametersNameTheParameter(yaml: String, parameter: String) throws {
        let node = try YAMLSource(path: "t.yaml", text: yaml).compose()
        guard case .failure(let d) = UMAPReducer.registryEntry.prepare(node) else {
            Issue.record("\(yaml) was accepted")
            return
        }
        guard case .invalidValue(let name, _)? = d.diagnostics.first?.problem else {
            Issue.record("unexpected diagnostic \(String(describing: d.diagnostics.first))")
            return
        }
        #expect(name == parameter)
    }

    @Test func identicalPointsAreAClearError() async throws {
        let e = Embedding(vectors: Matrix(rows: 30, columns: 4, storage: [Float](repeating: 1, count: 120)),
                          metadata: MetadataTable(labels: (0..<30).map(String.init)))
        await #expect {
            _ = try await UMAPReducer.reduce(e, .with { _ in }, context: .testing())
        } throws: { error in
            "\(error)".contains("identical")
        }
    }

    @Test func disconnectedGraphIsNotedInTheSteps() async throws {
        var rows: [[Float]] = []
        var g = SeededGenerator(seed: 4)
        for c in 0..<2 { for _ in 0..<40 { rows.append([Float(100 * c) + Float(g.nextGaussian()), Float(g.nextGaussian()), 1]) } }
        let e = Embedding(vectors: Matrix(rows), metadata: MetadataTable(labels: (0..<80).map(String.init)))
        let out = try await UMAPReducer.reduce(e, .with { $0.nNeighbors = 5; $0.nEpochs = 30; $0.metric = .euclidean },
                                               context: .testing())
        #expect(out.notes["init"] == .text("random"))
        #expect(out.notes["init-fallback"] == .text("spectral → random: the neighbour graph has 2 connected components"))
        #expect(out.notes.number("graph-components") == 2)
    }
}
