/// A parameter a process plugin's manifest declares: its key, type, default, help and constraints.
public struct ManifestParameter: Sendable, Equatable {
    /// The types a manifest parameter can have.
    public indirect enum ValueType: Sendable, Equatable, CustomStringConvertible {
        case integer, number, string, boolean, term
        case list(ValueType)

        /// `integer`, `list of numbers`, … as the manifest writes them.
        public init?(_ text: String) {
            switch text {
            case "integer": self = .integer
            case "number": self = .number
            case "string": self = .string
            case "boolean": self = .boolean
            case "term": self = .term
            default:
                guard text.hasPrefix("list of "), text.hasSuffix("s"),
                      let inner = ValueType(String(text.dropFirst(8).dropLast())) else { return nil }
                self = .list(inner)
            }
        }

        public var description: String {
            switch self {
            case .integer: return "integer"
            case .number: return "number"
            case .string: return "string"
            case .boolean: return "boolean"
            case .term: return "term"
            case .list(let t): return "list of \(t)s"
            }
        }

        /// How a message names a value of this type: `an integer`, `a list of numbers`.
        var article: String {
            switch self {
            case .integer: return "an integer"
            default: return "a \(self)"
            }
        }
    }

    public var key: String
    public var type: ValueType
    /// The default; nil when the parameter is required.
    public var defaultValue: JSONValue?
    public var help: String
    public var minimum: Double?
    public var maximum: Double?
    public var oneOf: [JSONValue]?

    public init(key: String, type: ValueType, defaultValue: JSONValue?, help: String,
                minimum: Double? = nil, maximum: Double? = nil, oneOf: [JSONValue]? = nil) {
        self.key = key
        self.type = type
        self.defaultValue = defaultValue
        self.help = help
        self.minimum = minimum
        self.maximum = maximum
        self.oneOf = oneOf
    }

    /// The row `orrery plugins ID` and the docs show.
    public var descriptor: ParameterDescriptor {
        var constraints: [String] = []
        if let minimum { constraints.append("≥ \(Notes.format(minimum))") }
        if let maximum { constraints.append("≤ \(Notes.format(maximum))") }
        if let oneOf { constraints.append("one of " + oneOf.map(\.yamlText).joined(separator: ", ")) }
        return ParameterDescriptor(key, type.description, default: defaultValue?.yamlText, help, constraints: constraints)
    }

    /// `node` as a value of `type`, or the problem (a type mismatch) with its place.
    func convert(_ node: ConfigNode, as type: ValueType) -> Result<JSONValue, Diagnostic> {
        func mismatch() -> Result<JSONValue, Diagnostic> {
            .failure(Diagnostic(.typeMismatch(parameter: key, expected: type.article, found: node.kindName), at: node.location))
        }
        switch (type, node) {
        case (.list(let inner), .sequence(let items, _)):
            var out: [JSONValue] = []
            for item in items {
                switch convert(item, as: inner) {
                case .success(let v): out.append(v)
                case .failure(let d): return .failure(d)
                }
            }
            return .success(.array(out))
        case (.integer, .scalar(let s, true, _)):
            guard let i = Int64(s) else { return mismatch() }
            return .success(.int(i))
        case (.number, .scalar(let s, true, _)):
            guard let d = Double(s), d.isFinite else { return mismatch() }
            return .success(.number(d))
        case (.boolean, .scalar(let s, true, _)):
            switch s.lowercased() {
            case "true": return .success(.bool(true))
            case "false": return .success(.bool(false))
            default: return mismatch()
            }
        case (.string, .scalar(let s, _, _)), (.term, .scalar(let s, _, _)):
            if node.isNull { return mismatch() }
            return .success(.string(s))
        default:
            return mismatch()
        }
    }

    /// The constraint `value` breaks, if any (checked on each element of a list).
    func violation(of value: JSONValue) -> String? {
        if case .array(let items) = value { return items.lazy.compactMap(violation(of:)).first }
        let number: Double?
        switch value {
        case .int(let i): number = Double(i)
        case .number(let d): number = d
        default: number = nil
        }
        if let number, let minimum, number < minimum { return "must be at least \(Notes.format(minimum))" }
        if let number, let maximum, number > maximum { return "must be at most \(Notes.format(maximum))" }
        if let oneOf, !oneOf.contains(where: { Self.same($0, value) }) {
            return "must be one of " + oneOf.map(\.yamlText).joined(separator: ", ")
        }
        return nil
    }

    private static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .number(let y)), (.number(let y), .int(let x)): return Double(x) == y
        default: return a == b
        }
    }
}
