/// "Did you mean" suggestions by edit distance.
public enum Suggestion {
    /// The candidate closest to `word`, if it is close enough to be a plausible typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word.lowercased(), c.lowercased())
            if let b = best, d >= b.1 { continue }
            best = (c, d)
        }
        guard let (candidate, d) = best else { return nil }
        // Accept up to a third of the longer word, at least 2 edits; or a shared suffix after "kind.".
        let limit = max(2, max(word.count, candidate.count) / 3)
        if d <= limit { return candidate }
        if let dot = word.lastIndex(of: "."), candidates.contains(where: { $0.hasSuffix(String(word[dot...])) }) {
            return candidates.first { $0.hasSuffix(String(word[dot...])) }
        }
        return nil
    }

    /// Levenshtein distance, counting a transposition of neighbours as one edit.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prev2[j - 2] + 1)
                }
            }
            prev2 = prev
            prev = cur
        }
        return prev[b.count]
    }
}
