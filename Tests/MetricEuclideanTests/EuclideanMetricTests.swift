import MetricEuclidean
import OrreryCore
import OrreryTesting
import Testing

@Suite struct EuclideanMetricTests {
    @Test(arguments: [(300, 8, 5), (1_200, 20, 17)])
    func everyPointsListEqualsABruteForceReference(n: Int, d: Int, k: Int) throws {
        let e = Fixtures.random(rows: n, columns: d, seed: UInt64(n))
        var p = MetricParameters()
        p.k = k
        let result = try MetricStep.run(EuclideanMetric.measure, p, on: e, context: .testing())
        #expect(result.queries == Array(0..<n))
        for q in stride(from: 0, to: n, by: 37) {
            let expected = Reference.neighbors(of: q, in: e.vectors, k: k, distance: Reference.euclidean)
            #expect(result.list(q).map(\.row) == expected.map(\.row), "query \(q)")
        }
    }

    @Test func includeSelfPutsTheQueryFirst() throws {
        let e = Fixtures.random(rows: 50, columns: 4)
        var p = MetricParameters()
        p.k = 2
        p.includeSelf = true
        p.queries = [.label("w7")]
        let result = try MetricStep.run(EuclideanMetric.measure, p, on: e, context: .testing())
        if "euclidean" != "dot" { #expect(result.list(0).first?.row == 7) }
        #expect(result.list(0).count == 2)
    }

    @Test func unknownQueryLabelIsAnErrorWithASuggestion() {
        let e = Fixtures.random(rows: 20, columns: 3)
        var p = MetricParameters()
        p.queries = [.label("w71")]
        #expect(throws: OrreryError.labelNotFound("w71", column: "label", suggestion: "w1")) {
            try MetricStep.run(EuclideanMetric.measure, p, on: e, context: .testing())
        }
    }
}
