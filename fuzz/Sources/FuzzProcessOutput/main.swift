import Foundation
import OrreryCore

/// The process-plugin protocol's output side: what a program leaves in its folder, read back and
/// checked as a run does (`PluginManifest.readOutput`). The first byte chooses the plugin kind;
/// the rest is that kind's files, separated by the line `@@`:
///
/// - reducer: `output.npy`, `axes.json`, `notes.json`
/// - loader: `output.npy`, `metadata.tsv`, `notes.json`
/// - selector: `rows.json`
/// - metric: `indices.npy`, `distances.npy`
///
/// A piece that is absent is a file the program did not write. Must never crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Data(bytes: data, count: size)
    let kinds: [(PluginKind, [String])] = [
        (.reducer, ["output.npy", "axes.json", "notes.json"]), (.loader, ["output.npy", "metadata.tsv", "notes.json"]),
        (.selector, ["rows.json"]), (.metric, ["indices.npy", "distances.npy"]),
    ]
    let (kind, names) = kinds[Int(bytes[bytes.startIndex]) % kinds.count]
    guard let manifest = Harness.manifests[kind] else { fatalError("the \(kind) manifest did not parse") }
    let fm = FileManager.default
    for name in ["output.npy", "axes.json", "notes.json", "metadata.tsv", "rows.json", "indices.npy", "distances.npy"] {
        try? fm.removeItem(at: Harness.folder.appendingPathComponent(name))
    }
    var pieces: [Data] = []
    var rest = bytes.dropFirst()
    let separator = Data("\n@@\n".utf8)
    while let r = rest.range(of: separator) {
        pieces.append(Data(rest[rest.startIndex..<r.lowerBound]))
        rest = rest[r.upperBound...]
    }
    pieces.append(Data(rest))
    for (name, piece) in zip(names, pieces) where !(piece.count == 1 && piece.first == UInt8(ascii: "-")) {
        try? piece.write(to: Harness.folder.appendingPathComponent(name))
    }
    let inputs = StepInputs(["input": [.embedding(Harness.input)]])
    _ = try? manifest.readOutput(inputs, folder: Harness.folder, context: Harness.context)
    return 0
}

/// What every run shares: one manifest per kind, a 5-point input, a private folder.
enum Harness {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("orrery-fuzz-output-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()
    static let context = StepContext(stepID: "fuzz", seed: 1, inputDirectory: folder, outputDirectory: folder,
                                     registry: PluginRegistry(entries: []))
    static let input = Embedding(vectors: Matrix(rows: 5, columns: 3, storage: (0..<15).map(Float.init)),
                                 metadata: MetadataTable(labels: ["a", "b", "c", "d", "e"]))
    static let manifests: [PluginKind: PluginManifest] = {
        var out: [PluginKind: PluginManifest] = [:]
        for kind in [PluginKind.reducer, .loader, .selector, .metric] {
            let text = "orrery-plugin: 1\nid: \(kind.rawValue).fuzz\nkind: \(kind.rawValue)\nversion: \"1\"\nsummary: fuzz\nrun: [\"true\"]\n"
            if case .success(let m) = PluginManifest.parse(text, path: "fuzz.orrery-plugin.yaml",
                                                           directory: URL(fileURLWithPath: "/nonexistent-orrery-fuzz")) {
                out[kind] = m
            }
        }
        return out
    }()
}
