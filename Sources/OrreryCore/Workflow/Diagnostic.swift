/// A problem found in a workflow, with the place it was found: printed like compiler output,
/// `file:line:column: error: message`, then the source line and a caret.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation?
    public var problem: WorkflowProblem
    /// The source line the location points into, for the caret display.
    public var sourceLine: String?

    public init(_ problem: WorkflowProblem, at location: SourceLocation?, severity: Severity = .error,
                sourceLine: String? = nil) {
        self.problem = problem
        self.location = location
        self.severity = severity
        self.sourceLine = sourceLine
    }

    public var description: String {
        var s = (location.map { "\($0): " } ?? "") + "\(severity.rawValue): \(problem)"
        if let line = sourceLine, let location {
            s += "\n" + SourceExcerpt.render(line, column: location.column)
        }
        return s
    }
}

extension Diagnostic {
    /// `diagnostics` without repeats (a matrix's combinations can find one problem several
    /// times at one place), in first-found order.
    static func unique(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for d in diagnostics where !out.contains(d) { out.append(d) }
        return out
    }
}

/// Every problem found in a workflow, reported together.
public struct WorkflowDiagnostics: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        return diagnostics.map(\.description).joined(separator: "\n")
            + "\n\(errors) error\(errors == 1 ? "" : "s") found"
    }
}

/// What can be wrong with a workflow. Every case carries the names it is about.
public enum WorkflowProblem: Sendable, Equatable, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case yamlSyntax(String)
    case emptyWorkflow
    case expected(what: String, found: String)
    case missingField(String, in: String)
    case unknownField(String, in: String, known: [String], suggestion: String?)
    case unsupportedSchemaVersion(String)
    case invalidStepID(String)
    case noSteps
    case unknownPlugin(String, suggestion: String?)
    case unknownParameter(String, plugin: String, known: [String], suggestion: String?)
    case missingParameter(String, plugin: String)
    case typeMismatch(parameter: String, expected: String, found: String)
    case invalidValue(parameter: String, reason: String)
    case unknownStep(String, suggestion: String?)
    case unknownPort(String, plugin: String, known: [String])
    case missingInput(port: String, plugin: String)
    case tooManyInputs(plugin: String, expected: Int, found: Int)
    case wrongPortType(step: String, produces: String, port: String, expects: String)
    case cycle([String])
    case invalidOverride(String)
    /// A `matrix:` with no keys (key nil) or a key with an empty list.
    case emptyMatrix(step: String, key: String?)
    /// A matrix key also given in `with:` (or `seed` also given as the step's `seed:`), at `line`.
    case matrixConflict(key: String, step: String, line: Int)
    /// A matrix with more combinations than allowed.
    case tooManyCombinations(step: String, count: Int, maximum: Int)
    /// A swept step feeding a port that takes exactly one input.
    case sweepIntoSingleInput(sweep: String, count: Int, port: String, plugin: String, first: String)
    /// `--set` of a key the step's matrix sweeps.
    case overrideOfMatrixKey(key: String, step: String)
    /// Two exporters write the same file.
    case sharedOutput(path: String, first: String, second: String)
    /// Two plugins with one id: where each comes from (a manifest path, or "built in").
    case duplicatePlugin(String, sources: [String])

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): return "cannot read '\(path)': \(reason)"
        case .yamlSyntax(let m): return "YAML syntax: \(m)"
        case .emptyWorkflow: return "the workflow file is empty"
        case .expected(let what, let found): return "expected \(what), found \(found)"
        case .missingField(let f, let ctx): return "missing '\(f)' in \(ctx)"
        case .unknownField(let f, let ctx, let known, let suggestion):
            return "unknown field '\(f)' in \(ctx)" + Self.didYouMean(suggestion)
                + "; known fields: " + known.joined(separator: ", ")
        case .unsupportedSchemaVersion(let v):
            return "unsupported workflow schema version '\(v)'; this Orrery reads 'orrery: 1'"
        case .invalidStepID(let id):
            return "invalid step id '\(id)': use letters, digits, '-' and '_', starting with a letter"
        case .noSteps: return "the workflow has no steps"
        case .unknownPlugin(let id, let suggestion):
            return "unknown plugin '\(id)'" + Self.didYouMean(suggestion)
        case .unknownParameter(let p, let plugin, let known, let suggestion):
            return "unknown parameter '\(p)' for '\(plugin)'" + Self.didYouMean(suggestion)
                + (known.isEmpty ? "; it takes no parameters" : "; known parameters: " + known.joined(separator: ", "))
        case .missingParameter(let p, let plugin): return "'\(plugin)' needs parameter '\(p)'"
        case .typeMismatch(let p, let expected, let found):
            return "parameter '\(p)' expects \(expected), found \(found)"
        case .invalidValue(let p, let reason): return "invalid value for '\(p)': \(reason)"
        case .unknownStep(let s, let suggestion): return "unknown input step '\(s)'" + Self.didYouMean(suggestion)
        case .unknownPort(let port, let plugin, let known):
            return "'\(plugin)' has no input port '\(port)'; its ports: " + known.joined(separator: ", ")
        case .missingInput(let port, let plugin):
            return "'\(plugin)' needs an input for port '\(port)' (add 'from:')"
        case .tooManyInputs(let plugin, let expected, let found):
            return "'\(plugin)' takes \(expected) input\(expected == 1 ? "" : "s"), \(found) given"
        case .wrongPortType(let step, let produces, let port, let expects):
            return "step '\(step)' produces \(produces), but port '\(port)' expects \(expects)"
        case .cycle(let steps): return "cycle: " + steps.joined(separator: " → ")
        case .invalidOverride(let m): return "invalid --set: \(m)"
        case .emptyMatrix(let step, let key?):
            return "the matrix of step '\(step)' gives '\(key)' no values; list at least one, or remove the key"
        case .emptyMatrix(let step, nil):
            return "the matrix of step '\(step)' is empty; give it at least one key with a list of values, or remove it"
        case .matrixConflict(let key, let step, let line):
            return "'\(key)' of step '\(step)' is given both in its matrix and on line \(line); keep one"
        case .tooManyCombinations(let step, let count, let maximum):
            return "the matrix of step '\(step)' makes \(count) combinations, more than the \(maximum) allowed; "
                + "shorten its lists or split the sweep into several steps"
        case .sweepIntoSingleInput(let sweep, let count, let port, let plugin, let first):
            return "'\(sweep)' is a sweep of \(count) steps, but port '\(port)' of '\(plugin)' takes exactly one input; "
                + "name one combination (e.g. \"\(first)\", quoted) or use a consumer that takes several (exporter.svg, exporter.html)"
        case .overrideOfMatrixKey(let key, let step):
            return "'\(key)' is swept by the matrix of step '\(step)'; change its list in the workflow instead"
        case .sharedOutput(let path, let first, let second):
            return "steps '\(first)' and '\(second)' both write '\(path)'; give each exporter its own path"
        case .duplicatePlugin(let id, let sources):
            return "two plugins with id '\(id)': " + sources.joined(separator: " and ")
        }
    }

    static func didYouMean(_ s: String?) -> String { s.map { "; did you mean '\($0)'?" } ?? "" }
}
