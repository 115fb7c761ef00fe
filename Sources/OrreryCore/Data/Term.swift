import Foundation

/// A way to name points: a label (`politics`) or a `/regex/` over a metadata column.
///
/// A label matches values equal to it, ignoring case; a regex is case-insensitive and matches
/// anywhere in the value (anchor it, `/^bad$/`, for whole values — as the Projector's own queries do).
public enum Term: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    case label(String)
    case regex(String)

    /// `/…/` is a regex; anything else a label.
    public init(parsing text: String) {
        if text.count >= 2, text.hasPrefix("/"), text.hasSuffix("/") {
            self = .regex(String(text.dropFirst().dropLast()))
        } else {
            self = .label(text)
        }
    }

    public init(from decoder: any Decoder) throws {
        self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public var description: String {
        switch self {
        case .label(let s): return s
        case .regex(let r): return "/\(r)/"
        }
    }

    public var isRegex: Bool { if case .regex = self { return true } else { return false } }

    /// The text of the term without slashes.
    public var text: String {
        switch self {
        case .label(let s), .regex(let s): return s
        }
    }

    /// A compiled matcher; an invalid regex is an error naming `parameter`.
    public func matcher(parameter: String, caseSensitive: Bool = false) throws(OrreryError) -> TermMatcher {
        switch self {
        case .label(let s): return TermMatcher(label: s)
        case .regex(let r):
            do {
                return TermMatcher(regex: try NSRegularExpression(pattern: r, options: caseSensitive ? [] : [.caseInsensitive]))
            } catch {
                throw .invalidParameter(parameter, reason: "'/\(r)/' is not a valid regular expression")
            }
        }
    }

    /// Indices of the values of `column` this term matches, in order.
    public func matches(in column: [String], parameter: String) throws(OrreryError) -> [Int] {
        let m = try matcher(parameter: parameter)
        return column.indices.filter { m.matches(column[$0]) }
    }
}

/// A compiled `Term`.
public struct TermMatcher: @unchecked Sendable {
    // NSRegularExpression is immutable and documented thread-safe, but not marked Sendable.
    private let label: String?
    private let regex: NSRegularExpression?

    init(label: String) {
        self.label = label.lowercased()
        self.regex = nil
    }

    init(regex: NSRegularExpression) {
        self.label = nil
        self.regex = regex
    }

    public func matches(_ value: String) -> Bool {
        if let label { return value.count == label.count && value.lowercased() == label }
        guard let regex else { return false }
        return regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }
}

extension MetadataTable {
    /// The column used to search points: `name`, or the label column (row indices when there is none).
    public func searchColumn(_ name: String?) throws(OrreryError) -> Column {
        if let name {
            guard let c = column(named: name) else { throw .unknownColumn(name, known: columnNames) }
            return c
        }
        return labelColumn ?? Column(name: "index", values: (0..<count).map(String.init))
    }
}

extension Embedding {
    /// The column used to search this embedding's points: `name`, or the label column.
    public func searchColumn(_ name: String?) throws(OrreryError) -> MetadataTable.Column {
        try metadata.searchColumn(name)
    }

    /// The rows `term` names: an error naming `parameter` when it names none.
    public func rows(matching term: Term, column: String?, parameter: String) throws(OrreryError) -> [Int] {
        let c = try searchColumn(column)
        let rows = try term.matches(in: c.values, parameter: parameter)
        if rows.isEmpty {
            switch term {
            case .label(let l):
                throw .labelNotFound(l, column: c.name, suggestion: Suggestion.closest(to: l, in: Array(c.values.prefix(50_000))))
            case .regex:
                throw .noMatch(pattern: term.description, column: c.name)
            }
        }
        return rows
    }
}
