import Foundation
import OrreryCore

/// `loader.word2vec`: the word2vec binary format — an ASCII `N D\n` header, then per row the word,
/// a space, D little-endian float32 values and an optional `\n`.
public enum Word2VecLoader: Loader {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the binary file, relative to the workflow", .nonEmpty) public var path: String
        @Parameter(help: "read only the first N rows", defaultText: "all", .atLeast(1)) public var limit: Int? = nil

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "loader.word2vec", kind: .loader, version: "1.0.0",
        summary: "Word vectors in the word2vec binary format (N D header, then word, space, D float32 per row).",
        inputs: [],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: word2vec-example
            steps:
              words:
                uses: loader.word2vec
                with:
                  path: data/sample.w2v.bin
            """)

    /// - Complexity: O(file size); memory is the file's bytes plus the n × d floats and the words.
    public static func load(_ p: Parameters, context: StepContext) async throws -> Embedding {
        let data = try MappedFile.read(context.inputURL(p.path), path: p.path)
        let table = try parse(data, path: p.path, limit: p.limit) { (done: Int, total: Int) throws(OrreryError) in
            try context.checkCancellation()
            context.progress(done, of: total, "rows")
        }
        if let warning = DuplicateWords.warning(words: table.words, lines: table.lines, path: p.path) {
            context.warn(warning.replacingOccurrences(of: "(lines ", with: "(rows "))
        }
        var notes = Notes()
        notes.set("source", p.path)
        return Embedding(vectors: table.vectors, metadata: MetadataTable(labels: table.words, name: "word"), notes: notes)
    }

    /// Parses a word2vec binary file; `path` names it in errors. `lines` of the result hold 1-based
    /// row numbers (a binary file has no lines). Errors are `malformed` with line 0 (line 1 for the
    /// header) and the byte offset in the reason.
    ///
    /// - Complexity: O(file size).
    public static func parse(_ data: Data, path: String, limit: Int? = nil,
                             progress: (Int, Int) throws(OrreryError) -> Void = { _, _ in })
    throws(OrreryError) -> TextVectorTable {
        let result: Result<TextVectorTable, OrreryError> = data.withUnsafeBytes { raw in
            do throws(OrreryError) {
                return .success(try parse(raw, path: path, limit: limit ?? Int.max, progress: progress))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, path: String, limit: Int,
                              progress: (Int, Int) throws(OrreryError) -> Void) throws(OrreryError) -> TextVectorTable {
        guard raw.count > 0 else { throw .emptyDataset("\(path) is empty") }
        func bad(_ reason: String) -> OrreryError { .malformed(file: path, line: 0, column: nil, reason: reason) }
        // Header: "N D\n" (ASCII, at most a few dozen bytes).
        var pos = 0
        while pos < raw.count && pos < 64 && raw[pos] != 0x0A { pos += 1 }
        guard pos < raw.count, raw[pos] == 0x0A else {
            throw .malformed(file: path, line: 1, column: nil,
                             reason: "no 'N D' header line (expected two numbers then a newline at the start of a word2vec binary file)")
        }
        let headerText = String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<pos]), as: UTF8.self)
        let fields = headerText.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        // Bounds keep every size computed below from overflowing (2^40 rows, 2^28 dimensions).
        guard fields.count == 2, let n = Int(fields[0]), let d = Int(fields[1]), n >= 0, d > 0,
              n < 1 << 40, d < 1 << 28 else {
            throw .malformed(file: path, line: 1, column: nil,
                             reason: "bad header '\(headerText)': expected 'N D' (rows and dimensions, positive integers)")
        }
        pos += 1
        guard n > 0 else { throw .emptyDataset("\(path) has no vectors (its header says 0 rows)") }
        let rows = min(n, limit)
        // Each row has at least 2 + 4·d bytes; a header asking for more than the file holds is a lie.
        let remaining = raw.count - pos
        guard remaining / (2 + 4 * d) >= rows else {
            let product = rows.multipliedReportingOverflow(by: 2 + 4 * d)
            let needed = product.overflow ? "\(Int.max)" : "\(product.partialValue)"
            throw bad("truncated: the header says \(n) rows of \(d) float32 values (at least \(needed) more bytes), but only \(remaining) bytes follow it")
        }
        var storage = [Float](repeating: 0, count: rows * d)
        var words: [String] = []
        words.reserveCapacity(rows)
        let vectorBytes = 4 * d
        do {
            for r in 0..<rows {
                // Optional "\n" after the previous row's floats (some writers also leave a space).
                while pos < raw.count && (raw[pos] == 0x0A || raw[pos] == 0x0D) { pos += 1 }
                let wordStart = pos
                while pos < raw.count && raw[pos] != 0x20 { pos += 1 }
                guard pos < raw.count else {
                    throw bad("truncated: row \(r + 1) of \(n) starts at byte \(wordStart) but the file ends before its word's space")
                }
                let wordBytes = UnsafeRawBufferPointer(rebasing: raw[wordStart..<pos])
                guard let word = String(validating: wordBytes.bindMemory(to: UInt8.self), as: UTF8.self) else {
                    throw bad("the word of row \(r + 1) (byte \(wordStart)) is not UTF-8 text")
                }
                guard !word.isEmpty else { throw bad("row \(r + 1) (byte \(wordStart)) has an empty word") }
                pos += 1
                guard raw.count - pos >= vectorBytes else {
                    throw bad("truncated: row \(r + 1) ('\(word)') needs \(vectorBytes) bytes of vector at byte \(pos), but the file has only \(raw.count - pos) more")
                }
                for j in 0..<d {
                    let bits = raw.loadUnaligned(fromByteOffset: pos + 4 * j, as: UInt32.self)
                    let v = Float(bitPattern: UInt32(littleEndian: bits))
                    guard v.isFinite else {
                        throw bad("row \(r + 1) ('\(word)'), value \(j + 1) at byte \(pos + 4 * j) is NaN or infinite")
                    }
                    storage[r * d + j] = v
                }
                pos += vectorBytes
                words.append(word)
                if (r + 1) % TextVectorParser.progressInterval == 0 { try progress(r + 1, rows) }
            }
        }
        if rows == n {
            // Only whitespace may follow the last row; more data means the header undercounts.
            var rest = pos
            while rest < raw.count && (raw[rest] == 0x0A || raw[rest] == 0x0D || raw[rest] == 0x20) { rest += 1 }
            if rest < raw.count {
                throw bad("the header says \(n) rows, but \(raw.count - rest) more bytes follow row \(n) (at byte \(rest)); is the header's N or D wrong?")
            }
        }
        try progress(rows, rows)
        return TextVectorTable(vectors: Matrix(rows: rows, columns: d, storage: storage),
                               words: words, lines: Array(1...rows), header: (n, d))
    }
}
