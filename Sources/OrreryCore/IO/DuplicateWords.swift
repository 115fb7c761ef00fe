/// Finding words that occur more than once in a word-vector file, for a warning that names them.
public enum DuplicateWords {
    /// A warning naming up to `examples` repeated words with the lines of their first and repeated
    /// occurrence, plus how many repeats there are in all; nil when every word is unique.
    /// `lines[i]` is the 1-based line of `words[i]`.
    ///
    /// - Complexity: O(n) expected.
    public static func warning(words: [String], lines: [Int], path: String, examples: Int = 3) -> String? {
        var first: [String: Int] = [:]
        first.reserveCapacity(words.count)
        var repeats: [(word: String, first: Int, again: Int)] = []
        var total = 0
        for (i, w) in words.enumerated() {
            if let f = first[w] {
                total += 1
                if repeats.count < examples { repeats.append((w, lines[f], lines[i])) }
            } else {
                first[w] = i
            }
        }
        guard total > 0 else { return nil }
        let list = repeats.map { "'\($0.word)' (lines \($0.first) and \($0.again))" }.joined(separator: ", ")
        let more = total > repeats.count ? " and \(total - repeats.count) more" : ""
        return "\(path) has \(total) repeated word\(total == 1 ? "" : "s"), kept as separate rows: \(list)\(more)"
    }
}
