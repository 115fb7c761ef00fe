import OrreryCore

/// The seeded sample the exporters draw when a view has more points than they show: every root
/// row gets a rank from one seeded shuffle of the root, and a view keeps its points of lowest rank.
/// So two exporters (or two layouts of the same points) with the same seed keep the same points.
public enum SeededSample {
    /// The positions (ascending) of the `n` points of `e` that `seed` ranks first; all of them when
    /// `e` has at most `n`.
    ///
    /// - Complexity: O(R + m log m) for a root of R rows and a view of m points.
    public static func positions(_ e: Embedding, keep n: Int, seed: UInt64) -> [Int] {
        guard e.count > n else { return Array(0..<e.count) }
        var g = SeededGenerator(seed: seed)
        var order = Array(0..<e.root.count)
        order.shuffle(using: &g)
        var rank = [Int](repeating: 0, count: e.root.count)
        for (k, r) in order.enumerated() { rank[r] = k }
        return e.rows.indices.sorted { rank[e.rows[$0]] < rank[e.rows[$1]] }.prefix(n).sorted()
    }

    /// `e` reduced to `positions(e, keep: n, seed:)`, in its order.
    public static func subset(_ e: Embedding, keep n: Int, seed: UInt64) -> Embedding {
        e.count > n ? e.subset(positions(e, keep: n, seed: seed)) : e
    }
}
