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
import SelectorHead
import SelectorNeighbors
import SelectorRegex

/// Every built-in plugin, in the order `orrery plugins` lists them within a kind.
public let builtInPlugins: [any Plugin.Type] = [
    NPYLoader.self,
    CustomAxisReducer.self,
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
    TSVExporter.self,
    NeighborsExporter.self,
    SummaryExporter.self,
]

extension PluginRegistry {
    /// A registry of the built-in plugins.
    public static var builtIn: PluginRegistry { PluginRegistry(builtInPlugins) }
}
