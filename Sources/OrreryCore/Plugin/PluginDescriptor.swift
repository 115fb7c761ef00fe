/// The five kinds of plugin.
public enum PluginKind: String, Sendable, Equatable, CaseIterable, Codable {
    case loader, reducer, metric, selector, exporter

    /// What a step of this kind produces.
    public var output: PortType {
        switch self {
        case .loader, .reducer, .selector: return .embedding
        case .metric: return .neighbors
        case .exporter: return .files
        }
    }
}

/// The type of value that flows along a DAG edge.
public enum PortType: String, Sendable, Equatable, Codable, CustomStringConvertible {
    case embedding, neighbors, files
    public var description: String {
        switch self {
        case .embedding: return "an embedding"
        case .neighbors: return "neighbour lists"
        case .files: return "files"
        }
    }
}

/// One input of a plugin.
public struct PortDescriptor: Sendable, Equatable {
    public var name: String
    public var accepts: [PortType]
    public var summary: String
    /// False when the step may leave this port unconnected.
    public var required: Bool
    /// True when the port takes several steps (a list under `from:`).
    public var multiple: Bool

    public init(_ name: String, accepts: [PortType], summary: String, required: Bool = true, multiple: Bool = false) {
        self.name = name
        self.accepts = accepts
        self.summary = summary
        self.required = required
        self.multiple = multiple
    }

    /// The usual single embedding input.
    public static let embedding = PortDescriptor("input", accepts: [.embedding], summary: "the points")
}

/// One parameter of a plugin, as the docs and `orrery plugins ID` show it.
public struct ParameterDescriptor: Sendable, Equatable {
    public var name: String
    /// The type as a user reads it: `integer`, `number`, `string`, `boolean`, `term`, `list of strings`…
    public var type: String
    /// The default as YAML, or nil when the parameter is required.
    public var defaultValue: String?
    public var summary: String
    /// The rules a value must follow, as the docs show them (`> 0`, `2 or 3`).
    public var constraints: [String]

    public init(_ name: String, _ type: String, default defaultValue: String? = nil, _ summary: String,
                constraints: [String] = []) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.summary = summary
        self.constraints = constraints
    }

    public var isRequired: Bool { defaultValue == nil }

    /// The type with its constraints, as the docs show it: `number (> 0)`.
    public var shownType: String {
        constraints.isEmpty ? type : type + " (" + constraints.joined(separator: "; ") + ")"
    }
}

/// Everything Orrery knows about a plugin without running it: what the registry, validation,
/// `orrery plugins`, the README's plugin reference and the tests read.
public struct PluginDescriptor: Sendable, Equatable {
    /// `kind.name`, e.g. `reducer.pca`.
    public var id: String
    public var kind: PluginKind
    /// Bumped whenever the plugin's output for the same input and parameters changes (cache keys use it).
    public var version: String
    /// One line.
    public var summary: String
    public var inputs: [PortDescriptor]
    public var parameters: [ParameterDescriptor]
    /// True when the output depends on the seed.
    public var usesSeed: Bool
    /// A complete workflow using this plugin, runnable from the `Workflows/` folder. The test suite
    /// runs every example.
    public var example: String

    /// A descriptor whose parameter docs come from the `@Parameter` declarations of `parameters`.
    public init<P: ParameterSet>(id: String, kind: PluginKind, version: String, summary: String,
                                 inputs: [PortDescriptor], parameters: P.Type, usesSeed: Bool = false, example: String) {
        self.init(id: id, kind: kind, version: version, summary: summary, inputs: inputs,
                  parameterDescriptors: P.descriptors, usesSeed: usesSeed, example: example)
    }

    /// A descriptor with parameter docs given row by row (a process plugin's manifest).
    public init(id: String, kind: PluginKind, version: String, summary: String, inputs: [PortDescriptor],
                parameterDescriptors parameters: [ParameterDescriptor], usesSeed: Bool = false, example: String) {
        precondition(id.hasPrefix(kind.rawValue + "."), "plugin id '\(id)' must start with '\(kind.rawValue).'")
        self.id = id
        self.kind = kind
        self.version = version
        self.summary = summary
        self.inputs = inputs
        self.parameters = parameters
        self.usesSeed = usesSeed
        self.example = example
    }

    /// The plugin's name without its kind (`pca` for `reducer.pca`).
    public var name: String { String(id.dropFirst(kind.rawValue.count + 1)) }
    public var output: PortType { kind.output }
}
