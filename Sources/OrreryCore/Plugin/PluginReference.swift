/// Documentation generated from descriptors: `orrery plugins ID` and the README's plugin reference
/// read the same text, so they cannot drift from the code.
public enum PluginReference {
    /// The README section: every plugin, grouped by kind.
    public static func markdown(_ registry: PluginRegistry) -> String {
        var out = ""
        var kind: PluginKind?
        for d in registry.sortedDescriptors {
            if d.kind != kind {
                kind = d.kind
                out += "\n### \(d.kind.rawValue.capitalized)s\n"
            }
            out += "\n" + section(d)
        }
        return out
    }

    /// One plugin's section: summary, ports, parameters table, example.
    public static func section(_ d: PluginDescriptor) -> String {
        var s = "#### `\(d.id)` (v\(d.version))\n\n\(d.summary)\n\n"
        if d.inputs.isEmpty {
            s += "Inputs: none. Output: \(d.output).\n"
        } else {
            s += "Inputs: " + d.inputs.map { port in
                "`\(port.name)` (\(port.accepts.map(\.description).joined(separator: " or "))"
                    + (port.multiple ? ", several" : "") + (port.required ? "" : ", optional") + ") — \(port.summary)"
            }.joined(separator: "; ") + ". Output: \(d.output).\n"
        }
        if d.usesSeed { s += "Uses the seed (the workflow's `seed`, or the step's own).\n" }
        if !d.parameters.isEmpty {
            s += "\n| parameter | type | default | meaning |\n|---|---|---|---|\n"
            for p in d.parameters {
                s += "| `\(p.name)` | \(p.shownType.replacingBars) | \(p.defaultValue.map { "`\($0)`" } ?? "**required**") | \(p.summary.replacingBars) |\n"
            }
        }
        s += "\nExample:\n\n```yaml\n" + d.example.trimmingTrailingNewlines + "\n```\n"
        return s
    }

    /// Plain text for a terminal (`orrery plugins ID`).
    public static func text(_ d: PluginDescriptor) -> String {
        var s = "\(d.id)  v\(d.version)  (\(d.kind.rawValue))\n  \(d.summary)\n"
        s += "\ninputs:\n"
        if d.inputs.isEmpty { s += "  none\n" }
        for port in d.inputs {
            s += "  \(port.name): \(port.accepts.map(\.description).joined(separator: " or "))"
                + (port.multiple ? " (several)" : "") + (port.required ? "" : " (optional)") + " — \(port.summary)\n"
        }
        s += "output: \(d.output)\n\nparameters:\n"
        if d.parameters.isEmpty { s += "  none\n" }
        let width = d.parameters.map(\.name.count).max() ?? 0
        for p in d.parameters {
            s += "  " + p.name + String(repeating: " ", count: width - p.name.count) + "  \(p.shownType)"
                + (p.defaultValue.map { " = \($0)" } ?? " (required)") + "\n"
                + String(repeating: " ", count: width + 4) + p.summary + "\n"
        }
        s += "\nexample:\n" + d.example.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
            .joined(separator: "\n").trimmingTrailingNewlines + "\n"
        return s
    }

    /// One line per plugin (`orrery plugins`).
    public static func list(_ registry: PluginRegistry) -> String {
        let ds = registry.sortedDescriptors
        let width = ds.map(\.id.count).max() ?? 0
        return ds.map { $0.id + String(repeating: " ", count: width - $0.id.count) + "  " + $0.summary }
            .joined(separator: "\n")
    }
}

extension String {
    fileprivate var replacingBars: String { split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|") }
    fileprivate var trimmingTrailingNewlines: String {
        var s = self
        while s.hasSuffix("\n") || s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
