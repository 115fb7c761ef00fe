import OrreryCore
import LoaderNPY
import SelectorHead
import LoaderProjector
import ExporterProjector
import ExporterBookmarks
import ExporterSprite
import ExporterSVG
import ExporterHTML
import ExporterNPY

/// Every built-in plugin, in the order `orrery plugins` lists them.
public let builtInPlugins: [any Plugin.Type] = [
    NPYLoader.self,
    HeadSelector.self,
    ProjectorLoader.self,
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
