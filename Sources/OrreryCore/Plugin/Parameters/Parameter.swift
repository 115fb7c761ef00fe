/// One parameter of a plugin, declared once (swift-argument-parser's `@Option(help:)` model):
///
/// ```swift
/// public struct Parameters: ParameterSet {
///     @Parameter(help: "effective number of neighbours", .positive) public var perplexity = 30.0
///     @Parameter(key: "init", help: "starting layout") public var initialization: InitChoice = .pca
///     @Parameter(help: "the query: a label or /regex/", .validRegex) public var of: Term   // required
///     public init() {}
/// }
/// ```
///
/// From that one declaration come the key (the property name in kebab-case, `learningRate` →
/// `learning-rate`, unless `key:` is given), the default, the type the docs show, the constraints,
/// decoding with unknown-key detection, the canonical JSON of the cache key, `orrery plugins ID` and
/// the README reference. A declaration without a default is required.
@propertyWrapper
public struct Parameter<Value: ParameterValue>: Sendable {
    private var value: Value?
    /// What was declared: key override, help, constraints, default text.
    public let declaration: ParameterDeclaration
    /// The declared default (nil for a required parameter).
    let defaultValue: Value?

    public var wrappedValue: Value {
        get {
            // A required parameter is set by decoding; reading it before is a programming error
            // (argument-parser makes the same choice for its required options).
            guard let value else { preconditionFailure("required parameter read before it was decoded or set") }
            return value
        }
        set { value = newValue }
    }

    /// A parameter with a default.
    public init(wrappedValue: Value, key: String? = nil, help: String, defaultText: String? = nil,
                _ constraints: ParameterConstraint...) {
        value = wrappedValue
        defaultValue = wrappedValue
        declaration = ParameterDeclaration(key: key, help: help, defaultText: defaultText, constraints: constraints,
                                           isRequired: false)
    }

    /// A required parameter: a step that leaves it out is invalid.
    public init(key: String? = nil, help: String, _ constraints: ParameterConstraint...) {
        value = nil
        defaultValue = nil
        declaration = ParameterDeclaration(key: key, help: help, defaultText: nil, constraints: constraints,
                                           isRequired: true)
    }
}

extension Parameter: Equatable where Value: Equatable {
    public static func == (a: Self, b: Self) -> Bool { a.value == b.value }
}

extension Parameter: Decodable {
    /// Parameters decode only through `ParameterDecoder`, which knows each declaration; any other
    /// decoder gets this error rather than a value without its default and constraints.
    public init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                debugDescription: "plugin parameters decode through ParameterDecoder"))
    }
}

/// What a `@Parameter` declares besides its value.
public struct ParameterDeclaration: Sendable {
    /// The key when it is not the property name in kebab-case.
    public let key: String?
    public let help: String
    /// The default as the docs say it, when the value alone does not (`the step's seed`).
    public let defaultText: String?
    public let constraints: [ParameterConstraint]
    public let isRequired: Bool
}

/// The type-erased view of a `Parameter` the decoder and the docs use.
protocol AnyParameter: Sendable {
    var declaration: ParameterDeclaration { get }
    /// The current value as JSON (nil for an unset required parameter or a nil optional).
    var jsonValue: JSONValue? { get }
    /// The declared default, as the docs show it.
    var defaultDescription: String? { get }
    static var valueType: String { get }
    /// This parameter with its value decoded from `node` (nil: the key is absent), or the problems.
    func decoded(from node: ConfigNode?, key: String, decoder: NodeDecoder, environment: ParameterEnvironment)
        -> Result<Self, ParameterProblems>
}

/// The errors found while decoding one parameter.
struct ParameterProblems: Error {
    var errors: [any Error]
}

extension Parameter: AnyParameter {
    static var valueType: String { Value.parameterType }

    var jsonValue: JSONValue? { value.flatMap(JSONValue.encoding) }

    var defaultDescription: String? {
        if let text = declaration.defaultText { return text }
        guard let defaultValue, let json = JSONValue.encoding(defaultValue) else {
            return declaration.isRequired ? nil : "none"
        }
        return json.yamlText
    }

    func decoded(from node: ConfigNode?, key: String, decoder: NodeDecoder, environment: ParameterEnvironment)
        -> Result<Self, ParameterProblems> {
        guard let node, !(node.isNull && Value.self is any OptionalParameterValue.Type) else {
            if declaration.isRequired {
                return .failure(ParameterProblems(errors: [NodeDecodingFailure(
                    kind: .missing, path: [key], location: decoder.node.location)]))
            }
            return .success(self)
        }
        let decoded: Value
        do {
            decoded = try Value(from: decoder.child(node, ParameterKey(key)))
        } catch {
            return .failure(ParameterProblems(errors: [error]))
        }
        let violations = declaration.constraints.compactMap { $0.check(decoded, environment) }
        guard violations.isEmpty else {
            return .failure(ParameterProblems(errors: violations.map { ParameterError(path: [key] + $0.path, $0.reason) }))
        }
        var copy = self
        copy.value = decoded
        return .success(copy)
    }
}

/// A coding key for a parameter's kebab-case name.
struct ParameterKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension String {
    /// `learningRate` → `learning-rate`, `nNeighbors` → `n-neighbors`.
    var kebabCased: String {
        var out = ""
        for c in self {
            if c.isUppercase {
                if !out.isEmpty { out.append("-") }
                out += c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }
}
