// The `orrery` tool: the command line of OrreryCommandLine with the built-in plugins.
import OrreryCommandLine
import OrreryPlugins

await Orrery.main(plugins: builtInPlugins)
