import OrreryCore
import LoaderNPY
import LoaderGloVe
import LoaderWord2Vec
import LoaderTSV
import SelectorHead

/// Every built-in plugin, in the order `orrery plugins` lists them.
public let builtInPlugins: [any Plugin.Type] = [
    NPYLoader.self,
    GloVeLoader.self,
    Word2VecLoader.self,
    TSVLoader.self,
    HeadSelector.self,
]

extension PluginRegistry {
    /// A registry of the built-in plugins.
    public static var builtIn: PluginRegistry { PluginRegistry(builtInPlugins) }
}
