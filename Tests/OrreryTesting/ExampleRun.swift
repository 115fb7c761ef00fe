import Foundation
import OrreryCore

extension Fixtures {
    /// Runs `plugin`'s descriptor example from `Workflows/` with a registry of `plugins` (the
    /// plugin itself by default); returns every step's value.
    public static func runExample(of plugin: any Plugin.Type, with plugins: [any Plugin.Type] = [])
    async throws -> [String: StepValue] {
        let workflow = try WorkflowLoader.parse(plugin.descriptor.example, path: "\(plugin.descriptor.id).yaml",
                                                directory: workflowsDirectory).get()
        let registry = PluginRegistry([plugin] + plugins)
        let plan = try WorkflowValidator.validate(workflow, registry: registry).get()
        return try await Runner(registry: registry).run(plan, options: .init(outputDirectory: temporaryDirectory())).values
    }
}
