import OrreryCore
import OrreryTesting
import SelectorNeighbors
import Testing

@Suite struct NeighborsSelectorTests {
    let registry = MeasureRegistry.standard

    @Test func queryThenItsNeighboursNearestFirst() async throws {
        let e = Fixtures.random(rows: 400, columns: 10, seed: 9)
        let out = try await NeighborsSelector.select(StepInputs(["input": [.embedding(e)]]),
                                                     .with { $0.of = .label("w5"); $0.k = 12; $0.metric = "angle" },
                                                     context: .testing(registry: registry))
        let expected = Reference.neighbors(of: 5, in: e.vectors, k: 12, distance: Reference.angleDegrees)
        #expect(out.rows == [5] + expected.map(\.row))
        let distances = try #require(out.metadata.column(named: "angle-distance")).values.compactMap(Double.init)
        #expect(distances.count == 13 && distances[0] == 0)
        for (d, e) in zip(distances.dropFirst(), expected) { #expect(abs(d - e.distance) < 1e-3) }
        #expect(out.root === e.root)
    }

    @Test func unknownMetricNamesTheParameter() async {
        let e = Fixtures.random(rows: 10, columns: 2)
        await #expect(throws: OrreryError.invalidParameter("metric", reason: "unknown metric 'cosin'; known: cosine, angle, euclidean, dot")) {
            try await NeighborsSelector.select(StepInputs(["input": [.embedding(e)]]),
                                               .with { $0.of = .label("w1"); $0.k = 3; $0.metric = "cosin" },
                                               context: .testing(registry: registry))
        }
    }

    @Test func politicsHasOneHundredNeighboursInTheBundledSet() async throws {
        let glove = try await Bundled.glove()
        let out = try await NeighborsSelector.select(StepInputs(["input": [.embedding(glove)]]),
                                                     .with { $0.of = .label("politics"); $0.k = 100 },
                                                     context: .testing(registry: registry))
        #expect(out.count == 101)
        #expect(out.label(0) == "politics")
        #expect(out.metadata.labelColumn?.values.contains("political") == true)
    }
}
