import MetricAngle
import OrreryCore
import OrreryTesting
import Testing

@Suite struct AngleMetricTests {
    @Test func anglesEqualAnIndependentComputationFromTheRawVectors() async throws {
        let glove = try await Bundled.glove()
        var p = MetricParameters()
        p.queries = [.label("blue")]
        p.k = 3
        let n = try MetricStep.run(AngleMetric.measure, p, on: glove, context: .testing())
        let blue = try #require(glove.metadata.labelColumn?.values.firstIndex(of: "blue"))
        let expected = Reference.neighbors(of: blue, in: glove.vectors, k: 3, distance: Reference.angleDegrees)
        let got = n.list(0)
        #expect(got.map(\.row) == expected.map(\.row))
        for (g, e) in zip(got, expected) { #expect(abs(Double(g.distance) - e.distance) < 1e-3) }
        #expect(n.unit == "°")
        // GloVe 6B 50d: blue's nearest words by angle are colours.
        #expect(got.map { glove.label($0.row) }.contains("red"))
    }

    @Test func angleOfOrthogonalAndOppositeVectors() {
        #expect(DistanceMeasure.angle.distance([1, 0], [0, 2]) == 90)
        #expect(abs(DistanceMeasure.angle.distance([1, 1], [-1, -1]) - 180) < 1e-3)
        #expect(DistanceMeasure.angle.distance([3, 0], [1, 0]) == 0)
    }
}
