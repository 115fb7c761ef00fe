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
                    .unknownPlugin(step.uses, suggestion: suggestion(for: step.uses, in: registry)),
                    at: step.usesLocation))
                diags += InputValidator.unknownSteps(step, stepIDs: stepIDs, source: workflow.source)
                continue
            }
            var prepared: PreparedStep?
            switch entry.prepare(step.parameters, source: workflow.source, environment: ParameterEnvironment(registry: registry)) {
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
        guard diags.isEmpty else { return .failure(WorkflowDiagnostics(Diagnostic.unique(diags))) }
        let order = AcyclicValidator.order(workflow.steps)
        return .success(WorkflowPlan(workflow: workflow, steps: order.compactMap { planned[$0] }))
    }

    /// The plugin a mistyped id meant: a bare name (`tsne`) that is one plugin's name part gives
    /// that plugin (`reducer.tsne`); otherwise the closest id.
    static func suggestion(for uses: String, in registry: PluginRegistry) -> String? {
        if !uses.contains(".") {
            let named = registry.entries.map(\.descriptor).filter { $0.name == uses.lowercased() }
            if named.count == 1 { return named[0].id }
            let names = registry.entries.map(\.descriptor.name)
            if let close = Suggestion.closest(to: uses, in: names),
               let d = registry.entries.map(\.descriptor).first(where: { $0.name == close }) { return d.id }
        }
        return Suggestion.closest(to: uses, in: registry.ids)
    }
}
