#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Rows of numbers read from a text file, with the word that starts each row (when the format has
/// one) and the 1-based line each row came from.
public struct TextVectorTable: Sendable {
    /// n × d values.
    public var vectors: Matrix
    /// The word of each row; empty when the format has no word column.
    public var words: [String]
    /// The 1-based line of each row in the file.
    public var lines: [Int]
    /// The `N D` header, when the file has one (word2vec / fastText text).
    public var header: (rows: Int, columns: Int)?

    public init(vectors: Matrix, words: [String], lines: [Int], header: (rows: Int, columns: Int)?) {
        self.vectors = vectors
        self.words = words
        self.lines = lines
        self.header = header
    }
}

/// A fast parser for text files of vectors, working on the raw bytes: GloVe (`word v1 … vd`),
/// word2vec / fastText text (the same, after an `N D` header line) and the Projector's tensor TSV
/// (tab-separated numbers, no word). Numbers are read with `strtof` (correctly rounded) from a small
/// NUL-terminated copy of each token; no `String` is made per number. CRLF line ends, blank lines
/// and (for space-separated files) runs of spaces and trailing spaces are accepted.
///
/// Errors are `OrreryError.malformed` with the 1-based line and, for a bad token, its 1-based
/// character column: ragged rows, tokens that are not numbers, NaN or infinite values, words that
/// are not UTF-8, a header that disagrees with the rows; an empty file is `emptyDataset`.
public enum TextVectorParser {
    /// How a file is laid out.
    public struct Format: Sendable {
        /// Values are separated by this byte: a space (runs of spaces and tabs count as one) or a
        /// tab (exactly one tab between values; spaces around a value are ignored).
        public var separator: UInt8
        /// Each row starts with a word.
        public var leadingWord: Bool
        /// The first line may be an `N D` header (two non-negative integers).
        public var detectHeader: Bool

        /// Read short decimals (at most 7 significant digits, exponent within ±10) with one exact
        /// float operation instead of `strtof` — the same correctly rounded value, checked against
        /// `strtof` on every value of the 50k GloVe file. `false` sends every number to `strtof`.
        public var fastPath: Bool

        public init(separator: UInt8, leadingWord: Bool, detectHeader: Bool, fastPath: Bool = true) {
            self.separator = separator
            self.leadingWord = leadingWord
            self.detectHeader = detectHeader
            self.fastPath = fastPath
        }

        /// GloVe text, word2vec text and fastText `.vec`.
        public static let wordVectors = Format(separator: 0x20, leadingWord: true, detectHeader: true)
        /// The Projector's tensor TSV.
        public static let tensorTSV = Format(separator: 0x09, leadingWord: false, detectHeader: false)
    }

    /// Rows between two calls of `progress`.
    public static let progressInterval = 10_000

    /// Parses `data`; `path` names the file in errors. Reads at most `limit` rows. `progress(done,
    /// total)` is called every `progressInterval` rows (total is an estimate from the line count or
    /// the header) and may throw to stop (e.g. on cancellation).
    ///
    /// - Complexity: O(file size) time; memory is the file's bytes plus the n × d output floats
    ///   (plus the words).
    ///
    /// With `releasingPages` (only for `data` from `MappedFile.read`), the pages already parsed are
    /// given back as parsing goes, so peak memory is the result plus a window of the file.
    public static func parse(_ data: Data, path: String, format: Format, limit: Int? = nil,
                             releasingPages: Bool = false,
                             progress: (_ done: Int, _ total: Int) throws(OrreryError) -> Void = { _, _ in })
    throws(OrreryError) -> TextVectorTable {
        let result: Result<TextVectorTable, OrreryError> = data.withUnsafeBytes { raw in
            guard let start = raw.baseAddress, raw.count > 0 else {
                return .failure(.emptyDataset("\(path) is empty"))
            }
            var parser = Parser(base: start.assumingMemoryBound(to: UInt8.self), count: raw.count,
                                path: path, format: format, limit: limit ?? Int.max)
            parser.releasingPages = releasingPages
            defer { parser.buffer.deallocate() }
            do throws(OrreryError) {
                return .success(try parser.run(progress))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

private struct Parser {
    let base: UnsafePointer<UInt8>
    let count: Int
    let path: String
    let format: TextVectorParser.Format
    let limit: Int
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Parser.maxToken + 1)
    static let maxToken = 255

    var storage: [Float] = []
    var words: [String] = []
    var lines: [Int] = []
    var header: (rows: Int, columns: Int)?
    var width: Int?  // values per row
    var line = 0
    var lineStart = 0
    /// Give back parsed pages of a file mapping (see `MappedFile.release`), up to `released`.
    var releasingPages = false
    var released = 0

    init(base: UnsafePointer<UInt8>, count: Int, path: String, format: TextVectorParser.Format, limit: Int) {
        self.base = base
        self.count = count
        self.path = path
        self.format = format
        self.limit = limit
    }

    @inline(__always) func isSeparator(_ b: UInt8) -> Bool {
        format.separator == 0x09 ? b == 0x09 : (b == 0x20 || b == 0x09)
    }

    /// 1-based character column of byte `offset` of the current line (UTF-8 continuation bytes
    /// do not start a character).
    func column(_ offset: Int) -> Int {
        var c = 1
        var i = lineStart
        while i < offset {
            if base[i] & 0xC0 != 0x80 { c += 1 }
            i += 1
        }
        return c
    }

    func text(_ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + from, count: to - from), as: UTF8.self)
    }

    func error(_ reason: String, at offset: Int? = nil) -> OrreryError {
        .malformed(file: path, line: line, column: offset.map(column), reason: reason)
    }

    /// The next token of the line `[from, end)`: its bounds, or nil at the end of the line.
    @inline(__always) func token(from: Int, end: Int) -> (Int, Int)? {
        var i = from
        if format.separator == 0x09 {
            guard i <= end else { return nil }
            var j = i
            while j < end && base[j] != 0x09 { j += 1 }
            // Trim spaces around a tab-separated value.
            var e = j
            while i < e && base[i] == 0x20 { i += 1 }
            while e > i && base[e - 1] == 0x20 { e -= 1 }
            return (i, e)  // may be empty
        }
        while i < end && isSeparator(base[i]) { i += 1 }
        guard i < end else { return nil }
        var j = i
        while j < end && !isSeparator(base[j]) { j += 1 }
        return (i, j)
    }

    /// Where the token after one ending at `tokenEnd` starts looking.
    @inline(__always) func next(after tokenEnd: Int, lineEnd: Int) -> Int {
        format.separator == 0x09 ? (tokenEnd < lineEnd ? skipToTab(tokenEnd, lineEnd) + 1 : lineEnd + 1) : tokenEnd
    }

    @inline(__always) func skipToTab(_ from: Int, _ end: Int) -> Int {
        var i = from
        while i < end && base[i] != 0x09 { i += 1 }
        return i
    }

    @inline(__always) func number(_ from: Int, _ to: Int) throws(OrreryError) -> Float {
        let n = to - from
        guard n > 0 else { throw error("empty value (two tabs in a row, or a tab at the end of the line)", at: from) }
        if format.fastPath, let v = fastFloat(from, to) { return v }
        guard n <= Parser.maxToken else { throw error("'\(text(from, from + 20))…' is not a number", at: from) }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + from, byteCount: n)
        buffer[n] = 0
        var end: UnsafeMutablePointer<CChar>?
        let v = strtof(buffer, &end)
        guard end == buffer + n else {
            var reason = "'\(text(from, to))' is not a number"
            if !format.leadingWord && lines.isEmpty && width == nil {
                reason += " (a tensor TSV has no header row; put column names in the metadata file)"
            }
            throw error(reason, at: from)
        }
        guard v.isFinite else {
            let t = text(from, to)
            let lower = t.lowercased()
            throw error(lower.contains("nan") || lower.contains("inf") ? "'\(t)' is NaN or infinite"
                        : "'\(t)' is out of Float32 range", at: from)
        }
        return v
    }

    /// Powers of ten exactly representable as Float (5^10 < 2^24).
    static let powersOfTen: [Float] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

    /// Clinger's fast path in single precision: a decimal `[-+]digits[.digits][e[-+]digits]` whose
    /// significand m < 2^24 and decimal exponent |k| ≤ 10 is m·10^k or m/10^-k, computed with one
    /// IEEE operation on two exact operands, hence correctly rounded (what `strtof` returns).
    /// Anything else (more digits, NaN, hex, junk) returns nil for `strtof` to decide.
    @inline(__always) func fastFloat(_ from: Int, _ to: Int) -> Float? {
        var i = from
        var negative = false
        if i < to && (base[i] == 0x2D || base[i] == 0x2B) { negative = base[i] == 0x2D; i += 1 }
        var m: UInt32 = 0
        var significant = 0, digits = 0, exponent = 0
        var seenPoint = false
        while i < to {
            let b = base[i]
            if b >= 0x30 && b <= 0x39 {
                digits += 1
                if m != 0 || b != 0x30 {
                    significant += 1
                    if significant > 8 { return nil }
                    m = m &* 10 &+ UInt32(b &- 0x30)
                }
                if seenPoint { exponent -= 1 }
            } else if b == 0x2E && !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        if i < to {
            guard base[i] == 0x65 || base[i] == 0x45 else { return nil }
            i += 1
            var expNegative = false
            if i < to && (base[i] == 0x2D || base[i] == 0x2B) { expNegative = base[i] == 0x2D; i += 1 }
            var e = 0, expDigits = 0
            while i < to, base[i] >= 0x30 && base[i] <= 0x39 {
                e = e * 10 + Int(base[i] - 0x30)
                expDigits += 1
                if expDigits > 3 { return nil }
                i += 1
            }
            guard expDigits > 0, i == to else { return nil }
            exponent += expNegative ? -e : e
        }
        guard m <= 1 << 24 else { return nil }
        var v: Float
        if m == 0 {
            v = 0
        } else if exponent < 0 {
            guard exponent >= -10 else { return nil }
            v = Float(m) / Parser.powersOfTen[-exponent]
        } else {
            guard exponent <= 10 else { return nil }
            v = Float(m) * Parser.powersOfTen[exponent]
        }
        return negative ? -v : v
    }

    func nonNegativeInteger(_ from: Int, _ to: Int) -> Int? {
        guard to > from, to - from < 12 else { return nil }
        var v = 0
        for i in from..<to {
            let b = base[i]
            guard b >= 0x30 && b <= 0x39 else { return nil }
            v = v * 10 + Int(b - 0x30)
        }
        return v
    }

    mutating func run(_ progress: (Int, Int) throws(OrreryError) -> Void) throws(OrreryError) -> TextVectorTable {
        // Count lines once (memchr is fast): an upper bound on rows, for the capacity and progress.
        var lineCount = 0
        var p = 0
        var counted = 0
        while p < count, let nl = memchr(base + p, 0x0A, count - p) {
            lineCount += 1
            p = UnsafeRawPointer(nl) - UnsafeRawPointer(base) + 1
            // This pass touches the whole file: give the pages back as it goes (they stay in the
            // page cache, so the parsing pass maps them again cheaply).
            if releasingPages && p - counted >= 1 << 26 {
                MappedFile.release(UnsafeRawPointer(base), from: counted, to: p)
                counted = p
            }
        }
        if releasingPages { MappedFile.release(UnsafeRawPointer(base), from: counted, to: count) }
        if p < count { lineCount += 1 }
        var estimate = min(lineCount, limit)
        var rows = 0
        // A UTF-8 byte-order mark is not part of the first word (or number); the metadata loader
        // skips it too.
        var pos = count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
        var firstContentLine = true

        while pos < count && rows < limit {
            line += 1
            lineStart = pos
            let lineEnd = memchr(base + pos, 0x0A, count - pos).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? count
            var end = lineEnd
            if end > pos && base[end - 1] == 0x0D { end -= 1 }
            defer { pos = lineEnd + 1 }

            // Blank (or whitespace-only) lines are skipped.
            var firstByte = pos
            while firstByte < end && (base[firstByte] == 0x20 || base[firstByte] == 0x09) { firstByte += 1 }
            if firstByte == end { continue }

            if firstContentLine {
                firstContentLine = false
                if format.detectHeader, let h = headerLine(pos, end) {
                    header = h
                    width = h.columns
                    estimate = min(estimate, h.rows)
                    // A header can lie: never reserve more values than the file has bytes for (each
                    // value takes at least two), and never overflow computing it (found by fuzzing:
                    // "4 33131522185" reserved 132 GB).
                    let wanted = min(h.rows, lineCount, limit).multipliedReportingOverflow(by: h.columns)
                    storage.reserveCapacity(min(wanted.overflow ? Int.max : wanted.partialValue, count / 2))
                    continue
                }
            }

            var cursor = pos
            var word: String?
            if format.leadingWord {
                guard let (ws, we) = token(from: cursor, end: end) else { continue }
                word = try utf8Word(ws, we)
                if let h = header, rows == h.rows {
                    throw error("row \(rows + 1) found, but the header on line 1 says the file has \(h.rows) rows")
                }
                cursor = we
            }

            let rowStart = storage.count
            var n: Int
            do {
                n = try values(from: cursor, end: end)
            } catch let failure {
                // GloVe 840B has words with spaces ('. . .', 'at name@domain.com'): the word is
                // everything before the last d values, as gensim reads it.
                guard format.leadingWord, let (ws, _) = token(from: pos, end: end),
                      let (wordEnd, valuesFrom) = spacedWord(ws, end) else { throw failure }
                storage.removeSubrange(rowStart...)
                word = try utf8Word(ws, wordEnd)
                n = try values(from: valuesFrom, end: end)
            }
            if let word { words.append(word) }
            if let w = width {
                guard n == w else { throw error(raggedReason(n, w)) }
            } else {
                guard n > 0 else {
                    throw error(format.leadingWord ? "line \(line) has a word but no values" : "line \(line) has no values")
                }
                width = n
                let wanted = estimate.multipliedReportingOverflow(by: n)
                storage.reserveCapacity(wanted.overflow ? count / 2 : min(wanted.partialValue, count / 2))
            }
            lines.append(line)
            rows += 1
            if rows % TextVectorParser.progressInterval == 0 {
                if releasingPages {
                    MappedFile.release(UnsafeRawPointer(base), from: released, to: lineStart)
                    released = lineStart
                }
                try progress(rows, max(estimate, rows))
            }
        }

        if let h = header, rows < min(h.rows, limit) {
            throw OrreryError.malformed(file: path, line: 1, column: nil,
                                        reason: "the header says \(h.rows) rows but the file has \(rows)")
        }
        guard rows > 0, let w = width else {
            throw OrreryError.emptyDataset("\(path) has no vectors")
        }
        try progress(rows, rows)
        return TextVectorTable(vectors: Matrix(rows: rows, columns: w, storage: storage),
                               words: words, lines: lines, header: header)
    }

    /// The values of a row from `cursor` to `end`, appended to `storage`; returns how many.
    /// Throws for a token that is not a number and for more values than the row width.
    mutating func values(from start: Int, end: Int) throws(OrreryError) -> Int {
        var cursor = start
        var n = 0
        while let (ts, te) = token(from: cursor, end: end) {
            if let w = width, n == w {
                // Count the rest for the message.
                var extra = n
                var c = cursor
                while let (_, e) = token(from: c, end: end) { extra += 1; c = next(after: e, lineEnd: end) }
                throw error(raggedReason(extra, w), at: ts)
            }
            storage.append(try number(ts, te))
            n += 1
            cursor = next(after: te, lineEnd: end)
        }
        return n
    }

    /// The bytes `[from, to)` as a word, or an error naming them.
    func utf8Word(_ from: Int, _ to: Int) throws(OrreryError) -> String {
        guard let word = String(validating: UnsafeBufferPointer(start: base + from, count: to - from), as: UTF8.self) else {
            let hex = (from..<min(to, from + 16)).map { String(format: "%02x", base[$0]) }.joined(separator: " ")
            throw error("the word is not UTF-8 text (bytes \(hex))", at: from)
        }
        return word
    }

    /// A word made of several space-separated tokens, followed by the row's values: the word's
    /// end and the first value's start, or nil when the line is not read that way. With a known
    /// width d the word is everything before the last d tokens; on the first row, everything
    /// before the longest run of numbers that ends the line. A word's tokens after the first must
    /// not all be numbers — otherwise the line is ragged, not a spaced word.
    func spacedWord(_ from: Int, _ end: Int) -> (wordEnd: Int, valuesFrom: Int)? {
        var tokens: [(Int, Int)] = []
        var c = from
        while let t = token(from: c, end: end) { tokens.append(t); c = t.1 }
        guard tokens.count >= 3 else { return nil }
        var j: Int
        if let w = width {
            guard tokens.count > w + 1 else { return nil }
            j = tokens.count - w
        } else {
            j = tokens.count
            while j > 1 && isNumber(tokens[j - 1].0, tokens[j - 1].1) { j -= 1 }
            guard j > 1, j < tokens.count else { return nil }
        }
        guard tokens[1..<j].contains(where: { !isNumber($0.0, $0.1) }) else { return nil }
        return (tokens[j - 1].1, tokens[j].0)
    }

    /// True when `[from, to)` reads whole as a number (NaN and infinity included).
    func isNumber(_ from: Int, _ to: Int) -> Bool {
        let n = to - from
        guard n > 0, n <= Parser.maxToken else { return false }
        if fastFloat(from, to) != nil { return true }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + from, byteCount: n)
        buffer[n] = 0
        var e: UnsafeMutablePointer<CChar>?
        _ = strtof(buffer, &e)
        return e == buffer + n
    }

    func raggedReason(_ n: Int, _ w: Int) -> String {
        "line \(line) has \(n) value\(n == 1 ? "" : "s"), expected \(w)" + (header != nil ? " (the header on line 1 says \(w))" : "")
    }

    /// `N D` with two non-negative integers, and nothing else on the line.
    func headerLine(_ from: Int, _ end: Int) -> (rows: Int, columns: Int)? {
        guard let (a0, a1) = token(from: from, end: end), let (b0, b1) = token(from: a1, end: end),
              token(from: b1, end: end).map({ _ in false }) ?? true,
              let n = nonNegativeInteger(a0, a1), let d = nonNegativeInteger(b0, b1), d > 0 else { return nil }
        return (n, d)
    }
}
