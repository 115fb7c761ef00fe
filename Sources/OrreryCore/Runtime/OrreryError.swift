/// What can go wrong while a step runs. Every case carries the names and places it is about.
public enum OrreryError: Error, Sendable, Equatable, CustomStringConvertible {
    case fileNotFound(String)
    case unreadable(String, reason: String)
    /// Bad content in a data file, at a 1-based line (and column, when known). For binary files
    /// `line` is 0 and the reason gives the byte offset.
    case malformed(file: String, line: Int, column: Int?, reason: String)
    case emptyDataset(String)
    case invalidParameter(String, reason: String)
    case labelNotFound(String, column: String, suggestion: String?)
    case noMatch(pattern: String, column: String)
    case unknownColumn(String, known: [String])
    case unknownMetric(String, known: [String])
    case shapeMismatch(String)
    case missingInput(String)
    case writeFailed(path: String, reason: String)
    /// An exporter's path that would leave the output folder (or cannot be a file there).
    case unsafeOutputPath(String, reason: String)
    case cancelled

    public var description: String {
        switch self {
        case .fileNotFound(let p): return "no such file: \(p)"
        case .unreadable(let p, let r): return "cannot read \(p): \(r)"
        case .malformed(let file, let line, let column, let reason):
            if line == 0 { return "\(file): \(reason)" }
            return "\(file):\(line)" + (column.map { ":\($0)" } ?? "") + ": \(reason)"
        case .emptyDataset(let what): return "empty dataset: \(what)"
        case .invalidParameter(let p, let r): return "invalid value for '\(p)': \(r)"
        case .labelNotFound(let l, let c, let s):
            return "no point has \(c) '\(l)'" + (s.map { "; did you mean '\($0)'?" } ?? "")
        case .noMatch(let p, let c): return "nothing in column '\(c)' matches \(p)"
        case .unknownColumn(let c, let known):
            return "no metadata column '\(c)'; columns: " + (known.isEmpty ? "(none)" : known.joined(separator: ", "))
        case .unknownMetric(let m, let known): return "unknown metric '\(m)'; known: " + known.joined(separator: ", ")
        case .shapeMismatch(let m): return m
        case .missingInput(let p): return "no input on port '\(p)'"
        case .writeFailed(let p, let r): return "cannot write \(p): \(r)"
        case .unsafeOutputPath(let p, let r): return "refusing to write '\(p)': \(r)"
        case .cancelled: return "cancelled"
        }
    }

    /// The parameter this error is about, if any (used to point at its line in the workflow).
    public var parameter: String? {
        if case .invalidParameter(let p, _) = self { return p }
        return nil
    }
}

/// A step that failed, with where it is declared.
public struct StepFailure: Error, Sendable, CustomStringConvertible {
    public var step: String
    public var plugin: String
    public var location: SourceLocation?
    public var sourceLine: String?
    public var error: any Error

    public init(step: String, plugin: String, location: SourceLocation?, sourceLine: String?, error: any Error) {
        self.step = step
        self.plugin = plugin
        self.location = location
        self.sourceLine = sourceLine
        self.error = error
    }

    public var description: String {
        var s = (location.map { "\($0): " } ?? "") + "error: step '\(step)' (\(plugin)) failed: \(error)"
        if let line = sourceLine, let location {
            s += "\n" + SourceExcerpt.render(line, column: location.column)
        }
        return s
    }
}
