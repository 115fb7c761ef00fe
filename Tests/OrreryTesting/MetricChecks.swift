import OrreryCore
import Testing

/// The checks every metric plugin's tests share: its search against a brute-force reference,
/// `include-self`, and the error for an unknown query label.
public enum MetricChecks {
    public static func everyPointsListEqualsABruteForceReference(
        _ measure: DistanceMeasure, reference: ([Float], [Float]) -> Double, n: Int, d: Int, k: Int) throws {
        let e = Fixtures.random(rows: n, columns: d, seed: UInt64(n))
        var p = MetricParameters()
        p.k = k
        let result = try MetricStep.run(measure, p, on: e, context: .testing())
        #expect(result.queries == Array(0..<n))
        for q in stride(from: 0, to: n, by: 37) {
            let expected = Reference.neighbors(of: q, in: e.vectors, k: k, distance: reference)
            #expect(result.list(q).map(\.row) == expected.map(\.row), "query \(q)")
        }
    }

    /// With `include-self`, lists keep k entries; for a true distance the query comes first.
    public static func includeSelf(_ measure: DistanceMeasure, queryIsNearestToItself: Bool) throws {
        let e = Fixtures.random(rows: 50, columns: 4)
        var p = MetricParameters()
        p.k = 2
        p.includeSelf = true
        p.queries = [.label("w7")]
        let result = try MetricStep.run(measure, p, on: e, context: .testing())
        if queryIsNearestToItself { #expect(result.list(0).first?.row == 7) }
        #expect(result.list(0).count == 2)
    }

    public static func unknownQueryLabelIsAnErrorWithASuggestion(_ measure: DistanceMeasure) {
        let e = Fixtures.random(rows: 20, columns: 3)
        var p = MetricParameters()
        p.queries = [.label("w71")]
        #expect(throws: OrreryError.labelNotFound("w71", column: "label", suggestion: "w1")) {
            try MetricStep.run(measure, p, on: e, context: .testing())
        }
    }
}
