import ExporterBookmarks
import ExporterHTML
import ExporterNPY
import ExporterNeighbors
import ExporterProjector
import ExporterSVG
import ExporterSprite
import ExporterSummary
import ExporterTSV
import LoaderGloVe
import LoaderNPY
import LoaderCheckpoint
import LoaderProjector
import LoaderSafetensors
import LoaderTSV
import LoaderWord2Vec
import MetricAngle
import MetricCosine
import MetricDot
import MetricEuclidean
import OrreryCore
import ReducerCustomAxis
import ReducerPCA
import ReducerPlace
import ReducerSphereize
import ReducerTSNE
import ReducerUMAP
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
    UMAPReducer.self,
    PlaceReducer.self,
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
    ProjectorLoader.self,
    CheckpointLoader.self,
    SafetensorsLoader.self,
    ProjectorExporter.self,
    BookmarksExporter.self,
    SpriteExporter.self,
    SVGExporter.self,
    HTMLExporter.self,
    NPYExporter.self,
]

extension PluginRegistry {
    /// A registry of the built-in plugins.
    public static var builtIn: PluginRegistry { PluginRegistry(builtInPlugins) }
}
