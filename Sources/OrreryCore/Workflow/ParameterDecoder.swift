import Foundation

/// Decodes a step's `with:` mapping into a plugin's `Parameters` type, reporting problems at their
/// `file:line:column`: an unknown key at any depth (with the keys the type reads and the closest
/// one), a value of the wrong type, a missing required key, a value `validate()` rejects.
///
/// Unknown keys are found without any list kept by hand: a key the `Decodable` initialiser never
/// asked for is unknown. Parameter types therefore read every key they know with `decodeIfPresent`
/// (see `KeyedDecodingContainer.callAsFunction(_:default:)`).
public enum ParameterDecoder {
    /// Decodes `node` (a mapping, or null for "no parameters") as `T`, reporting every problem of
    /// the step at once: each unknown key, each parameter that is missing, ill-typed or breaks a
    /// constraint, and (only when all of them decoded) what `validate()` rejects.
    public static func decode<T: ParameterSet>(_ type: T.Type, from node: ConfigNode, plugin: String,
                                               source: YAMLSource?, environment: ParameterEnvironment = .init())
        -> Result<T, WorkflowDiagnostics> {
        let declared = T.reflect(T())
        let tracker = KeyTracker(parameters: Dictionary(declared.map { ($0.property, $0) }, uniquingKeysWith: { a, _ in a }),
                                 environment: environment)
        let root: ConfigNode = node.isNull ? .mapping([], node.location) : node
        let decoder = NodeDecoder(node: root, codingPath: [], tracker: tracker)
        func diag(_ p: WorkflowProblem, _ l: SourceLocation?) -> Diagnostic {
            source?.diagnostic(p, at: l) ?? Diagnostic(p, at: l)
        }
        func diagnostic(for error: any Error) -> Diagnostic {
            switch error {
            case let f as NodeDecodingFailure:
                return diag(f.problem(plugin: plugin), f.location)
            case let e as DecodingError:
                let (path, message) = describe(e)
                return diag(.invalidValue(parameter: path.dotted, reason: message), locate(path, in: root) ?? root.location)
            case let e as ParameterError:
                return diag(.invalidValue(parameter: e.parameter, reason: e.reason), locate(e.path, in: root) ?? root.location)
            default:
                return diag(.invalidValue(parameter: "with", reason: "\(error)"), root.location)
            }
        }
        // Keys nobody asked for (found even when decoding stopped early).
        func unknownKeys(decodingFinished: Bool) -> [Diagnostic] {
            var unknown: [Diagnostic] = []
            for mapping in tracker.mappings {
                let complete = decodingFinished || !mapping.path.isEmpty
                let known = (complete ? mapping.asked : mapping.asked.union(declared.map(\.key))).sorted()
                for entry in mapping.entries where !known.contains(entry.key) {
                    let prefix = mapping.path.isEmpty ? "" : mapping.path + "."
                    unknown.append(diag(.unknownParameter(prefix + entry.key, plugin: plugin, known: known,
                                                          suggestion: Suggestion.closest(to: entry.key, in: known)),
                                        entry.keyLocation))
                }
            }
            return unknown
        }
        func failure(_ errors: [any Error], decodingFinished: Bool) -> Result<T, WorkflowDiagnostics> {
            let unknown = unknownKeys(decodingFinished: decodingFinished)
            let suggested = Set(unknown.compactMap { d -> String? in
                if case .unknownParameter(_, _, _, let s) = d.problem { return s }
                return nil
            })
            // A missing key that an unknown key is a typo of is one mistake, not two.
            let failures = errors.map(diagnostic(for:)).filter { d in
                if case .missingParameter(let name, _) = d.problem,
                   let last = name.split(separator: ".").last, suggested.contains(String(last)) { return false }
                return true
            }
            return .failure(WorkflowDiagnostics(unknown + failures))
        }
        let value: T
        do {
            value = try T(from: decoder)
            // A type without parameters never opens the mapping; its keys are all unknown.
            if case .mapping(let entries, _) = root, !tracker.mappings.contains(where: { $0.path.isEmpty }) {
                tracker.mappings.append(KeyTracker.Mapping(path: "", entries: entries))
            }
        } catch {
            return failure(tracker.problems + [error], decodingFinished: false)
        }
        if !tracker.problems.isEmpty || !unknownKeys(decodingFinished: true).isEmpty {
            return failure(tracker.problems, decodingFinished: true)
        }
        if let validating = value as? any ValidatingParameters {
            do {
                try validating.validate()
            } catch {
                let location = locate(error.path, in: root) ?? root.location
                return .failure(WorkflowDiagnostics([diag(.invalidValue(parameter: error.parameter, reason: error.reason), location)]))
            }
        }
        return .success(value)
    }

    /// The location of the value at `path` (mapping keys and list indices), if it exists.
    static func locate(_ path: [String], in node: ConfigNode) -> SourceLocation? {
        var node = node
        for component in path {
            switch node {
            case .mapping:
                guard let entry = node[component] else { return node.location }
                node = entry.value
            case .sequence(let items, _):
                guard let i = Int(component), items.indices.contains(i) else { return node.location }
                node = items[i]
            case .scalar:
                return node.location
            }
        }
        return node.location
    }

    private static func describe(_ error: DecodingError) -> ([String], String) {
        switch error {
        case .dataCorrupted(let c): return (c.codingPath.components, c.debugDescription)
        case .keyNotFound(let key, let c): return (c.codingPath.components + [key.stringValue], "missing")
        case .typeMismatch(_, let c): return (c.codingPath.components, c.debugDescription)
        case .valueNotFound(_, let c): return (c.codingPath.components, c.debugDescription)
        @unknown default: return ([], "\(error)")
        }
    }
}

/// A parameter value that decoded but does not make sense (`k: 0`, `perplexity: -3`).
public struct ParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path of the parameter, e.g. `["x", "from"]`.
    public var path: [String]
    public var reason: String

    public init(_ parameter: String, _ reason: String) {
        self.path = parameter.split(separator: ".").map(String.init)
        self.reason = reason
    }

    public init(path: [String], _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var parameter: String { path.joined(separator: ".") }
    public var description: String { "invalid value for '\(parameter)': \(reason)" }
}

/// Parameters that check themselves after decoding (scikit-learn's rule: no logic in `__init__`).
public protocol ValidatingParameters {
    func validate() throws(ParameterError)
}

extension [String] {
    var dotted: String { joined(separator: ".") }
}

extension [any CodingKey] {
    var components: [String] { map { $0.intValue.map(String.init) ?? $0.stringValue } }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or `defaultValue` when the key is absent or null.
    public func callAsFunction<T: Decodable>(_ key: Key, default defaultValue: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? defaultValue
    }

    /// The value at `key`, or nil when absent or null.
    public func callAsFunction<T: Decodable>(_ key: Key) throws -> T? {
        try decodeIfPresent(T.self, forKey: key)
    }
}

/// A string-valued parameter with a fixed set of values; a wrong one gets the list of right ones.
public protocol ParameterEnum: RawRepresentable<String>, CaseIterable, ParameterValue {}

extension ParameterEnum {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: raw) else {
            let all = Self.allCases.map(\.rawValue)
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "'\(raw)' is not one of " + all.map { "'\($0)'" }.joined(separator: ", ")
                    + (Suggestion.closest(to: raw, in: all).map { "; did you mean '\($0)'?" } ?? "")))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

// MARK: - The decoder

/// Records, for every mapping opened as a keyed container, which keys were asked for.
final class KeyTracker {
    final class Mapping {
        let path: String
        let entries: [ConfigEntry]
        var asked: Set<String> = []
        init(path: String, entries: [ConfigEntry]) {
            self.path = path
            self.entries = entries
        }
    }
    var mappings: [Mapping] = []
    /// The `@Parameter`s of the type being decoded, by Swift property name.
    let parameters: [String: ReflectedParameter]
    let environment: ParameterEnvironment
    /// Problems of single parameters, collected so that one pass reports them all.
    var problems: [any Error] = []

    init(parameters: [String: ReflectedParameter] = [:], environment: ParameterEnvironment = .init()) {
        self.parameters = parameters
        self.environment = environment
    }
}

struct NodeDecodingFailure: Error {
    enum Kind {
        case typeMismatch(expected: String, found: String)
        case missing
    }
    var kind: Kind
    var path: [String]
    var location: SourceLocation

    func problem(plugin: String) -> WorkflowProblem {
        switch kind {
        case .typeMismatch(let expected, let found):
            return .typeMismatch(parameter: path.dotted, expected: expected, found: found)
        case .missing:
            return .missingParameter(path.dotted, plugin: plugin)
        }
    }
}

struct NodeDecoder: Decoder {
    let node: ConfigNode
    let codingPath: [any CodingKey]
    let tracker: KeyTracker
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func mismatch(_ expected: String) -> NodeDecodingFailure {
        NodeDecodingFailure(kind: .typeMismatch(expected: expected, found: node.kindName),
                            path: codingPath.components, location: node.location)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let entries, _) = node else {
            if node.isNull { return KeyedDecodingContainer(KeyedNodeContainer<Key>(decoder: self, mapping: trackMapping([]))) }
            throw mismatch("a mapping")
        }
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(decoder: self, mapping: trackMapping(entries)))
    }

    private func trackMapping(_ entries: [ConfigEntry]) -> KeyTracker.Mapping {
        let m = KeyTracker.Mapping(path: codingPath.components.dotted, entries: entries)
        tracker.mappings.append(m)
        return m
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let items, _) = node else { throw mismatch("a list") }
        return UnkeyedNodeContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleNodeContainer(decoder: self) }

    func child(_ node: ConfigNode, _ key: any CodingKey) -> NodeDecoder {
        NodeDecoder(node: node, codingPath: codingPath + [key], tracker: tracker)
    }
}

struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ i: Int) { intValue = i }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { return nil }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let mapping: KeyTracker.Mapping
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { mapping.entries.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool {
        mapping.asked.insert(key.stringValue)
        return mapping.entries.contains { $0.key == key.stringValue }
    }

    private func entry(_ key: Key) throws -> ConfigNode {
        mapping.asked.insert(key.stringValue)
        guard let e = mapping.entries.first(where: { $0.key == key.stringValue }) else {
            throw NodeDecodingFailure(kind: .missing, path: (codingPath + [key]).components, location: decoder.node.location)
        }
        return e.value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard contains(key) else { return true }
        return try entry(key).isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        if let declared = try declaredParameter(T.self, key) { return declared }
        return try T(from: decoder.child(try entry(key), key))
    }

    /// A `@Parameter` of the top-level type: decoded by its declaration (key, default, constraints);
    /// its problems are collected, not thrown, so every parameter of the step is checked.
    private func declaredParameter<T>(_ type: T.Type, _ key: Key) throws -> T? {
        guard codingPath.isEmpty, let declared = decoder.tracker.parameters[key.stringValue] else { return nil }
        mapping.asked.insert(declared.key)
        let node = mapping.entries.first { $0.key == declared.key }?.value
        func decode<P: AnyParameter>(_ p: P) -> any AnyParameter {
            switch p.decoded(from: node, key: declared.key, decoder: decoder, environment: decoder.tracker.environment) {
            case .success(let value): return value
            case .failure(let problems):
                decoder.tracker.problems += problems.errors
                return p
            }
        }
        guard let value = decode(declared.parameter) as? T else {
            throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath + [key],
                                                           debugDescription: "parameter '\(declared.key)' has another type"))
        }
        return value
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        if let declared = try declaredParameter(T.self, key) { return declared }
        guard contains(key) else { return nil }
        let node = try entry(key)
        if node.isNull && T.self != String.self { return nil }
        return try T(from: decoder.child(node, key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey> {
        try decoder.child(try entry(key), key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.child(try entry(key), key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder.child(try entry(key), key) }
}

struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let items: [ConfigNode]
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(decoder: NodeDecoder, items: [ConfigNode]) {
        self.decoder = decoder
        self.items = items
    }

    private mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else {
            throw NodeDecodingFailure(kind: .missing, path: codingPath.components + [String(currentIndex)],
                                      location: decoder.node.location)
        }
        defer { currentIndex += 1 }
        return decoder.child(items[currentIndex], IndexKey(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        if !isAtEnd, items[currentIndex].isNull {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: try next()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

struct SingleNodeContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    private func plainScalar(_ expected: String) throws -> String {
        guard case .scalar(let s, true, _) = decoder.node else { throw decoder.mismatch(expected) }
        return s
    }

    func decodeNil() -> Bool { decoder.node.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        switch try plainScalar("a boolean (true or false)").lowercased() {
        case "true": return true
        case "false": return false
        default: throw decoder.mismatch("a boolean (true or false)")
        }
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .scalar(let s, _, _) = decoder.node else { throw decoder.mismatch("a string") }
        return s
    }

    func decode(_ type: Double.Type) throws -> Double {
        let s = try plainScalar("a number")
        switch s.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default:
            guard let x = Double(s.replacingOccurrences(of: "_", with: "")) else { throw decoder.mismatch("a number") }
            return x
        }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func decode<I: FixedWidthInteger & Decodable>(integer: I.Type) throws -> I {
        let s = try plainScalar("an integer").replacingOccurrences(of: "_", with: "")
        if let x = I(s) { return x }
        if let d = Double(s), d == d.rounded() {
            throw NodeDecodingFailure(kind: .typeMismatch(expected: "an integer", found: "\(s), out of range"),
                                      path: codingPath.components, location: decoder.node.location)
        }
        throw decoder.mismatch("an integer")
    }

    func decode(_ type: Int.Type) throws -> Int { try decode(integer: Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decode(integer: Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decode(integer: Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decode(integer: Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decode(integer: Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try decode(integer: UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(integer: UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(integer: UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(integer: UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(integer: UInt64.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: decoder) }
}
