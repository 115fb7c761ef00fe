/// A plugin: a static descriptor, a `Parameters` type decoded from the step's `with:`, and one
/// function of its kind's shape. Plugins are types, not instances; they hold no state.
public protocol Plugin: Sendable {
    /// A struct of `@Parameter` declarations; may also conform to `ValidatingParameters`.
    associatedtype Parameters: ParameterSet
    static var descriptor: PluginDescriptor { get }
    /// How the registry holds this plugin (provided by each kind's protocol).
    static var registryEntry: PluginEntry { get }
}

/// file(s) → Embedding.
public protocol Loader: Plugin {
    static func load(_ parameters: Parameters, context: StepContext) async throws -> Embedding
}

/// Embedding → Embedding (a projection or transformation of the same points).
public protocol Reducer: Plugin {
    static func reduce(_ input: Embedding, _ parameters: Parameters, context: StepContext) async throws -> Embedding
}

/// Embedding → Neighbors. A metric also defines a distance that other plugins look up by name.
public protocol Metric: Plugin where Parameters == MetricParameters {
    static var measure: DistanceMeasure { get }
}

/// Embedding (+ other inputs) → a subset Embedding.
public protocol Selector: Plugin {
    static func select(_ inputs: StepInputs, _ parameters: Parameters, context: StepContext) async throws -> Embedding
}

/// Anything → files (and optionally a short report the CLI prints).
public protocol Exporter: Plugin {
    static func export(_ inputs: StepInputs, _ parameters: Parameters, context: StepContext) async throws -> ExportResult
}

/// What an exporter wrote.
public struct ExportResult: Sendable, Equatable {
    /// Paths written, relative to the output folder.
    public var files: [String]
    /// Text for the person running the workflow (printed by `orrery run`), if any.
    public var report: String?

    public init(files: [String], report: String? = nil) {
        self.files = files
        self.report = report
    }
}

/// The value a step produces.
public enum StepValue: Sendable {
    case embedding(Embedding)
    case neighbors(Neighbors)
    case files(ExportResult)

    public var type: PortType {
        switch self {
        case .embedding: return .embedding
        case .neighbors: return .neighbors
        case .files: return .files
        }
    }
}

/// The values bound to a step's input ports (checked against the descriptor before any work).
public struct StepInputs: Sendable {
    /// Port name → the values of the steps connected to it, in `from:` order.
    public var ports: [String: [StepValue]]

    public init(_ ports: [String: [StepValue]]) { self.ports = ports }

    /// The one embedding on `port`.
    public func embedding(_ port: String = "input") throws -> Embedding {
        guard let e = optionalEmbedding(port) else { throw OrreryError.missingInput(port) }
        return e
    }

    /// The embedding on `port`, if connected.
    public func optionalEmbedding(_ port: String) -> Embedding? {
        if case .embedding(let e)? = ports[port]?.first { return e }
        return nil
    }

    /// Every embedding on `port`.
    public func embeddings(_ port: String = "input") -> [Embedding] {
        (ports[port] ?? []).compactMap { if case .embedding(let e) = $0 { return e } else { return nil } }
    }

    /// The neighbour lists on `port`, if connected.
    public func neighbors(_ port: String) -> Neighbors? {
        if case .neighbors(let n)? = ports[port]?.first { return n }
        return nil
    }

    /// Every value on `port`.
    public func values(_ port: String) -> [StepValue] { ports[port] ?? [] }
}
