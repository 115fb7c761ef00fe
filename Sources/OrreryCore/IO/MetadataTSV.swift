import Foundation

/// The Projector's metadata TSV (FORMATS.md): lines split on `\n` (a trailing `\r` is dropped),
/// blank lines skipped, values split on `\t` with no quoting; the first line is a header iff the
/// file has more than one column; a single column is called `label`.
public enum MetadataTSV {
    /// Reads a metadata file. `path` names it in errors.
    ///
    /// - Complexity: O(file size).
    public static func read(_ data: Data, path: String) throws(OrreryError) -> MetadataTable {
        guard let text = String(data: data, encoding: .utf8) else {
            let offset = firstInvalidUTF8(data)
            throw .malformed(file: path, line: lineNumber(data, offset), column: nil,
                             reason: "not UTF-8 text (bad byte at offset \(offset))")
        }
        var lines: [(Int, Substring)] = []
        // "\r\n" is one Character in Swift: split on it too, or a CRLF file is one long line.
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .enumerated() {
            var line = raw
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            lines.append((i + 1, line))
        }
        guard let first = lines.first else { throw .emptyDataset("\(path) holds no metadata rows") }
        let header = first.1.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        if header.count == 1 {
            return MetadataTable(labels: lines.map { String($0.1) })
        }
        var columns = [[String]](repeating: [], count: header.count)
        for (number, line) in lines.dropFirst() {
            let values = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard values.count == header.count else {
                throw .malformed(file: path, line: number, column: nil,
                                 reason: "\(values.count) values, but the header has \(header.count) columns")
            }
            for (j, v) in values.enumerated() { columns[j].append(String(v)) }
        }
        let count = lines.count - 1
        return MetadataTable(count: count, columns: zip(header, columns).map { MetadataTable.Column(name: $0, values: $1) })
    }

    /// Reads the metadata file at `url`.
    public static func read(contentsOf url: URL, path: String) throws(OrreryError) -> MetadataTable {
        try read(MappedFile.read(url, path: path), path: path)
    }

    /// Writes `table` by the Projector's rules: a header only when there are several columns; tabs,
    /// newlines and carriage returns inside values replaced by spaces (the format has no escaping).
    /// Returns the text and how many values had to be changed.
    public static func write(_ table: MetadataTable) -> (text: String, replaced: Int) {
        var replaced = 0
        func clean(_ s: String) -> String {
            guard TSVText.needsCleaning(s) else { return s }
            replaced += 1
            return TSVText.clean(s)
        }
        var out = ""
        let columns = table.columns
        if columns.count > 1 { out += columns.map { clean($0.name) }.joined(separator: "\t") + "\n" }
        for i in 0..<table.count {
            var line = columns.map { clean($0.values[i]) }.joined(separator: "\t")
            // A single-column file skips blank lines on reading: keep the row with a placeholder.
            if columns.count == 1 && line.trimmingCharacters(in: .whitespaces).isEmpty {
                line = "<empty>"
                replaced += 1
            }
            out += line + "\n"
        }
        return (out, replaced)
    }

    static func firstInvalidUTF8(_ data: Data) -> Int {
        var offset = 0
        var it = data.makeIterator()
        var decoder = UTF8()
        var consumed = 0
        while true {
            switch decoder.decode(&it) {
            case .scalarValue(let s):
                consumed += String(s).utf8.count
                offset = consumed
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }

    static func lineNumber(_ data: Data, _ offset: Int) -> Int {
        1 + data.prefix(offset).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}
