/// The rule every path an exporter writes follows: relative to the output folder, and inside it.
public enum OutputPath {
    /// Why `path` cannot be an exporter's output path, or nil when it can. Lexical only: symlinks
    /// are resolved when the file is written.
    public static func problem(_ path: String) -> String? {
        if path.isEmpty { return "is empty; name a file inside the output folder" }
        if path.hasPrefix("/") { return "'\(path)' is absolute; exporter paths are relative to the output folder" }
        if path.hasSuffix("/") { return "'\(path)' ends with '/'; write the name without it" }
        var depth = 0
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": depth -= 1
            default: depth += 1
            }
            if depth < 0 { return "'\(path)' leaves the output folder; write a path inside it" }
        }
        if depth == 0 { return "'\(path)' names the output folder itself; name a file inside it" }
        return nil
    }
}
