import OrreryCore

/// `metric.euclidean`: The straight-line distance ‖x − y‖.
///
/// As a step it gives the k nearest neighbours of each query (or of every point); as a distance it
/// serves other plugins by name (`metric: euclidean`). The search is OrreryCore's exact one.
public enum EuclideanMetric: Metric {
    public typealias Parameters = MetricParameters

    public static let measure = DistanceMeasure.euclidean

    public static let descriptor = PluginDescriptor(
        id: "metric.euclidean", kind: .metric, version: "1.0.0",
        summary: "The straight-line distance ‖x − y‖.",
        inputs: [.embedding],
        parameters: MetricParameters.self,
        example: """
            orrery: 1
            name: euclidean-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              near:
                uses: metric.euclidean
                from: glove
                with: { queries: [blue, /^orange/], k: 5 }
              table:
                uses: exporter.neighbors
                from: near
                with: { path: euclidean-neighbours.txt }
            """)
}
