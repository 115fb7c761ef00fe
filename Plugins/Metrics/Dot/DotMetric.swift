import OrreryCore

/// `metric.dot`: The inner product x · y (larger is nearer; the value is reported as is).
///
/// As a step it gives the k nearest neighbours of each query (or of every point); as a distance it
/// serves other plugins by name (`metric: dot`). The search is OrreryCore's exact one.
public enum DotMetric: Metric {
    public typealias Parameters = MetricParameters

    public static let measure = DistanceMeasure.dot

    public static let descriptor = PluginDescriptor(
        id: "metric.dot", kind: .metric, version: "1.0.0",
        summary: "The inner product x · y (larger is nearer; the value is reported as is).",
        inputs: [.embedding],
        parameters: MetricParameters.self,
        example: """
            orrery: 1
            name: dot-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              near:
                uses: metric.dot
                from: glove
                with: { queries: [blue, /^orange/], k: 5 }
              table:
                uses: exporter.neighbors
                from: near
                with: { path: dot-neighbours.txt }
            """)
}
