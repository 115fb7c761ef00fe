import Foundation
import OrreryCore

/// A process plugin's manifest (`NAME.orrery-plugin.yaml`), then a step's `with:` decoded against
/// the parameters it declares. The input is the manifest, optionally followed by a line `---` and
/// the `with:` mapping. Must never crash or hang; every problem is a diagnostic.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let text = String(data: Data(bytes: data, count: size), encoding: .utf8) else { return 0 }
    let parts = text.components(separatedBy: "\n---\n")
    let directory = URL(fileURLWithPath: "/nonexistent-orrery-fuzz")
    switch PluginManifest.parse(parts[0], path: "fuzz.orrery-plugin.yaml", directory: directory) {
    case .failure(let d): _ = d.description
    case .success(let manifest):
        _ = manifest.programFiles
        let with = parts.count > 1 ? parts[1] : "{}"
        let source = YAMLSource(path: "fuzz.yaml", text: with)
        guard let node = try? source.compose() else { return 0 }
        if case .failure(let d) = manifest.registryEntry.prepare(node, source: source) { _ = d.description }
    }
    return 0
}
