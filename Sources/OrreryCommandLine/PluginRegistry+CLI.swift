import Foundation
import OrreryCore

/// The built-ins plus the process plugins of `ORRERY_PLUGIN_PATH` and of the workflow's
/// `plugins:` list; a bad manifest prints its diagnostics and fails with exit code 2.
func pluginRegistry(for workflow: String?) throws -> PluginRegistry {
    switch ProcessPluginCatalog.registry(base: Orrery.registry, workflowPath: workflow) {
    case .success(let registry): return registry
    case .failure(let diagnostics):
        printError(diagnostics.description)
        throw Exit.invalid
    }
}
