/// Turns run events into the lines `orrery run` shows (the library formats; the CLI prints).
public enum RunEventText {
    /// The line for a finished step: `✓ near-politics  selector.neighbors  0.21 s  101 × 50`.
    public static func finished(_ s: StepSummary, idWidth: Int = 0, pluginWidth: Int = 0) -> String {
        var line = (s.cached ? "= " : "✓ ") + pad(s.step, idWidth) + "  " + pad(s.plugin, pluginWidth) + "  "
        line += s.cached ? "cached" : seconds(s.seconds)
        if let r = s.rows, let c = s.columns { line += "  \(r) × \(c)" }
        if !s.files.isEmpty { line += "  → " + s.files.joined(separator: ", ") }
        return line
    }

    /// The line for a step stopped because another failed: `- tsne  reducer.tsne  cancelled`.
    public static func cancelled(step: String, plugin: String, idWidth: Int = 0, pluginWidth: Int = 0) -> String {
        "- " + pad(step, idWidth) + "  " + pad(plugin, pluginWidth) + "  cancelled"
    }

    /// Notes worth showing under a step's line (projection quality, variance, KL divergence).
    public static func notes(_ s: StepSummary) -> [String] {
        let shown = ["explained-variance-ratio", "explained-variance-total", "kl-divergence", "trustworthiness@10", "knn-recall@10", "quality-sample"]
        let parts = s.notes.entries.filter { shown.contains($0.key) }.map { "\($0.key) \($0.value)" }
        return parts.isEmpty ? [] : ["    " + parts.joined(separator: "  ")]
    }

    /// A progress line: `  tsne  [ 350/1000]  KL 1.234`.
    public static func progress(step: String, done: Int, total: Int, message: String) -> String {
        let percent = total > 0 ? Int((Double(done) / Double(total) * 100).rounded()) : 0
        return "  \(step)  \(done)/\(total) (\(percent)%)" + (message.isEmpty ? "" : "  \(message)")
    }

    public static func seconds(_ s: Double) -> String {
        s < 10 ? NumberText.fixed(s, 2) + " s" : NumberText.fixed(s, 1) + " s"
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
