import Foundation
import OrreryCore

/// What the panels of a small-multiples figure (exporter.svg) or the views of a page
/// (exporter.html) are called: the one rule both use.
public enum PanelTitles {
    /// One title per panel: what sets it apart from the others. A combination of a `matrix:` is
    /// titled by its swept values that vary (the runner's `sweep` note). Among other panels made by one method,
    /// the method's parameters (its `Projection.parameters` keys, and `seed`) whose values differ,
    /// as `perplexity 5 · seed 1`; the method's name first when the panels use several methods
    /// (`t-SNE · perplexity 5`, `UMAP`). A panel that nothing sets apart is titled by its method,
    /// or `panel N`.
    public static func titles(_ panels: [Embedding]) -> [String] {
        func method(_ e: Embedding) -> String {
            e.projection?.kind.displayName ?? e.notes["reducer"]?.description ?? ""
        }
        let methods = panels.map(method)
        let mixed = Set(methods).count > 1
        var titles: [String] = []
        for (k, e) in panels.enumerated() {
            let peers = panels.indices.filter { methods[$0] == methods[k] }.map { panels[$0] }
            var keys = (e.projection?.parameters.entries.map(\.key) ?? []) + ["seed"]
            var seen = Set<String>()
            keys = keys.filter { seen.insert($0).inserted }
            let varying = keys.filter { key in
                Set(peers.map { $0.notes[key]?.description ?? "" }).count > 1
            }
            // A sweep's combination, noted by the runner, names exactly the swept values.
            let swept = e.notes["sweep"]?.description
            var parts = swept.map { $0.isEmpty ? [] : [$0] }
                ?? varying.compactMap { key in e.notes[key].map { "\(key) \($0)" } }
            if mixed || parts.isEmpty { parts.insert(methods[k], at: 0) }
            let title = parts.filter { !$0.isEmpty }.joined(separator: " · ")
            titles.append(title.isEmpty ? "panel \(k + 1)" : title)
        }
        return titles
    }

    /// `trustworthiness 0.990 · recall 0.410` from the notes' quality figures (three decimals, so
    /// that panels line up); empty without them.
    public static func quality(_ e: Embedding) -> String {
        var parts: [String] = []
        if let t = e.notes.number("trustworthiness@10") { parts.append("trustworthiness " + fixed(t)) }
        if let r = e.notes.number("knn-recall@10") { parts.append("recall " + fixed(r)) }
        return parts.joined(separator: " · ")
    }

    /// `x` with three decimals.
    static func fixed(_ x: Double) -> String { String(format: "%.3f", x) }
}
