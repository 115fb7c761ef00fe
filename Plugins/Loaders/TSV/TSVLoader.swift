import Foundation
import OrreryCore

/// `loader.tsv`: the Projector's tensor TSV (tab-separated numbers, one row per line, no header,
/// blank lines skipped) with an optional metadata TSV.
public enum TSVLoader: Loader {
    public struct Parameters: Codable, Sendable, Equatable {
        /// The tensor TSV, relative to the workflow.
        public var path: String
        /// A metadata TSV (FORMATS.md rules), relative to the workflow.
        public var metadata: String?

        public init(path: String, metadata: String? = nil) {
            self.path = path
            self.metadata = metadata
        }

        enum CodingKeys: String, CodingKey { case path, metadata }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            path = try c.decode(String.self, forKey: .path)
            metadata = try c(.metadata)
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "loader.tsv", kind: .loader, version: "1.0.0",
        summary: "The Projector's tensor TSV (tab-separated numbers, no header) with an optional metadata TSV.",
        inputs: [],
        parameters: [
            ParameterDescriptor("path", "string", "the tensor TSV, relative to the workflow"),
            ParameterDescriptor("metadata", "string", default: "none", "a metadata TSV with one row per vector"),
        ],
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
                throw MetadataRowCount.mismatch(metadata, path: m, vectorsPath: p.path, rows: rows)
            }
        }
        var notes = Notes()
        notes.set("source", p.path)
        return Embedding(vectors: table.vectors, metadata: metadata, notes: notes)
    }
}
