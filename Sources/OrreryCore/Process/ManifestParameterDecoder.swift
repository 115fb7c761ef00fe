/// Decodes a step's `with:` for a process plugin against the parameters its manifest declares:
/// every unknown key (with did-you-mean), missing required key, ill-typed value and broken
/// constraint is reported at once, at its place; defaults fill the rest.
public enum ManifestParameterDecoder {
    public static func decode(_ node: ConfigNode, parameters: [ManifestParameter], plugin: String,
                              source: YAMLSource?) -> Result<[String: JSONValue], WorkflowDiagnostics> {
        func located(_ d: Diagnostic) -> Diagnostic { source?.diagnostic(d.problem, at: d.location) ?? d }
        var diagnostics: [Diagnostic] = []
        let entries: [ConfigEntry]
        switch node {
        case .mapping(let e, _): entries = e
        default:
            if node.isNull { entries = [] } else {
                return .failure(WorkflowDiagnostics([located(Diagnostic(
                    .expected(what: "a mapping of parameters", found: node.kindName), at: node.location))]))
            }
        }
        let known = parameters.map(\.key)
        for entry in entries where !known.contains(entry.key) {
            diagnostics.append(located(Diagnostic(
                .unknownParameter(entry.key, plugin: plugin, known: known,
                                  suggestion: Suggestion.closest(to: entry.key, in: known)), at: entry.keyLocation)))
        }
        var values: [String: JSONValue] = [:]
        for p in parameters {
            guard let entry = entries.first(where: { $0.key == p.key }), !entry.value.isNull else {
                if let d = p.defaultValue { values[p.key] = d } else {
                    diagnostics.append(located(Diagnostic(.missingParameter(p.key, plugin: plugin), at: node.location)))
                }
                continue
            }
            switch p.convert(entry.value, as: p.type) {
            case .failure(let d): diagnostics.append(located(d))
            case .success(let v):
                if let reason = p.violation(of: v) {
                    diagnostics.append(located(Diagnostic(.invalidValue(parameter: p.key, reason: reason),
                                                          at: entry.value.location)))
                } else {
                    values[p.key] = v
                }
            }
        }
        return diagnostics.isEmpty ? .success(values) : .failure(WorkflowDiagnostics(diagnostics))
    }
}
