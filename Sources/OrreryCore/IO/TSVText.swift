/// Cells of tab-separated text, which has no quoting or escaping.
public enum TSVText {
    /// True when `s` holds a character that would break a TSV row (tab or line break).
    public static func needsCleaning(_ s: String) -> Bool {
        s.contains { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
    }

    /// `s` with tabs and line breaks replaced by spaces.
    public static func clean(_ s: String) -> String {
        needsCleaning(s) ? String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 }) : s
    }
}
