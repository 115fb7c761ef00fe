import Foundation

/// Finds process plugins and adds them to a registry: every `*.orrery-plugin.yaml` in the folders
/// of `ORRERY_PLUGIN_PATH` (colon-separated, searched in order, not recursively), then the
/// manifests a workflow lists under `plugins:` (paths relative to the workflow). Two plugins with
/// one id — two manifests, or a manifest and a built-in — is an error naming both.
public enum ProcessPluginCatalog {
    /// The environment variable naming folders of manifests.
    public static let pathVariable = "ORRERY_PLUGIN_PATH"

    /// `base` plus the manifests found for `workflowPath` (nil: only `ORRERY_PLUGIN_PATH`).
    public static func registry(base: PluginRegistry, workflowPath: String? = nil,
                                environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Result<PluginRegistry, WorkflowDiagnostics> {
        var diagnostics: [Diagnostic] = []
        var manifests: [PluginManifest] = []
        var locations: [SourceLocation?] = []
        for folder in (environment[pathVariable] ?? "").split(separator: ":").map(String.init) where !folder.isEmpty {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for name in names.sorted() where name.hasSuffix(PluginManifest.fileSuffix) {
                switch PluginManifest.load(path: (folder as NSString).appendingPathComponent(name)) {
                case .success(let m): manifests.append(m); locations.append(nil)
                case .failure(let d): diagnostics += d.diagnostics
                }
            }
        }
        if let workflowPath {
            for (path, location, source) in listed(in: workflowPath) {
                switch PluginManifest.load(path: path) {
                case .success(let m): manifests.append(m); locations.append(location)
                case .failure(let d):
                    if d.diagnostics.count == 1, case .unreadableFile = d.diagnostics[0].problem {
                        diagnostics.append(source.diagnostic(d.diagnostics[0].problem, at: location))
                    } else {
                        diagnostics += d.diagnostics
                    }
                }
            }
        }
        var seen: [String: String] = Dictionary(uniqueKeysWithValues: base.ids.map { ($0, "built in") })
        var entries = base.entries
        for (m, location) in zip(manifests, locations) {
            if let earlier = seen[m.descriptor.id] {
                diagnostics.append(Diagnostic(.duplicatePlugin(m.descriptor.id, sources: [earlier, m.path]), at: location))
                continue
            }
            seen[m.descriptor.id] = m.path
            entries.append(m.registryEntry)
        }
        return diagnostics.isEmpty ? .success(PluginRegistry(entries: entries)) : .failure(WorkflowDiagnostics(diagnostics))
    }

    /// The manifest paths a workflow's `plugins:` lists, resolved against its folder, with places.
    static func listed(in workflowPath: String) -> [(String, SourceLocation, YAMLSource)] {
        guard let data = FileManager.default.contents(atPath: workflowPath),
              let text = String(data: data, encoding: .utf8) else { return [] }
        let source = YAMLSource(path: workflowPath, text: text)
        guard let root = try? source.compose(), case .sequence(let items, _)? = root["plugins"]?.value else { return [] }
        let folder = URL(fileURLWithPath: workflowPath).deletingLastPathComponent()
        return items.compactMap { item in
            guard let p = item.scalarValue, !item.isNull else { return nil }
            let path = p.hasPrefix("/") ? p : folder.appendingPathComponent(p).standardizedFileURL.path
            return (path, item.location, source)
        }
    }
}
