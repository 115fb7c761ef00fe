import Foundation
import OrreryCore
import OrreryFormats

/// `loader.checkpoint`: one 2-D variable of a TensorFlow checkpoint (a tensor bundle: `NAME.index`
/// plus `NAME.data-0000k-of-0000n`), as float32, with an optional metadata TSV.
public enum CheckpointLoader: Loader {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the checkpoint: its prefix (run/ckpt-3), its .index file, or a folder whose 'checkpoint' file names the latest", .nonEmpty)
        public var path: String
        @Parameter(help: "the variable, e.g. word_embedding or layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE",
                   defaultText: "the only 2-D variable that is not optimizer state")
        public var tensor: String? = nil
        @Parameter(help: "a metadata TSV with one row per vector") public var metadata: String? = nil

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "loader.checkpoint", kind: .loader, version: "1.0.0",
        summary: "A 2-D variable of a TensorFlow checkpoint (float32/float64/float16/bfloat16) with an optional metadata TSV.",
        inputs: [],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: checkpoint-example
            steps:
              glove:
                uses: loader.checkpoint
                with:
                  path: data/glove-logdir
                  tensor: embedding/.ATTRIBUTES/VARIABLE_VALUE
                  metadata: data/glove-logdir/metadata.tsv
            """)

    /// - Complexity: O(index size + n·d): the CRC and the conversion each pass over the tensor once.
    public static func load(_ p: Parameters, context: StepContext) async throws -> Embedding {
        let read = try CheckpointReader.read(p.path, tensor: p.tensor, context: context)
        let vectors = read.vectors
        guard vectors.rows > 0, vectors.columns > 0 else {
            throw OrreryError.emptyDataset("tensor '\(read.tensor)' of \(p.path) is \(vectors.rows) × \(vectors.columns)")
        }
        if let bad = vectors.firstNonFinite() {
            throw OrreryError.malformed(file: p.path, line: 0, column: nil,
                                        reason: "tensor '\(read.tensor)': row \(bad.row), column \(bad.column) is NaN or infinite")
        }
        var metadata = MetadataTable(labels: (0..<vectors.rows).map(String.init), name: "index")
        if let m = p.metadata {
            metadata = try MetadataTSV.read(contentsOf: context.inputURL(m), path: m)
            guard metadata.count == vectors.rows else {
                throw OrreryError.shapeMismatch("\(m) has \(metadata.count) metadata rows but tensor '\(read.tensor)' has \(vectors.rows) rows; row i of the metadata must describe row i of the tensor")
            }
        }
        var notes = Notes()
        notes.set("source", p.path)
        notes.set("tensor-name", read.tensor)
        return Embedding(vectors: vectors, metadata: metadata, notes: notes)
    }
}
