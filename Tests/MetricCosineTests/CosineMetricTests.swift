import MetricCosine
import OrreryCore
import OrreryTesting
import Testing

@Suite struct CosineMetricTests {
    @Test(arguments: [(300, 8, 5), (1_200, 20, 17)])
    func everyPointsListEqualsABruteForceReference(n: Int, d: Int, k: Int) throws {
        try MetricChecks.everyPointsListEqualsABruteForceReference(CosineMetric.measure, reference: Reference.cosineDistance,
                                                                   n: n, d: d, k: k)
    }

    @Test func includeSelfKeepsTheQuery() throws {
        try MetricChecks.includeSelf(CosineMetric.measure, queryIsNearestToItself: true)
    }

    @Test func unknownQueryLabelIsAnErrorWithASuggestion() {
        MetricChecks.unknownQueryLabelIsAnErrorWithASuggestion(CosineMetric.measure)
    }
}
