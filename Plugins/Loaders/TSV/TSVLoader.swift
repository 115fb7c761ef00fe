import Foundation
import OrreryCore

/// `loader.tsv`: the Projector's tensor TSV (tab-separated numbers, one row per line, no header,
/// blank lines skipped) with an optional metadata TSV.
public enum TSVLoader: Loader {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the tensor TSV, relative to the workflow", .nonEmpty) public var path: String
        @Parameter(help: "a metadata TSV with one row per vector") public var metadata: String? = nil

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "loader.tsv", kind: .loader, version: "1.0.0",
        summary: "The Projector's tensor TSV (tab-separated numbers, no header) with an optional metadata TSV.",
        inputs: [],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: tsv-example
            steps:
              digits:
                uses: loader.tsv
                with:
                  path: data/digits.tsv
                  metadata: data/digits_labels.tsv
            """)

    /// - Complexity: O(file size); memory is the n × d floats plus a window of the file (parsed pages are released).
    public static func load(_ p: Parameters, context: StepContext) async throws -> Embedding {
        let data = try MappedFile.read(context.inputURL(p.path), path: p.path)
        let table = try TextVectorParser.parse(data, path: p.path, format: .tensorTSV, releasingPages: true) {
            (done: Int, total: Int) throws(OrreryError) in
            try context.checkCancellation()
            context.progress(done, of: total, "rows")
        }
        let rows = table.vectors.rows
        var metadata = MetadataTable(labels: (0..<rows).map(String.init), name: "index")
        if let m = p.metadata {
            metadata = try MetadataTSV.read(contentsOf: context.inputURL(m), path: m)
            guard metadata.count == rows else {
                throw OrreryError.shapeMismatch("\(m) has \(metadata.count) rows but \(p.path) has \(rows)")
            }
        }
        var notes = Notes()
        notes.set("source", p.path)
        return Embedding(vectors: table.vectors, metadata: metadata, notes: notes)
    }
}
