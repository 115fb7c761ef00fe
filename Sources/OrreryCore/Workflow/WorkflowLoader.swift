import Foundation

/// Reads a workflow file into a `Workflow`, checking its shape (not its plugins) and reporting
/// every problem with its place.
public enum WorkflowLoader {
    static let topFields = ["orrery", "name", "description", "seed", "plugins", "steps"]
    static let stepFields = ["uses", "from", "with", "matrix", "seed", "description"]

    /// Loads the workflow at `path`, applying `overrides` (`step.param=value`, as `--set` gives them).
    public static func load(path: String, overrides: [String] = []) -> Result<Workflow, WorkflowDiagnostics> {
        let url = URL(fileURLWithPath: path)
        let text: String
        do throws(OrreryError) {
            let data = try MappedFile.read(url, path: path)
            guard let t = String(data: data, encoding: .utf8) else {
                return .failure(WorkflowDiagnostics([Diagnostic(.unreadableFile(path: path, reason: "it is not UTF-8 text"),
                                                                at: nil)]))
            }
            text = t
        } catch {
            let reason: String
            switch error {
            case .fileNotFound: reason = "no such file"
            case .unreadable(_, let why): reason = why
            default: reason = "\(error)"
            }
            return .failure(WorkflowDiagnostics([Diagnostic(.unreadableFile(path: path, reason: reason), at: nil)]))
        }
        return parse(text, path: path, directory: url.deletingLastPathComponent(), overrides: overrides)
    }

    /// Parses workflow `text`; `path` names it in diagnostics, `directory` anchors relative paths.
    public static func parse(_ text: String, path: String, directory: URL,
                             overrides: [String] = []) -> Result<Workflow, WorkflowDiagnostics> {
        let source = YAMLSource(path: path, text: text, overrides: overrides)
        let root: ConfigNode
        do {
            root = try source.compose()
        } catch {
            return .failure(WorkflowDiagnostics([error]))
        }
        var diags: [Diagnostic] = []
        func report(_ p: WorkflowProblem, _ l: SourceLocation?) { diags.append(source.diagnostic(p, at: l)) }

        guard case .mapping(let top, let topLocation) = root else {
            report(.expected(what: "a mapping with 'orrery', 'name' and 'steps'", found: root.kindName), root.location)
            return .failure(WorkflowDiagnostics(diags))
        }
        for entry in top where !topFields.contains(entry.key) {
            report(.unknownField(entry.key, in: "the workflow", known: topFields,
                                 suggestion: Suggestion.closest(to: entry.key, in: topFields)), entry.keyLocation)
        }
        if let v = root["orrery"] {
            if v.value.scalarValue != "1" { report(.unsupportedSchemaVersion(v.value.canonical), v.value.location) }
        } else {
            report(.missingField("orrery", in: "the workflow (write 'orrery: 1' first)"), topLocation)
        }
        var name = url(path).deletingPathExtension().lastPathComponent
        if let n = root["name"] {
            if let s = n.value.scalarValue, !s.isEmpty { name = s } else {
                report(.expected(what: "a name", found: n.value.kindName), n.value.location)
            }
        }
        let description = root["description"]?.value.scalarValue
        var seed: UInt64 = 0
        if let s = root["seed"] {
            if let v = s.value.scalarValue.flatMap({ UInt64($0) }) { seed = v } else {
                report(.expected(what: "a non-negative integer seed", found: s.value.canonical), s.value.location)
            }
        }
        if let p = root["plugins"] {
            // Read by ProcessPluginCatalog before validation; here only its shape is checked.
            switch p.value {
            case .sequence(let items, _):
                for item in items where item.scalarValue == nil || item.isNull {
                    report(.expected(what: "a path to a plugin manifest", found: item.kindName), item.location)
                }
            default:
                if !p.value.isNull {
                    report(.expected(what: "a list of plugin manifest paths", found: p.value.kindName), p.value.location)
                }
            }
        }
        var steps: [WorkflowStep] = []
        var matrices: [String: StepMatrix] = [:]
        switch root["steps"]?.value {
        case nil:
            report(.missingField("steps", in: "the workflow"), topLocation)
        case .mapping(let entries, let l)?:
            if entries.isEmpty { report(.noSteps, l) }
            for entry in entries {
                if let (step, matrix) = parseStep(entry, report: report) {
                    steps.append(step)
                    if let matrix { matrices[step.id] = matrix }
                }
            }
        case let other?:
            if other.isNull { report(.noSteps, other.location) } else {
                report(.expected(what: "a mapping of step ids to steps", found: other.kindName), other.location)
            }
        }
        steps = expand(steps, matrices: matrices, report: report)
        for (n, o) in overrides.enumerated() {
            if let (problem, column) = apply(override: o, number: n + 1, to: &steps, matrices: matrices) {
                report(problem, SourceLocation(file: YAMLSource.overrideFile, line: n + 1, column: column))
            }
        }
        if !diags.isEmpty { return .failure(WorkflowDiagnostics(Diagnostic.unique(diags))) }
        return .success(Workflow(name: name, description: description, seed: seed, steps: steps, source: source,
                                 directory: URL(fileURLWithPath: directory.path)))
    }

    private static func url(_ path: String) -> URL { URL(fileURLWithPath: path) }

    static func isValidStepID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, CharacterSet.letters.contains(first) else { return false }
        return id.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }
    }

    private static func parseStep(_ entry: ConfigEntry, report: (WorkflowProblem, SourceLocation?) -> Void)
        -> (WorkflowStep, StepMatrix?)? {
        let id = entry.key
        if !isValidStepID(id) { report(.invalidStepID(id), entry.keyLocation) }
        guard case .mapping(let fields, _) = entry.value else {
            report(.expected(what: "a step (a mapping with 'uses')", found: entry.value.kindName), entry.value.location)
            return nil
        }
        for f in fields where !stepFields.contains(f.key) {
            report(.unknownField(f.key, in: "step '\(id)'", known: stepFields,
                                 suggestion: Suggestion.closest(to: f.key, in: stepFields)), f.keyLocation)
        }
        guard let uses = entry.value["uses"] else {
            report(.missingField("uses", in: "step '\(id)'"), entry.keyLocation)
            return nil
        }
        guard let plugin = uses.value.scalarValue, !plugin.isEmpty else {
            report(.expected(what: "a plugin id like 'reducer.pca'", found: uses.value.kindName), uses.value.location)
            return nil
        }
        var inputs: [InputReference] = []
        if let from = entry.value["from"] {
            switch from.value {
            case .scalar(let s, _, let l):
                inputs = [InputReference(port: nil, step: s, location: l)]
            case .sequence(let items, _):
                for item in items {
                    if let s = item.scalarValue { inputs.append(InputReference(port: nil, step: s, location: item.location)) }
                    else { report(.expected(what: "a step id", found: item.kindName), item.location) }
                }
            case .mapping(let ports, _):
                for port in ports {
                    switch port.value {
                    case .scalar(let s, _, let l): inputs.append(InputReference(port: port.key, step: s, location: l))
                    case .sequence(let items, _):
                        for item in items {
                            if let s = item.scalarValue {
                                inputs.append(InputReference(port: port.key, step: s, location: item.location))
                            } else { report(.expected(what: "a step id", found: item.kindName), item.location) }
                        }
                    case .mapping:
                        report(.expected(what: "a step id or a list of them", found: "a mapping"), port.value.location)
                    }
                }
            }
        }
        var parameters = ConfigNode.mapping([], entry.value.location)
        if let with = entry.value["with"] {
            if case .mapping = with.value { parameters = with.value }
            else if with.value.isNull { parameters = .mapping([], with.value.location) }
            else { report(.expected(what: "a mapping of parameters", found: with.value.kindName), with.value.location) }
        }
        var seed: UInt64?
        if let s = entry.value["seed"] {
            if let v = s.value.scalarValue.flatMap({ UInt64($0) }) { seed = v } else {
                report(.expected(what: "a non-negative integer seed", found: s.value.canonical), s.value.location)
            }
        }
        var matrix: StepMatrix?
        if let m = entry.value["matrix"] {
            matrix = StepMatrix.parse(m.value, step: id, with: parameters, seed: entry.value["seed"], report: report)
        }
        return (WorkflowStep(id: id, location: entry.keyLocation, uses: plugin, usesLocation: uses.value.location,
                             inputs: inputs, parameters: parameters, seed: seed), matrix)
    }

    /// Applies the `number`-th override, `step.key[.key…]=value`, to the steps' parameters;
    /// returns the problem and the column it is at, if any. The value's nodes are located in the
    /// override's text (file `--set`, line `number`), so that a bad value is shown with a caret.
    static func apply(override: String, number: Int = 1, to steps: inout [WorkflowStep],
                      matrices: [String: StepMatrix] = [:]) -> (WorkflowProblem, Int)? {
        // The step is the longest id (a combination's id holds '=' and '.') followed by '.'.
        let targets = steps.map(\.id) + matrices.keys.sorted()
        let named = targets.filter { override.hasPrefix($0 + ".") }.max { $0.count < $1.count }
        let rest = named.map { String(override.dropFirst($0.count + 1)) } ?? override
        guard let eqRest = rest.firstIndex(of: "=") else {
            return (.invalidOverride("'\(override)' is not of the form step.parameter=value"), 1)
        }
        let keys = rest[..<eqRest].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let path = named.map { [$0] + keys } ?? keys
        let valueText = String(rest[rest.index(after: eqRest)...])
        let valueColumn = override.unicodeScalars.count - valueText.unicodeScalars.count + 1
        guard path.count >= 2, !path.contains("") else {
            return (.invalidOverride("'\(override)' needs step.parameter before '='"), 1)
        }
        let indices: [Int]
        if let matrix = matrices[path[0]] {
            indices = steps.indices.filter { steps[$0].sweep?.base == path[0] }
            if matrix.axes.contains(where: { $0.key == path[1] }) {
                return (.overrideOfMatrixKey(key: path[1], step: path[0]), named.map { $0.count + 2 } ?? 1)
            }
        } else if let i = steps.firstIndex(where: { $0.id == path[0] }) {
            if let sweep = steps[i].sweep, sweep.values.contains(where: { $0.key == path[1] }) {
                return (.overrideOfMatrixKey(key: path[1], step: sweep.base), path[0].count + 2)
            }
            indices = [i]
        } else {
            return (.invalidOverride("no step '\(path[0])'" + WorkflowProblem.didYouMean(
                Suggestion.closest(to: path[0], in: targets))), 1)
        }
        guard !valueText.trimmingCharacters(in: .whitespaces).isEmpty else {
            return (.invalidOverride("'\(override)' has no value after '='; to use the default, leave the parameter out"),
                    valueColumn)
        }
        let here = SourceLocation(file: YAMLSource.overrideFile, line: number, column: 1)
        // Parse the value where it stands in the override, so that its nodes carry its columns.
        let source = YAMLSource(path: YAMLSource.overrideFile,
                                text: String(repeating: " ", count: valueColumn - 1) + valueText)
        var value: ConfigNode
        do { value = try source.compose() } catch {
            value = .scalar(valueText, plain: true, SourceLocation(file: here.file, line: number, column: valueColumn))
        }
        value = relocated(value, toLine: number)
        for i in indices {
            steps[i].parameters = setting(value, at: Array(path.dropFirst()), in: steps[i].parameters, here: here)
        }
        return nil
    }

    /// `node` with every location moved to line `line` of the `--set` file.
    private static func relocated(_ node: ConfigNode, toLine line: Int) -> ConfigNode {
        func at(_ l: SourceLocation) -> SourceLocation { SourceLocation(file: YAMLSource.overrideFile, line: line, column: l.column) }
        switch node {
        case .scalar(let s, let plain, let l): return .scalar(s, plain: plain, at(l))
        case .sequence(let items, let l): return .sequence(items.map { relocated($0, toLine: line) }, at(l))
        case .mapping(let entries, let l):
            return .mapping(entries.map { ConfigEntry(key: $0.key, keyLocation: at($0.keyLocation),
                                                      value: relocated($0.value, toLine: line)) }, at(l))
        }
    }

    private static func setting(_ value: ConfigNode, at path: [String], in node: ConfigNode,
                                here: SourceLocation) -> ConfigNode {
        guard let key = path.first else { return value }
        var entries: [ConfigEntry] = []
        var location = here
        if case .mapping(let e, let l) = node {
            entries = e
            location = l
        }
        if let j = entries.firstIndex(where: { $0.key == key }) {
            entries[j].value = setting(value, at: Array(path.dropFirst()), in: entries[j].value, here: here)
        } else {
            entries.append(ConfigEntry(key: key, keyLocation: here,
                                       value: setting(value, at: Array(path.dropFirst()), in: .mapping([], here), here: here)))
        }
        return .mapping(entries, location)
    }
}
