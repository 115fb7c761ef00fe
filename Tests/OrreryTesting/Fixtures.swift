import Foundation
import OrreryCore

/// Small embeddings and in-memory contexts for plugin tests (swift-nio's `EmbeddedChannel` idea:
/// run one plugin with nothing else around it).
public enum Fixtures {
    /// `rows × columns` with value `row + column / 10` at (row, column); labels `p0`, `p1`, ….
    public static func grid(rows: Int, columns: Int) -> Embedding {
        var m = Matrix(rows: rows, columns: columns)
        for r in 0..<rows { for c in 0..<columns { m[r, c] = Float(r) + Float(c) / 10 } }
        return Embedding(vectors: m, metadata: MetadataTable(labels: (0..<rows).map { "p\($0)" }))
    }

    /// Gaussian points (seeded) with labels `w0`, `w1`, ….
    public static func random(rows: Int, columns: Int, seed: UInt64 = 1) -> Embedding {
        var g = SeededGenerator(seed: seed)
        let values = (0..<(rows * columns)).map { _ in Float(g.nextGaussian()) }
        return Embedding(vectors: Matrix(rows: rows, columns: columns, storage: values),
                         metadata: MetadataTable(labels: (0..<rows).map { "w\($0)" }))
    }

    /// An embedding with the given labels and rows.
    public static func embedding(_ rows: [(String, [Float])]) -> Embedding {
        Embedding(vectors: Matrix(rows.map(\.1)), metadata: MetadataTable(labels: rows.map(\.0)))
    }

    /// The repository's root folder (found from this source file's path).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `Workflows/` in the repository.
    public static var workflowsDirectory: URL { repositoryRoot.appendingPathComponent("Workflows") }

    /// The standalone Projector's demo files the tests need, bundled in the repository
    /// (`Tests/Fixtures/projector-demo`, copied byte for byte; see its PROVENANCE.md).
    public static var projectorDemo: URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures/projector-demo")
    }

    /// `../shared/data` beside the repository, when present.
    public static var sharedData: URL {
        repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// A new empty temporary folder.
    public static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("orrery-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension StepContext {
    /// A context for running one plugin in a test: inputs from `Workflows/`, outputs to a new
    /// temporary folder, the given registry (empty by default).
    public static func testing(seed: UInt64 = 0, registry: PluginRegistry = PluginRegistry(entries: []),
                               input: URL? = nil, output: URL? = nil,
                               events: @escaping RunEventHandler = { _ in }) -> StepContext {
        StepContext(stepID: "test", seed: seed, inputDirectory: input ?? Fixtures.workflowsDirectory,
                    outputDirectory: output ?? Fixtures.temporaryDirectory(), registry: registry, events: events)
    }
}
