import Foundation
import OrreryCore

/// `loader.glove`: word vectors in text form — GloVe (`word v1 … vd`), word2vec text and fastText
/// `.vec` (the same rows after an `N D` header line, detected and checked).
public enum GloVeLoader: Loader {
    public struct Parameters: Codable, Sendable, Equatable, ValidatingParameters {
        /// The text file, relative to the workflow.
        public var path: String
        /// Read only the first `limit` rows (all when absent).
        public var limit: Int?

        public init(path: String, limit: Int? = nil) {
            self.path = path
            self.limit = limit
        }

        enum CodingKeys: String, CodingKey { case path, limit }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            path = try c.decode(String.self, forKey: .path)
            limit = try c(.limit)
        }

        public func validate() throws(ParameterError) {
            if let limit, limit < 1 { throw ParameterError("limit", "must be at least 1, got \(limit)") }
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "loader.glove", kind: .loader, version: "1.0.0",
        summary: "Word vectors in text form: GloVe, word2vec text or fastText .vec (an N D header is detected).",
        inputs: [],
        parameters: [
            ParameterDescriptor("path", "string", "the text file (one `word v1 … vd` row per line), relative to the workflow"),
            ParameterDescriptor("limit", "integer", default: "all", "read only the first N rows"),
        ],
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
