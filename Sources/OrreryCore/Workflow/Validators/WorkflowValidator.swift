/// Checks a workflow against a registry before any work runs, and reports every problem at once
/// (swift-argument-parser's style): plugins, parameters, inputs and port types, cycles.
public enum WorkflowValidator {
    public static func validate(_ workflow: Workflow, registry: PluginRegistry) -> Result<WorkflowPlan, WorkflowDiagnostics> {
        var diags: [Diagnostic] = []
        var planned: [String: PlannedStep] = [:]
        let stepIDs = workflow.steps.map(\.id)
        let kinds = Dictionary(workflow.steps.map { ($0.id, registry[$0.uses]?.descriptor.kind) },
                               uniquingKeysWith: { a, _ in a })
        for step in workflow.steps {
            let before = diags.count
            guard let entry = registry[step.uses] else {
                diags.append(workflow.source.diagnostic(
                    .unknownPlugin(step.uses, suggestion: Suggestion.closest(to: step.uses, in: registry.ids)),
                    at: step.usesLocation))
                diags += InputValidator.unknownSteps(step, stepIDs: stepIDs, source: workflow.source)
                continue
            }
            var prepared: PreparedStep?
            switch entry.prepare(step.parameters, source: workflow.source) {
            case .success(let p): prepared = p
            case .failure(let d): diags += d.diagnostics
            }
            let bindings = InputValidator.bind(step, to: entry.descriptor, stepIDs: stepIDs, kinds: kinds,
                                               source: workflow.source, diagnostics: &diags)
            if let prepared, diags.count == before {
                planned[step.id] = PlannedStep(step: step, prepared: prepared, bindings: bindings)
            }
        }
        diags += AcyclicValidator.cycles(in: workflow)
        diags += OutputPathValidator.diagnostics(workflow.steps.compactMap { planned[$0.id] }, source: workflow.source)
        guard diags.isEmpty else { return .failure(WorkflowDiagnostics(diags)) }
        let order = AcyclicValidator.order(workflow.steps)
        return .success(WorkflowPlan(workflow: workflow, steps: order.compactMap { planned[$0] }))
    }
}
