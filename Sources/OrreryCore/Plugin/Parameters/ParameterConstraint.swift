import Foundation

/// A rule a parameter's value must follow, checked while decoding (so `orrery validate` reports it
/// at the value's line and column) and shown in the docs.
public struct ParameterConstraint: Sendable {
    /// What the docs show: `> 0`, `2 or 3`, `a registered metric`.
    public let summary: String
    let rule: @Sendable (Any, ParameterEnvironment) -> ConstraintViolation?

    /// A constraint with its own rule: return the reason the value breaks it, or nil.
    public init(_ summary: String, rule: @escaping @Sendable (Any, ParameterEnvironment) -> ConstraintViolation?) {
        self.summary = summary
        self.rule = rule
    }

    /// Nil values (an optional left out) follow every constraint.
    func check(_ value: Any, _ environment: ParameterEnvironment) -> ConstraintViolation? {
        guard let v = unwrapped(value) else { return nil }
        return rule(v, environment)
    }
}

/// A parameter value with terms inside it (an axis `{ from: …, to: … }`), so `.validRegex` can
/// check each at its own line.
public protocol ContainsTerms {
    var containedTerms: [(path: [String], term: Term)] { get }
}

/// Why a value breaks a constraint; `path` is below the parameter (a list index).
public struct ConstraintViolation: Sendable, Equatable {
    public var reason: String
    public var path: [String]

    public init(_ reason: String, path: [String] = []) {
        self.reason = reason
        self.path = path
    }
}

extension ParameterConstraint {
    /// Greater than zero (and finite).
    public static let positive = numeric("> 0", "must be a positive number") { $0 > 0 && $0.isFinite }
    /// Zero or more (and finite).
    public static let nonNegative = numeric(">= 0", "must be 0 or more") { $0 >= 0 && $0.isFinite }

    /// Not NaN or infinite.
    public static let finite = numeric("finite", "must be a finite number") { $0.isFinite }

    /// At least `bound`.
    public static func atLeast(_ bound: Double) -> ParameterConstraint {
        numeric(">= \(text(bound))", "must be at least \(text(bound))") { $0 >= bound && $0.isFinite }
    }

    /// At most `bound`.
    public static func atMost(_ bound: Double) -> ParameterConstraint {
        numeric("<= \(text(bound))", "must be at most \(text(bound))") { $0 <= bound }
    }

    /// Within `range`, ends included.
    public static func range(_ range: ClosedRange<Double>) -> ParameterConstraint {
        numeric("in [\(text(range.lowerBound)), \(text(range.upperBound))]",
                "must be in [\(text(range.lowerBound)), \(text(range.upperBound))]") { range.contains($0) }
    }

    /// One of `values`.
    public static func oneOf(_ values: [Double]) -> ParameterConstraint {
        let list = values.map(text)
        let words = list.count == 2 ? list.joined(separator: " or ") : list.joined(separator: ", ")
        return numeric(words, "must be " + words) { values.contains($0) }
    }

    /// A string or list that is not empty.
    public static let nonEmpty = ParameterConstraint("not empty") { value, _ in
        switch value {
        case let s as String where s.isEmpty: return ConstraintViolation("is empty")
        case let a as any Collection where a.isEmpty: return ConstraintViolation("is empty")
        default: return nil
        }
    }

    /// Names a metric plugin of the registry (`cosine`, `metric.angle`).
    public static let metric = ParameterConstraint("a registered metric") { value, environment in
        guard let name = value as? String, let registry = environment.registry else { return nil }
        do {
            _ = try registry.measure(named: name)
            return nil
        } catch {
            let known = registry.entries.compactMap { $0.measure?.name }
            let bare = name.hasPrefix("metric.") ? String(name.dropFirst(7)) : name
            return ConstraintViolation("no metric '\(name)'"
                + (Suggestion.closest(to: bare, in: known).map { "; did you mean '\($0)'?" } ?? "")
                + "; known metrics: " + known.joined(separator: ", "))
        }
    }

    /// Every `/regex/` term compiles (a `Term` or a list of them).
    public static let validRegex = ParameterConstraint("a label or a valid /regex/") { value, _ in
        func problem(_ t: Term) -> String? {
            guard case .regex(let pattern) = t else { return nil }
            do {
                _ = try NSRegularExpression(pattern: pattern)
                return nil
            } catch {
                return "'/\(pattern)/' is not a valid regular expression (write a plain label, or a regex such as /^bad$/)"
            }
        }
        if let t = value as? Term { return problem(t).map { ConstraintViolation($0) } }
        if let nested = value as? any ContainsTerms {
            for (path, t) in nested.containedTerms {
                if let p = problem(t) { return ConstraintViolation(p, path: path) }
            }
        }
        if let list = value as? [Term] {
            for (i, t) in list.enumerated() {
                if let p = problem(t) { return ConstraintViolation(p, path: [String(i)]) }
            }
        }
        return nil
    }

    /// A relative path that stays inside the output folder.
    public static let outputPath = ParameterConstraint("a path inside the output folder") { value, _ in
        guard let path = value as? String else { return nil }
        return OutputPath.problem(path).map { ConstraintViolation($0) }
    }

    private static func numeric(_ summary: String, _ reason: String, _ ok: @escaping @Sendable (Double) -> Bool)
        -> ParameterConstraint {
        ParameterConstraint(summary) { value, _ in
            guard let x = number(value) else { return nil }
            return ok(x) ? nil : ConstraintViolation("\(reason), got \(text(x))")
        }
    }

    static func text(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}

/// `value` as a Double, when it is a number.
func number(_ value: Any) -> Double? {
    func integer<T: BinaryInteger>(_ t: T) -> Double { Double(t) }
    func float<T: BinaryFloatingPoint>(_ t: T) -> Double { Double(t) }
    if let i = value as? any BinaryInteger { return integer(i) }
    if let f = value as? any BinaryFloatingPoint { return float(f) }
    return nil
}

/// The value inside any number of optionals, or nil.
func unwrapped(_ value: Any) -> Any? {
    let mirror = Mirror(reflecting: value)
    guard mirror.displayStyle == .optional else { return value }
    guard let inner = mirror.children.first?.value else { return nil }
    return unwrapped(inner)
}
