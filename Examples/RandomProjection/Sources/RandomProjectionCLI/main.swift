// `orrery` with the built-in plugins plus this package's reducer.
import OrreryCommandLine
import OrreryPlugins
import RandomProjection

await Orrery.main(plugins: builtInPlugins + [RandomProjectionReducer.self])
