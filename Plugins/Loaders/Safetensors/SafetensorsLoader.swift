import Foundation
import OrreryCore
import OrreryFormats

/// `loader.safetensors`: one 2-D tensor of a Hugging Face `.safetensors` file (the file is mapped,
/// not read into memory), labelled by a `vocab.txt` or `tokenizer.json` matched by token id.
public enum SafetensorsLoader: Loader {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the .safetensors file, relative to the workflow", .nonEmpty) public var path: String
        @Parameter(help: "the tensor, e.g. embeddings.word_embeddings.weight", defaultText: "the only 2-D tensor")
        public var tensor: String? = nil
        @Parameter(help: "token labels: a vocab.txt (line i = row i) or a tokenizer.json (model.vocab token → id)")
        public var vocab: String? = nil

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "loader.safetensors", kind: .loader, version: "1.0.0",
        summary: "A 2-D tensor of a safetensors file (F32/F64/F16/BF16), labelled by a vocab.txt or tokenizer.json.",
        inputs: [],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: safetensors-example
            steps:
              tokens:
                uses: loader.safetensors
                with:
                  path: data/tiny-model/model.safetensors
                  tensor: embeddings.word_embeddings.weight
                  vocab: data/tiny-model/vocab.txt
            """)

    /// - Complexity: O(header + n·d).
    public static func load(_ p: Parameters, context: StepContext) async throws -> Embedding {
        let file = try MappedFile.read(context.inputURL(p.path), path: p.path)
        let header = try SafetensorsHeader.parse(file, path: p.path)
        let chosen = try TensorChoice.choose(p.tensor, among: header.tensors.map(\.listing), file: p.path)
        guard let tensor = header.tensors.first(where: { $0.name == chosen.name }) else { throw OrreryError.fileNotFound(p.path) }
        let vectors = try SafetensorsHeader.matrix(tensor, in: file, path: p.path)
        guard vectors.rows > 0, vectors.columns > 0 else {
            throw OrreryError.emptyDataset("tensor '\(tensor.name)' of \(p.path) is \(vectors.rows) × \(vectors.columns)")
        }
        if let bad = vectors.firstNonFinite() {
            throw OrreryError.malformed(file: p.path, line: 0, column: nil,
                                        reason: "tensor '\(tensor.name)': row \(bad.row), column \(bad.column) is NaN or infinite")
        }
        var metadata = MetadataTable(labels: (0..<vectors.rows).map(String.init), name: "index")
        if let v = p.vocab {
            let tokens = try TokenVocabulary.read(MappedFile.read(context.inputURL(v), path: v), path: v)
            guard tokens.count == vectors.rows else {
                throw OrreryError.shapeMismatch("\(v) has \(tokens.count) tokens but tensor '\(tensor.name)' has \(vectors.rows) rows; token i labels row i, so the counts must be equal (is it the vocabulary of this model?)")
            }
            metadata = MetadataTable(labels: tokens, name: "token")
        }
        var notes = Notes()
        notes.set("source", p.path)
        notes.set("tensor-name", tensor.name)
        return Embedding(vectors: vectors, metadata: metadata, notes: notes)
    }
}
