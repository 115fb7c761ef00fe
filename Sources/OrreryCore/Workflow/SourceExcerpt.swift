/// A source line as diagnostics show it, with the caret under the column: a line longer than
/// `width` characters is cut to a window around the column (marked with `…`), so that a 20 MB line
/// is not echoed whole to the terminal.
public enum SourceExcerpt {
    /// The most characters of a source line shown.
    public static let width = 120

    /// The line (or its window) and the caret line under it.
    ///
    /// - Complexity: O(column + width) characters.
    public static func render(_ line: String, column: Int) -> String {
        let caretOffset = max(0, column - 1)
        // Count only as far as needed: the line may be huge.
        let fits = line.utf8.count <= width || line.index(line.startIndex, offsetBy: width + 1, limitedBy: line.endIndex) == nil
        if fits { return line + "\n" + String(repeating: " ", count: caretOffset) + "^" }
        let start = max(0, caretOffset - width / 2)
        guard let from = line.index(line.startIndex, offsetBy: start, limitedBy: line.endIndex) else {
            return String(line.prefix(width)) + "…\n" + String(repeating: " ", count: width) + "^"
        }
        let to = line.index(from, offsetBy: width, limitedBy: line.endIndex) ?? line.endIndex
        let lead = start > 0 ? "…" : ""
        let tail = to < line.endIndex ? "…" : ""
        return lead + line[from..<to] + tail + "\n"
            + String(repeating: " ", count: caretOffset - start + lead.count) + "^"
    }
}
