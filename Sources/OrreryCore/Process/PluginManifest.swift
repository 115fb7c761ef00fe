#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A process plugin's manifest (`NAME.orrery-plugin.yaml`): the descriptor's fields plus the
/// command to run. Read in two phases like a workflow, with every problem located.
public struct PluginManifest: Sendable {
    static let fields = ["orrery-plugin", "id", "kind", "version", "summary", "inputs", "parameters",
                         "uses-seed", "example", "run", "timeout"]
    static let parameterFields = ["type", "default", "help", "minimum", "maximum", "one-of"]
    static let inputFields = ["name", "accepts", "summary", "required", "multiple"]
    /// The file-name ending that `ORRERY_PLUGIN_PATH` folders are searched for.
    public static let fileSuffix = ".orrery-plugin.yaml"

    /// The manifest's path as given (named in messages).
    public var path: String
    /// The folder holding the manifest: relative program paths start here.
    public var directory: URL
    /// What the registry, validation and `orrery plugins` read. Its `version` is the manifest's
    /// `version` plus a hash of the manifest and the program files, so editing either re-runs steps.
    public var descriptor: PluginDescriptor
    public var parameters: [ManifestParameter]
    /// `run:` as written.
    public var command: [String]
    /// Seconds the program may run (nil: no limit).
    public var timeout: Double?

    /// Reads and checks the manifest at `path`.
    public static func load(path: String) -> Result<PluginManifest, WorkflowDiagnostics> {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable UTF-8 text" : "no such file"
            return .failure(WorkflowDiagnostics([Diagnostic(.unreadableFile(path: path, reason: reason), at: nil)]))
        }
        return parse(text, path: path, directory: url.deletingLastPathComponent().standardizedFileURL)
    }

    /// Parses manifest `text`; `path` names it in diagnostics, `directory` anchors the program.
    public static func parse(_ text: String, path: String, directory: URL) -> Result<PluginManifest, WorkflowDiagnostics> {
        let source = YAMLSource(path: path, text: text)
        let root: ConfigNode
        do { root = try source.compose() } catch { return .failure(WorkflowDiagnostics([error])) }
        var diags: [Diagnostic] = []
        func report(_ p: WorkflowProblem, _ l: SourceLocation?) { diags.append(source.diagnostic(p, at: l)) }
        guard case .mapping(let top, let topLocation) = root else {
            report(.expected(what: "a mapping with 'orrery-plugin', 'id', 'kind' and 'run'", found: root.kindName), root.location)
            return .failure(WorkflowDiagnostics(diags))
        }
        for e in top where !fields.contains(e.key) {
            report(.unknownField(e.key, in: "the plugin manifest", known: fields,
                                 suggestion: Suggestion.closest(to: e.key, in: fields)), e.keyLocation)
        }
        func string(_ key: String, required: Bool = true) -> String? {
            guard let e = root[key] else {
                if required { report(.missingField(key, in: "the plugin manifest"), topLocation) }
                return nil
            }
            guard let s = e.value.scalarValue, !e.value.isNull else {
                report(.expected(what: "a string for '\(key)'", found: e.value.kindName), e.value.location)
                return nil
            }
            return s
        }
        if let v = root["orrery-plugin"] {
            if v.value.scalarValue != "1" {
                report(.expected(what: "'orrery-plugin: 1' (the manifest format this Orrery reads)", found: v.value.canonical),
                       v.value.location)
            }
        } else {
            report(.missingField("orrery-plugin", in: "the plugin manifest (write 'orrery-plugin: 1' first)"), topLocation)
        }
        let id = string("id")
        var kind: PluginKind?
        if let k = string("kind") {
            kind = PluginKind(rawValue: k)
            if kind == nil, let e = root["kind"] {
                let kinds = PluginKind.allCases.map(\.rawValue)
                report(.unknownField(k, in: "plugin kinds", known: kinds, suggestion: Suggestion.closest(to: k, in: kinds)),
                       e.value.location)
            }
        }
        if let id, let kind, !id.hasPrefix(kind.rawValue + "."), let e = root["id"] {
            report(.expected(what: "an id starting with '\(kind.rawValue).'", found: "'\(id)'"), e.value.location)
        }
        let version = string("version") ?? "1"
        let summary = string("summary") ?? ""
        let example = string("example", required: false) ?? ""
        var usesSeed = false
        if let e = root["uses-seed"] {
            switch e.value.scalarValue?.lowercased() {
            case "true": usesSeed = true
            case "false": usesSeed = false
            default: report(.expected(what: "true or false for 'uses-seed'", found: e.value.kindName), e.value.location)
            }
        }
        var timeout: Double?
        if let e = root["timeout"] {
            if let t = e.value.scalarValue.flatMap(Double.init), t > 0 { timeout = t } else {
                report(.expected(what: "a positive number of seconds for 'timeout'", found: e.value.canonical), e.value.location)
            }
        }
        var command: [String] = []
        switch root["run"]?.value {
        case nil: report(.missingField("run", in: "the plugin manifest (e.g. 'run: [python3, reduce.py]')"), topLocation)
        case .sequence(let items, let l)?:
            for item in items {
                if let s = item.scalarValue { command.append(s) } else {
                    report(.expected(what: "a string", found: item.kindName), item.location)
                }
            }
            if items.isEmpty { report(.expected(what: "a program and its arguments", found: "an empty list"), l) }
        case .scalar(let s, _, _)?: command = [s]
        case let other?: report(.expected(what: "a list: the program and its arguments", found: other.kindName), other.location)
        }
        let inputs = parseInputs(root["inputs"], kind: kind, report: report)
        let parameters = parseParameters(root["parameters"], report: report)
        guard diags.isEmpty, let id, let kind else { return .failure(WorkflowDiagnostics(diags)) }
        var manifest = PluginManifest(
            path: path, directory: directory,
            descriptor: PluginDescriptor(id: id, kind: kind, version: version, summary: summary, inputs: inputs,
                                         parameterDescriptors: parameters.map(\.descriptor), usesSeed: usesSeed,
                                         example: example),
            parameters: parameters, command: command, timeout: timeout)
        let hashed = [ContentHash.of(text)] + manifest.programFiles.map { (try? ContentHash.ofFile($0)) ?? "missing" }
        manifest.descriptor.version = version + "+" + String(ContentHash.combining(hashed).prefix(12))
        return .success(manifest)
    }

    /// The arguments of `run:` that name files next to the manifest (the script): their content
    /// is part of the cache key. Only regular files (after symbolic links) count: hashing
    /// `/dev/zero`, `/dev/stdin` or a named pipe would never finish (found while writing the manifest
    /// fuzz target).
    public var programFiles: [URL] {
        command.compactMap { arg in
            guard !arg.hasPrefix("-") else { return nil }
            let url = arg.hasPrefix("/") ? URL(fileURLWithPath: arg) : directory.appendingPathComponent(arg)
            var info = stat()
            guard stat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return url.standardizedFileURL
        }
    }

    private static func parseInputs(_ entry: ConfigEntry?, kind: PluginKind?,
                                    report: (WorkflowProblem, SourceLocation?) -> Void) -> [PortDescriptor] {
        guard let entry else { return kind == .loader || kind == nil ? [] : [.embedding] }
        guard case .sequence(let items, _) = entry.value else {
            if entry.value.isNull { return [] }
            report(.expected(what: "a list of input ports", found: entry.value.kindName), entry.value.location)
            return []
        }
        var ports: [PortDescriptor] = []
        for item in items {
            guard case .mapping(let fs, _) = item else {
                report(.expected(what: "a port (a mapping with 'name' and 'accepts')", found: item.kindName), item.location)
                continue
            }
            for f in fs where !inputFields.contains(f.key) {
                report(.unknownField(f.key, in: "an input port", known: inputFields,
                                     suggestion: Suggestion.closest(to: f.key, in: inputFields)), f.keyLocation)
            }
            guard let name = item["name"]?.value.scalarValue else {
                report(.missingField("name", in: "an input port"), item.location)
                continue
            }
            var accepts: [PortType] = []
            let acceptNodes: [ConfigNode]
            switch item["accepts"]?.value {
            case .sequence(let xs, _)?: acceptNodes = xs
            case let x?: acceptNodes = [x]
            case nil: acceptNodes = []
            }
            for node in acceptNodes {
                if let t = node.scalarValue.flatMap(PortType.init(rawValue:)) { accepts.append(t) } else {
                    report(.expected(what: "embedding, neighbors or files", found: node.canonical), node.location)
                }
            }
            if accepts.isEmpty { accepts = [.embedding] }
            func flag(_ key: String, _ otherwise: Bool) -> Bool {
                guard let v = item[key]?.value else { return otherwise }
                switch v.scalarValue?.lowercased() {
                case "true": return true
                case "false": return false
                default:
                    report(.expected(what: "true or false for '\(key)'", found: v.kindName), v.location)
                    return otherwise
                }
            }
            ports.append(PortDescriptor(name, accepts: accepts, summary: item["summary"]?.value.scalarValue ?? "",
                                        required: flag("required", true), multiple: flag("multiple", false)))
        }
        return ports
    }

    private static func parseParameters(_ entry: ConfigEntry?,
                                        report: (WorkflowProblem, SourceLocation?) -> Void) -> [ManifestParameter] {
        guard let entry else { return [] }
        guard case .mapping(let keys, _) = entry.value else {
            if entry.value.isNull { return [] }
            report(.expected(what: "a mapping of parameter keys to their declarations", found: entry.value.kindName),
                   entry.value.location)
            return []
        }
        var out: [ManifestParameter] = []
        for k in keys {
            guard case .mapping(let fs, _) = k.value else {
                report(.expected(what: "a parameter declaration (a mapping with 'type')", found: k.value.kindName),
                       k.value.location)
                continue
            }
            for f in fs where !parameterFields.contains(f.key) {
                report(.unknownField(f.key, in: "parameter '\(k.key)'", known: parameterFields,
                                     suggestion: Suggestion.closest(to: f.key, in: parameterFields)), f.keyLocation)
            }
            guard let typeEntry = k.value["type"] else {
                report(.missingField("type", in: "parameter '\(k.key)'"), k.keyLocation)
                continue
            }
            guard let type = typeEntry.value.scalarValue.flatMap(ManifestParameter.ValueType.init) else {
                report(.expected(what: "integer, number, string, boolean, term or 'list of …s'",
                                 found: typeEntry.value.canonical), typeEntry.value.location)
                continue
            }
            var p = ManifestParameter(key: k.key, type: type, defaultValue: nil,
                                      help: k.value["help"]?.value.scalarValue ?? "")
            func number(_ key: String) -> Double? {
                guard let v = k.value[key]?.value else { return nil }
                if let d = v.scalarValue.flatMap(Double.init) { return d }
                report(.expected(what: "a number for '\(key)'", found: v.kindName), v.location)
                return nil
            }
            p.minimum = number("minimum")
            p.maximum = number("maximum")
            if let v = k.value["one-of"]?.value {
                switch p.convert(v, as: .list(type)) {
                case .success(.array(let items)): p.oneOf = items
                case .success: break
                case .failure(let d): report(d.problem, d.location)
                }
            }
            if let d = k.value["default"]?.value, !d.isNull {
                switch p.convert(d, as: type) {
                case .success(let v):
                    if let reason = p.violation(of: v) { report(.invalidValue(parameter: k.key, reason: "default " + reason), d.location) }
                    p.defaultValue = v
                case .failure(let diag): report(diag.problem, diag.location)
                }
            }
            out.append(p)
        }
        return out
    }
}
