import ExporterNeighbors
import ExporterSummary
import ExporterTSV
import LoaderNPY
import MetricAngle
import MetricCosine
import MetricDot
import MetricEuclidean
import OrreryCore
import ReducerCustomAxis
import ReducerPCA
import ReducerSphereize
import ReducerTSNE
import SelectorHead
import SelectorNeighbors
import SelectorPoints
import SelectorRegex
import SelectorSample
import SelectorSphere

/// Every built-in plugin, in the order `orrery plugins` lists them within a kind.
public let builtInPlugins: [any Plugin.Type] = [
    NPYLoader.self,
    CustomAxisReducer.self,
    PCAReducer.self,
    SphereizeReducer.self,
    TSNEReducer.self,
    CosineMetric.self,
    AngleMetric.self,
    EuclideanMetric.self,
    DotMetric.self,
    NeighborsSelector.self,
    RegexSelector.self,
    HeadSelector.self,
    SphereSelector.self,
    PointsSelector.self,
    SampleSelector.self,
    TSVExporter.self,
    NeighborsExporter.self,
    SummaryExporter.self,
]

extension PluginRegistry {
    /// A registry of the built-in plugins.
    public static var builtIn: PluginRegistry { PluginRegistry(builtInPlugins) }
}
