/// The one place that turns a `Projection` into text a reader sees: axis titles, bookmark and
/// panel labels, terms without regex slashes.
public enum ProjectionText {
    /// `PCA 1 (7.3 %)` for component 0 with share 0.0731.
    public static func pcaTitle(component: Int, share: Double?) -> String {
        guard let share else { return "PCA \(component + 1)" }
        return "PCA \(component + 1) (\(percent(share, decimals: 1)))"
    }

    /// `bad → good`, or `random direction`.
    public static func axisTitle(_ ends: Projection.Ends?) -> String {
        guard let ends else { return "random direction" }
        return "\(display(ends.from)) → \(display(ends.to))"
    }

    /// A term as a reader wants it: a label as written; a regex without its slashes and whole-value
    /// anchors (`/^bad$/` → `bad`, `/^(bad|awful)$/` → `bad | awful`).
    public static func display(_ term: Term) -> String {
        switch term {
        case .label(let l): return l
        case .regex(var r):
            if r.hasPrefix("^") { r.removeFirst() }
            if r.hasSuffix("$") && !r.hasSuffix("\\$") { r.removeLast() }
            if r.hasPrefix("("), r.hasSuffix(")"), !r.dropFirst().dropLast().contains(where: { $0 == "(" || $0 == ")" }) {
                r = String(r.dropFirst().dropLast())
            }
            if r.contains("|") { r = r.split(separator: "|", omittingEmptySubsequences: false).joined(separator: " | ") }
            return r
        }
    }

    /// The view's short name (see `Projection.label`).
    public static func label(_ p: Projection) -> String {
        switch p.kind {
        case .pca:
            let total = p.explainedVariance.reduce(0, +)
            return p.explainedVariance.isEmpty ? "PCA" : "PCA (\(percent(total, decimals: 0)) variance)"
        case .tsne:
            if let pp = p.parameters.number("perplexity") { return "t-SNE (perplexity \(Notes.Value.number(pp)))" }
            return "t-SNE"
        case .umap:
            if let k = p.parameters.number("n-neighbors") { return "UMAP (\(Notes.Value.number(k)) neighbours)" }
            return "UMAP"
        case .custom:
            guard let first = p.ends.first else { return "custom axes" }
            guard let x = first else { return "random axes" }
            var l = axisTitle(x)
            if p.ends.count > 1 {
                l += p.ends[1].map { ", " + axisTitle($0) } ?? " (random y)"
            }
            return l
        case .other(let name):
            return p.parameters.entries.isEmpty ? name
                : name + " (" + p.parameters.entries.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
    }

    /// `0.0731` → `7.3 %` (decimals 1), without locale-dependent formatting.
    public static func percent(_ ratio: Double, decimals: Int) -> String {
        NumberText.fixed(ratio * 100, decimals) + " %"
    }
}
