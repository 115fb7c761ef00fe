import Foundation

/// A plugin as the registry holds it: its descriptor and a way to turn a step's `with:` into
/// something that runs. Built by each kind's protocol extension, so plugins never write it.
public struct PluginEntry: Sendable {
    public let descriptor: PluginDescriptor
    /// The distance a metric defines (nil for other kinds).
    public let measure: DistanceMeasure?
    let prepare: @Sendable (ConfigNode, YAMLSource?, ParameterEnvironment) -> Result<PreparedStep, WorkflowDiagnostics>

    public init(descriptor: PluginDescriptor, measure: DistanceMeasure? = nil,
                prepare: @escaping @Sendable (ConfigNode, YAMLSource?, ParameterEnvironment)
                    -> Result<PreparedStep, WorkflowDiagnostics>) {
        self.descriptor = descriptor
        self.measure = measure
        self.prepare = prepare
    }

    /// Decodes and validates `parameters` (a step's `with:`), ready to run. With a registry in
    /// `environment`, names of other plugins (a `metric:`) are checked too.
    public func prepare(_ parameters: ConfigNode, source: YAMLSource? = nil,
                        environment: ParameterEnvironment = .init()) -> Result<PreparedStep, WorkflowDiagnostics> {
        prepare(parameters, source, environment)
    }

    /// This entry, calling `onRun(stepID)` each time one of its steps is executed (not when its
    /// result comes from the cache): for tracing, timing or counting what a run really computed.
    public func instrumented(onRun: @escaping @Sendable (_ stepID: String) -> Void) -> PluginEntry {
        let prepare = self.prepare
        return PluginEntry(descriptor: descriptor, measure: measure) { node, source, environment in
            prepare(node, source, environment).map { step in
                PreparedStep(descriptor: step.descriptor, canonicalParameters: step.canonicalParameters) { inputs, context in
                    onRun(context.stepID)
                    return try await step.run(inputs, context: context)
                }
            }
        }
    }

    static func make<P: Plugin>(_ plugin: P.Type, measure: DistanceMeasure? = nil,
                                run: @escaping @Sendable (P.Parameters, StepInputs, StepContext) async throws -> StepValue)
        -> PluginEntry {
        let descriptor = P.descriptor
        return PluginEntry(descriptor: descriptor, measure: measure) { node, source, environment in
            ParameterDecoder.decode(P.Parameters.self, from: node, plugin: descriptor.id, source: source,
                                    environment: environment).map { params in
                PreparedStep(descriptor: descriptor, canonicalParameters: params.canonicalJSON) { inputs, context in
                    try await run(params, inputs, context)
                }
            }
        }
    }
}

/// A step's plugin with its decoded parameters: ready to run on inputs.
public struct PreparedStep: Sendable {
    public let descriptor: PluginDescriptor
    /// The decoded parameters as canonical JSON (sorted keys), for cache keys and run records.
    public let canonicalParameters: String
    let body: @Sendable (StepInputs, StepContext) async throws -> StepValue

    init(descriptor: PluginDescriptor, canonicalParameters: String,
         body: @escaping @Sendable (StepInputs, StepContext) async throws -> StepValue) {
        self.descriptor = descriptor
        self.canonicalParameters = canonicalParameters
        self.body = body
    }

    public func run(_ inputs: StepInputs, context: StepContext) async throws -> StepValue {
        try await body(inputs, context)
    }
}

extension Loader {
    public static var registryEntry: PluginEntry {
        .make(Self.self) { params, _, context in .embedding(try await load(params, context: context)) }
    }
}

extension Reducer {
    public static var registryEntry: PluginEntry {
        .make(Self.self) { params, inputs, context in
            .embedding(try await reduce(try inputs.embedding(), params, context: context))
        }
    }
}

extension Metric {
    public static var registryEntry: PluginEntry {
        let measure = Self.measure
        return .make(Self.self, measure: measure) { params, inputs, context in
            .neighbors(try MetricStep.run(measure, params, on: try inputs.embedding(), context: context))
        }
    }
}

extension Selector {
    public static var registryEntry: PluginEntry {
        .make(Self.self) { params, inputs, context in .embedding(try await select(inputs, params, context: context)) }
    }
}

extension Exporter {
    public static var registryEntry: PluginEntry {
        .make(Self.self) { params, inputs, context in .files(try await export(inputs, params, context: context)) }
    }
}
