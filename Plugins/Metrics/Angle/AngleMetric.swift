import OrreryCore

/// `metric.angle`: The angle between two vectors, in degrees: blue: (red, 47.6°), …
///
/// As a step it gives the k nearest neighbours of each query (or of every point); as a distance it
/// serves other plugins by name (`metric: angle`). The search is OrreryCore's exact one.
public enum AngleMetric: Metric {
    public typealias Parameters = MetricParameters

    public static let measure = DistanceMeasure.angle

    public static let descriptor = PluginDescriptor(
        id: "metric.angle", kind: .metric, version: "1.0.0",
        summary: "The angle between two vectors, in degrees: blue: (red, 47.6°), …",
        inputs: [.embedding],
        parameters: MetricParameters.self,
        example: """
            orrery: 1
            name: angle-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              near:
                uses: metric.angle
                from: glove
                with: { queries: [blue, /^orange/], k: 5 }
              table:
                uses: exporter.neighbors
                from: near
                with: { path: angle-neighbours.txt }
            """)
}
