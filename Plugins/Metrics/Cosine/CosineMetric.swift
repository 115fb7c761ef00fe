import OrreryCore

/// `metric.cosine`: 1 − cos(x, y): the Projector's default neighbour distance.
///
/// As a step it gives the k nearest neighbours of each query (or of every point); as a distance it
/// serves other plugins by name (`metric: cosine`). The search is OrreryCore's exact one.
public enum CosineMetric: Metric {
    public typealias Parameters = MetricParameters

    public static let measure = DistanceMeasure.cosine

    public static let descriptor = PluginDescriptor(
        id: "metric.cosine", kind: .metric, version: "1.0.0",
        summary: "1 − cos(x, y): the Projector's default neighbour distance.",
        inputs: [.embedding],
        parameters: MetricParameters.self,
        example: """
            orrery: 1
            name: cosine-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              near:
                uses: metric.cosine
                from: glove
                with: { queries: [blue, /^orange/], k: 5 }
              table:
                uses: exporter.neighbors
                from: near
                with: { path: cosine-neighbours.txt }
            """)
}
