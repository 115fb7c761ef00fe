extension RunRecord.StepRecord {
    /// What differs between this (recorded) step and `other` that enters the cache key, in words:
    /// the plugin version, each parameter (with both values), the seed, which inputs changed,
    /// and which input files changed. Empty when none of these differ.
    public func changes(to other: RunRecord.StepRecord) -> [String] {
        var out: [String] = []
        if plugin != other.plugin { out.append("plugin \(plugin) → \(other.plugin)") }
        if version != other.version { out.append("\(plugin) version \(version) → \(other.version)") }
        out += Self.parameterChanges(parameters, other.parameters, path: "")
        if seed != other.seed { out.append("seed \(seed) → \(other.seed)") }
        let before = inputs.map { "\($0.port):\($0.step)" }, after = other.inputs.map { "\($0.port):\($0.step)" }
        if before != after {
            out.append("inputs " + inputs.map(\.step).joined(separator: ", ") + " → " + other.inputs.map(\.step).joined(separator: ", "))
        } else {
            for (a, b) in zip(inputs, other.inputs) where a.key != b.key { out.append("input '\(a.step)' changed") }
        }
        let recorded = Dictionary(inputFiles.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
        let now = Dictionary(other.inputFiles.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
        for f in inputFiles {
            if let h = now[f.path] {
                if h != f.sha256 { out.append("input file \(f.path) changed") }
            } else {
                out.append("input file \(f.path) no longer read")
            }
        }
        for f in other.inputFiles where recorded[f.path] == nil { out.append("input file \(f.path) now read") }
        return out
    }

    /// `parameter 'k': 10 → 20` for every key (nested keys joined with `.`) whose value differs.
    static func parameterChanges(_ a: JSONValue, _ b: JSONValue, path: String) -> [String] {
        if case .object(let x) = a, case .object(let y) = b {
            return Set(x.keys).union(y.keys).sorted().flatMap { key in
                parameterChanges(x[key] ?? .null, y[key] ?? .null, path: path.isEmpty ? key : path + "." + key)
            }
        }
        guard a != b else { return [] }
        return ["parameter '\(path)': \(text(a)) → \(text(b))"]
    }

    /// A JSON value as a person reads it in a YAML workflow.
    static func text(_ v: JSONValue) -> String {
        switch v {
        case .null: return "(default)"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .string(let s): return s
        case .array(let xs): return "[" + xs.map(text).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { "\($0): \(text(o[$0] ?? .null))" }.joined(separator: ", ") + "}"
        }
    }
}
