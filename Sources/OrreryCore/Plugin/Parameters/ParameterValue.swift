import Foundation

/// A type a `@Parameter` can hold: decoded from YAML, encoded for the cache key, named in docs.
public protocol ParameterValue: Codable, Sendable {
    /// How the docs name the type: `integer`, `number`, `term`, `cosine | euclidean`.
    static var parameterType: String { get }
}

extension Int: ParameterValue { public static var parameterType: String { "integer" } }
extension UInt64: ParameterValue { public static var parameterType: String { "integer" } }
extension Double: ParameterValue { public static var parameterType: String { "number" } }
extension Float: ParameterValue { public static var parameterType: String { "number" } }
extension String: ParameterValue { public static var parameterType: String { "string" } }
extension Bool: ParameterValue { public static var parameterType: String { "boolean" } }
extension Term: ParameterValue { public static var parameterType: String { "term" } }

extension Array: ParameterValue where Element: ParameterValue {
    public static var parameterType: String { "list of \(Element.parameterType)s" }
}

/// Optional values: absent, or `null`, means nil.
protocol OptionalParameterValue {}

extension Optional: ParameterValue where Wrapped: ParameterValue {
    public static var parameterType: String { Wrapped.parameterType }
}

extension Optional: OptionalParameterValue where Wrapped: ParameterValue {}

extension ParameterEnum {
    public static var parameterType: String { allCases.map(\.rawValue).joined(separator: " | ") }
}

extension JSONValue {
    /// `value` as JSON, through its `Encodable` conformance (nil when it encodes to null).
    static func encoding(_ value: some Encodable) -> JSONValue? {
        // Wrapped in a list: a top-level scalar is not a JSON document everywhere.
        guard let data = try? JSONEncoder().encode([value]),
              case .array(let items)? = try? JSONDecoder().decode(JSONValue.self, from: data),
              let first = items.first else { return nil }
        if case .null = first { return nil }
        return first
    }

    /// Sorted-key JSON text.
    var canonicalText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The value as a person writes it in YAML (`30`, `0.5`, `cosine`, `[a, b]`).
    var yamlText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .number(let d):
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return String(d)
        case .string(let s): return s
        case .array(let items): return "[" + items.map(\.yamlText).joined(separator: ", ") + "]"
        case .object(let o):
            return "{ " + o.keys.sorted().map { "\($0): \(o[$0]?.yamlText ?? "")" }.joined(separator: ", ") + " }"
        }
    }
}
