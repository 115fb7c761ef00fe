import ExporterNeighbors
import ExporterSummary
import ExporterTSV
import LoaderGloVe
import LoaderNPY
import LoaderTSV
import LoaderWord2Vec
import MetricAngle
import MetricCosine
import MetricDot
import MetricEuclidean
import OrreryCore
import ReducerCustomAxis
import ReducerPCA
import ReducerSphereize
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
    CosineMetric.self,
    AngleMetric.self,
    EuclideanMetric.self,
    DotMetric.self,
    NeighborsSelector.self,
    RegexSelector.self,
    GloVeLoader.self,
    Word2VecLoader.self,
    TSVLoader.self,
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
