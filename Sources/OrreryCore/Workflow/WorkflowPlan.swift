/// A validated workflow: every step's plugin found, parameters decoded, inputs bound to typed
/// ports, no cycle; steps in an order where each comes after its inputs.
public struct WorkflowPlan: Sendable {
    public var workflow: Workflow
    /// Steps in dependency order (source order among independent steps).
    public var steps: [PlannedStep]

    public func step(_ id: String) -> PlannedStep? { steps.first { $0.id == id } }
}

/// One validated step.
public struct PlannedStep: Sendable {
    public var step: WorkflowStep
    public var prepared: PreparedStep
    /// Port name → the step ids feeding it, in `from:` order.
    public var bindings: [(port: String, steps: [String])]
    public var id: String { step.id }
    public var descriptor: PluginDescriptor { prepared.descriptor }
    /// The step ids this one reads, without repeats.
    public var dependencies: [String] {
        var seen: Set<String> = []
        return bindings.flatMap(\.steps).filter { seen.insert($0).inserted }
    }
}

extension WorkflowPlan {
    /// Loads the workflow at `path` (with `--set` overrides) and validates it against `registry`.
    public static func load(path: String, overrides: [String] = [], registry: PluginRegistry)
        -> Result<WorkflowPlan, WorkflowDiagnostics> {
        WorkflowLoader.load(path: path, overrides: overrides).flatMap {
            WorkflowValidator.validate($0, registry: registry)
        }
    }
}
