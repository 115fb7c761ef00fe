/// A line a process plugin prints on standard output: `progress DONE/TOTAL [message]` reports
/// progress; any other line that starts with `progress` is malformed (a warning); the rest is ignored.
enum ProgressLine: Equatable {
    case progress(done: Int, total: Int, message: String)
    case malformed

    init?(_ line: String) {
        guard line.hasPrefix("progress") else { return nil }
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.first == "progress", parts.count >= 2 else { self = .malformed; return }
        let fraction = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard fraction.count == 2, let done = Int(fraction[0]), let total = Int(fraction[1]),
              done >= 0, total > 0, done <= total else { self = .malformed; return }
        self = .progress(done: done, total: total, message: parts.count > 2 ? String(parts[2]) : "")
    }
}
