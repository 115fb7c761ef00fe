/// Facts about how an embedding was made — explained variance, KL divergence, the parameters, the
/// seed, projection quality — in the order they were recorded.
public struct Notes: Sendable, Equatable, Codable {
    /// One recorded fact.
    public struct Entry: Sendable, Equatable, Codable {
        public var key: String
        public var value: Value
    }

    /// A fact's value.
    public enum Value: Sendable, Equatable, Codable, CustomStringConvertible {
        case number(Double)
        case numbers([Double])
        case text(String)

        public var description: String {
            switch self {
            case .number(let x): return Notes.format(x)
            case .numbers(let xs): return "[" + xs.map(Notes.format).joined(separator: ", ") + "]"
            case .text(let s): return s
            }
        }
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Records `value` under `key`, replacing an earlier value with the same key.
    public mutating func set(_ key: String, _ value: Value) {
        if let i = entries.firstIndex(where: { $0.key == key }) {
            entries[i].value = value
        } else {
            entries.append(Entry(key: key, value: value))
        }
    }

    public mutating func set(_ key: String, _ number: Double) { set(key, .number(number)) }
    public mutating func set(_ key: String, _ text: String) { set(key, .text(text)) }

    public subscript(key: String) -> Value? { entries.first { $0.key == key }?.value }

    /// The number recorded under `key`, if it is one.
    public func number(_ key: String) -> Double? {
        if case .number(let x)? = self[key] { return x }
        return nil
    }

    /// Appends the entries of `other` (later values win).
    public mutating func merge(_ other: Notes) {
        for e in other.entries { set(e.key, e.value) }
    }

    static func format(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        let magnitude = abs(x)
        if magnitude >= 1e-3 && magnitude < 1e6 {
            var s = NumberText.fixed(x, 4)
            while s.hasSuffix("0") { s.removeLast() }
            return s
        }
        return "\(x)"
    }
}
