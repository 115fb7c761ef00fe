import Foundation

/// Runs a validated workflow: steps in dependency order, independent branches concurrently
/// (one child task each, in a task group), every step's failure named with its place.
public struct Runner: Sendable {
    public struct Options: Sendable {
        /// Exporters write here (default `out/<workflow name>`).
        public var outputDirectory: URL
        public var events: RunEventHandler

        public init(outputDirectory: URL, events: @escaping RunEventHandler = { _ in }) {
            self.outputDirectory = outputDirectory
            self.events = events
        }
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        /// Every step's value, by step id.
        public var values: [String: StepValue]
        /// Step summaries in the order steps finished.
        public var summaries: [StepSummary]
    }

    public let registry: PluginRegistry

    public init(registry: PluginRegistry) { self.registry = registry }

    /// Runs `plan`. Throws a `StepFailure` for the first step that fails (the others are cancelled)
    /// or `OrreryError.cancelled` when the surrounding task is cancelled.
    public func run(_ plan: WorkflowPlan, options: Options) async throws -> Outcome {
        var values: [String: StepValue] = [:]
        var summaries: [StepSummary] = []
        var started: Set<String> = []
        try await withThrowingTaskGroup(of: (String, StepValue, StepSummary).self) { group in
            while true {
                for planned in plan.steps where !started.contains(planned.id)
                    && planned.dependencies.allSatisfy({ values[$0] != nil }) {
                    started.insert(planned.id)
                    let inputs = StepInputs(Dictionary(
                        planned.bindings.map { ($0.port, $0.steps.compactMap { values[$0] }) },
                        uniquingKeysWith: { a, b in a + b }))
                    let context = StepContext(
                        stepID: planned.id, seed: planned.step.seed ?? plan.workflow.seed,
                        inputDirectory: plan.workflow.directory, outputDirectory: options.outputDirectory,
                        registry: registry, events: options.events)
                    let source = plan.workflow.source
                    group.addTask {
                        try await Self.execute(planned, inputs: inputs, context: context, source: source,
                                               events: options.events)
                    }
                }
                guard let (id, value, summary) = try await group.next() else { break }
                values[id] = value
                summaries.append(summary)
            }
        }
        return Outcome(values: values, summaries: summaries)
    }

    private static func execute(_ planned: PlannedStep, inputs: StepInputs, context: StepContext,
                                source: YAMLSource, events: RunEventHandler) async throws
        -> (String, StepValue, StepSummary) {
        try Task.checkCancellation()
        events(.stepStarted(step: planned.id, plugin: planned.descriptor.id))
        let clock = ContinuousClock()
        let start = clock.now
        let value: StepValue
        do {
            value = try await planned.prepared.run(inputs, context: context)
        } catch let error as OrreryError where error == .cancelled {
            throw error
        } catch is CancellationError {
            throw OrreryError.cancelled
        } catch {
            var location = planned.step.location
            if let p = (error as? OrreryError)?.parameter {
                let path = p.split(separator: ".").map(String.init)
                location = ParameterDecoder.locate(path, in: planned.step.parameters) ?? location
            }
            throw StepFailure(step: planned.id, plugin: planned.descriptor.id, location: location,
                              sourceLine: source.line(at: location), error: error)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let summary: StepSummary
        switch value {
        case .embedding(let e):
            summary = StepSummary(step: planned.id, plugin: planned.descriptor.id, seconds: seconds, rows: e.count,
                                  columns: e.dimensions, files: [], notes: e.notes, cached: false)
        case .neighbors(let n):
            summary = StepSummary(step: planned.id, plugin: planned.descriptor.id, seconds: seconds,
                                  rows: n.queries.count, columns: n.k, files: [], notes: Notes(), cached: false)
        case .files(let r):
            if let report = r.report { events(.report(step: planned.id, text: report)) }
            summary = StepSummary(step: planned.id, plugin: planned.descriptor.id, seconds: seconds, rows: nil,
                                  columns: nil, files: r.files, notes: Notes(), cached: false)
        }
        events(.stepFinished(summary))
        return (planned.id, value, summary)
    }
}
