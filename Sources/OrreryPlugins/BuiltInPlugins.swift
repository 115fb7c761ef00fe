import OrreryCore
import LoaderNPY
import SelectorHead
import ReducerTSNE

/// Every built-in plugin, in the order `orrery plugins` lists them.
public let builtInPlugins: [any Plugin.Type] = [
    NPYLoader.self,
    HeadSelector.self,
    TSNEReducer.self,
]

extension PluginRegistry {
    /// A registry of the built-in plugins.
    public static var builtIn: PluginRegistry { PluginRegistry(builtInPlugins) }
}
