import OrreryCore

/// A registry holding only the four standard distances, for plugin tests that look a metric up by
/// name (`context.measure(named:)`) without depending on the metric plugins' targets.
public enum MeasureRegistry {
    public static var standard: PluginRegistry {
        PluginRegistry([CosineMeasure.self, AngleMeasure.self, EuclideanMeasure.self, DotMeasure.self])
    }
}

private func measureDescriptor(_ name: String) -> PluginDescriptor {
    PluginDescriptor(id: "metric.\(name)", kind: .metric, version: "1.0.0", summary: "test stand-in for metric.\(name)",
                     inputs: [.embedding], parameterDescriptors: [], example: "")
}

private enum CosineMeasure: Metric {
    static let measure = DistanceMeasure.cosine
    static let descriptor = measureDescriptor("cosine")
}

private enum AngleMeasure: Metric {
    static let measure = DistanceMeasure.angle
    static let descriptor = measureDescriptor("angle")
}

private enum EuclideanMeasure: Metric {
    static let measure = DistanceMeasure.euclidean
    static let descriptor = measureDescriptor("euclidean")
}

private enum DotMeasure: Metric {
    static let measure = DistanceMeasure.dot
    static let descriptor = measureDescriptor("dot")
}
