/// A YAML value with the place it was written: Orrery's own `Sendable` copy of a Yams `Node`.
///
/// Mappings keep their keys in source order (and their keys' locations) so that every diagnostic
/// can point at the key or value it is about.
public indirect enum ConfigNode: Sendable, Equatable {
    /// A scalar; `plain` is false when it was quoted (a quoted scalar is always a string).
    case scalar(String, plain: Bool, SourceLocation)
    case sequence([ConfigNode], SourceLocation)
    case mapping([ConfigEntry], SourceLocation)

    /// Where the value starts.
    public var location: SourceLocation {
        switch self {
        case .scalar(_, _, let l), .sequence(_, let l), .mapping(_, let l): return l
        }
    }

    /// The entry for `key`, if this is a mapping that has one.
    public subscript(key: String) -> ConfigEntry? {
        if case .mapping(let entries, _) = self { return entries.first { $0.key == key } }
        return nil
    }

    /// The scalar's text, if this is a scalar.
    public var scalarValue: String? {
        if case .scalar(let s, _, _) = self { return s }
        return nil
    }

    /// True for a plain `null`, `~` or empty scalar.
    public var isNull: Bool {
        if case .scalar(let s, true, _) = self { return s == "null" || s == "~" || s.isEmpty || s == "Null" || s == "NULL" }
        return false
    }

    /// A short name for the node's kind, for messages.
    public var kindName: String {
        switch self {
        case .scalar(let s, let plain, _):
            if !plain { return "a string" }
            if s.isEmpty || s == "null" || s == "~" { return "null" }
            if Int(s) != nil { return "an integer" }
            if Double(s) != nil { return "a number" }
            if ["true", "false"].contains(s.lowercased()) { return "a boolean" }
            return "a string"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// A compact, canonical rendering (used in hashes and messages).
    public var canonical: String {
        switch self {
        case .scalar(let s, let plain, _): return plain ? s : "\"" + s + "\""
        case .sequence(let items, _): return "[" + items.map(\.canonical).joined(separator: ", ") + "]"
        case .mapping(let entries, _):
            return "{" + entries.map { $0.key + ": " + $0.value.canonical }.joined(separator: ", ") + "}"
        }
    }
}

/// One `key: value` pair of a mapping, with the key's location.
public struct ConfigEntry: Sendable, Equatable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: ConfigNode

    public init(key: String, keyLocation: SourceLocation, value: ConfigNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}
