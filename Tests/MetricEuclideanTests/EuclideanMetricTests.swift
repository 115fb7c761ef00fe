import MetricEuclidean
import OrreryCore
import OrreryTesting
import Testing

@Suite struct EuclideanMetricTests {
    @Test(arguments: [(300, 8, 5), (1_200, 20, 17)])
    func everyPointsListEqualsABruteForceReference(n: Int, d: Int, k: Int) throws {
        try MetricChecks.everyPointsListEqualsABruteForceReference(EuclideanMetric.measure, reference: Reference.euclidean,
                                                                   n: n, d: d, k: k)
    }

    @Test func includeSelfKeepsTheQuery() throws {
        try MetricChecks.includeSelf(EuclideanMetric.measure, queryIsNearestToItself: true)
    }

    @Test func unknownQueryLabelIsAnErrorWithASuggestion() {
        MetricChecks.unknownQueryLabelIsAnErrorWithASuggestion(EuclideanMetric.measure)
    }
}
