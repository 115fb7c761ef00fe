import Foundation
import OrreryCore
import OrreryPlugins
import OrreryTesting
import RandomProjection
import Testing

@Suite struct RandomProjectionReducerTests {
    @Test func passesOrrerysConformanceChecks() async throws {
        let registry = PluginRegistry(builtInPlugins + [RandomProjectionReducer.self])
        let failures = await PluginConformance.check(RandomProjectionReducer.registryEntry, registry: registry)
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func coordinatesAreTheProductWithTheSeededMatrix() async throws {
        let e = Fixtures.grid(rows: 20, columns: 4)
        let out = try await RandomProjectionReducer.reduce(e, .with { $0.dims = 3 }, context: .testing(seed: 5))
        // The same matrix, drawn here independently in Double.
        var g = SeededGenerator(seed: 5)
        let r = (0..<12).map { _ in g.nextGaussian() / 3.0.squareRoot() }
        for i in 0..<20 {
            for j in 0..<3 {
                let expected = (0..<4).reduce(0.0) { $0 + Double(e.vectors[i, $1]) * r[$1 * 3 + j] }
                #expect(abs(Double(out.vectors[i, j]) - expected) < 1e-4)
            }
        }
        #expect(out.axes == ["random-0", "random-1", "random-2"])
    }

    @Test func distancesAreRoughlyKept() async throws {
        // 200 dims keep pairwise distances of the GloVe words within ±35 % for most pairs.
        let glove = try await Bundled.glove().subset(Array(0..<200))
        let out = try await RandomProjectionReducer.reduce(glove, .with { $0.dims = 200 }, context: .testing(seed: 1))
        var within = 0, pairs = 0
        for a in 0..<50 {
            for b in (a + 1)..<50 {
                let x = Reference.euclidean(glove.vectors.row(a), glove.vectors.row(b))
                let y = Reference.euclidean(out.vectors.row(a), out.vectors.row(b))
                pairs += 1
                if abs(y / x - 1) < 0.35 { within += 1 }
            }
        }
        #expect(Double(within) / Double(pairs) > 0.95)
    }

    @Test func theExampleWorkflowRunsWithTheBuiltIns() async throws {
        let values = try await Fixtures.runExample(of: RandomProjectionReducer.self, with: builtInPlugins)
        guard case .embedding(let e)? = values["projected"] else { Issue.record("no projection"); return }
        #expect(e.count == 1000 && e.dimensions == 2)
    }

    @Test func anUnknownParameterIsReportedWithTheDeclaredKeys() throws {
        #expect(throws: WorkflowDiagnostics.self) { try RandomProjectionReducer.Parameters.yaml("{ dim: 2 }") }
    }
}
