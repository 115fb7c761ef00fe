import Foundation
import OrreryCore

/// `loader.glove`: word vectors in text form — GloVe (`word v1 … vd`), word2vec text and fastText
/// `.vec` (the same rows after an `N D` header line, detected and checked).
public enum GloVeLoader: Loader {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the text file (one `word v1 … vd` row per line), relative to the workflow", .nonEmpty)
        public var path: String
        @Parameter(help: "read only the first N rows", defaultText: "all", .atLeast(1)) public var limit: Int? = nil

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "loader.glove", kind: .loader, version: "1.0.0",
        summary: "Word vectors in text form: GloVe, word2vec text or fastText .vec (an N D header is detected).",
        inputs: [],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: glove-example
            steps:
              glove:
                uses: loader.glove
                with:
                  path: data/glove.6B.50d.sample.txt
                  limit: 500
            """)

    /// - Complexity: O(file size); memory is the n × d floats and the words plus a window of the file
    ///   (parsed pages of the mapping are released as parsing goes).
    public static func load(_ p: Parameters, context: StepContext) async throws -> Embedding {
        let (data, mapped) = try MappedFile.map(context.inputURL(p.path), path: p.path)
        let table = try TextVectorParser.parse(data, path: p.path, format: .wordVectors, limit: p.limit,
                                               releasingPages: mapped) {
            (done: Int, total: Int) throws(OrreryError) in
            try context.checkCancellation()
            context.progress(done, of: total, "rows")
        }
        if let warning = DuplicateWords.warning(words: table.words, lines: table.lines, path: p.path) {
            context.warn(warning)
        }
        var notes = Notes()
        notes.set("source", p.path)
        notes.set("format", table.header == nil ? "glove-text" : "word2vec-text")
        return Embedding(vectors: table.vectors, metadata: MetadataTable(labels: table.words, name: "word"), notes: notes)
    }
}
