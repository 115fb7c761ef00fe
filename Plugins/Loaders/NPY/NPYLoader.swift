import Foundation
import OrreryCore

/// `loader.npy`: a NumPy `.npy` matrix (float32 or float64, C order), with an optional metadata TSV.
public enum NPYLoader: Loader {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the .npy file, relative to the workflow", .nonEmpty) public var path: String
        @Parameter(help: "a metadata TSV with one row per vector") public var metadata: String? = nil

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "loader.npy", kind: .loader, version: "1.0.0",
        summary: "A NumPy .npy matrix (float32/float64, C order) with an optional metadata TSV.",
        inputs: [],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: npy-example
            steps:
              glove:
                uses: loader.npy
                with:
                  path: data/glove.6B.50d.top50k.npy
                  metadata: data/glove.6B.50d.top50k.words.tsv
            """)

    /// - Complexity: O(n·d) time; memory is the n × d floats plus a window of the file (the
    ///   mapping's pages are given back as they are converted).
    public static func load(_ p: Parameters, context: StepContext) async throws -> Embedding {
        let (data, mapped) = try MappedFile.map(context.inputURL(p.path), path: p.path)
        let vectors = try NPYFormat.read(data, path: p.path, releasingPages: mapped)
        if let bad = vectors.firstNonFinite() {
            throw OrreryError.malformed(file: p.path, line: 0, column: nil,
                                        reason: "row \(bad.row), column \(bad.column) is NaN or infinite")
        }
        guard vectors.rows > 0 else { throw OrreryError.emptyDataset("\(p.path) has no rows") }
        guard vectors.columns > 0 else {
            throw OrreryError.emptyDataset("\(p.path) has \(vectors.rows) rows of 0 dimensions")
        }
        var metadata = MetadataTable(labels: (0..<vectors.rows).map(String.init), name: "index")
        if let m = p.metadata {
            metadata = try MetadataTSV.read(contentsOf: context.inputURL(m), path: m)
            guard metadata.count == vectors.rows else {
                throw OrreryError.shapeMismatch("\(m) has \(metadata.count) rows but \(p.path) has \(vectors.rows)")
            }
        }
        var notes = Notes()
        notes.set("source", p.path)
        return Embedding(vectors: vectors, metadata: metadata, notes: notes)
    }
}
