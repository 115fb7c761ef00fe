import MetricDot
import OrreryCore
import OrreryTesting
import Testing

@Suite struct DotMetricTests {
    @Test(arguments: [(300, 8, 5), (1_200, 20, 17)])
    func everyPointsListEqualsABruteForceReference(n: Int, d: Int, k: Int) throws {
        try MetricChecks.everyPointsListEqualsABruteForceReference(DotMetric.measure, reference: Reference.negativeDot,
                                                                   n: n, d: d, k: k)
    }

    @Test func includeSelfKeepsTheQuery() throws {
        try MetricChecks.includeSelf(DotMetric.measure, queryIsNearestToItself: false)
    }

    @Test func unknownQueryLabelIsAnErrorWithASuggestion() {
        MetricChecks.unknownQueryLabelIsAnErrorWithASuggestion(DotMetric.measure)
    }
}
