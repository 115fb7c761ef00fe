import Foundation

/// Neighbour lists as the files `exporter.neighbors` writes, built as bytes: each label's UTF-8
/// is made once, distances are formatted digit by digit, and nothing allocates per pair. (Built
/// with `String` interpolation per pair, the k = 100 lists of 50,000 points took 12 s.)
public enum NeighborsText {
    /// `blue: (red, 47.6°), (yellow, 51.9°)` per query, one line each.
    ///
    /// - Complexity: O(q·k + n) for q queries, k neighbours and n labels.
    public static func text(_ n: Neighbors, decimals: Int) -> Data {
        let labels = Labels(n.embedding, cleaned: false)
        let unit = Array(n.unit.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(n.queries.count * (16 + n.k * (labels.averageLength + 12)))
        for q in n.queries.indices {
            appendLine(&out, n, q, decimals: decimals, unit: unit, labels: labels, limit: n.k)
            out.append(0x0A)
        }
        return Data(out)
    }

    /// `query  rank  neighbor  distance` rows after a header; labels with tabs or line breaks
    /// cleaned; distances in Swift's shortest round-tripping form.
    ///
    /// - Complexity: O(q·k + n).
    public static func tsv(_ n: Neighbors) -> Data {
        let labels = Labels(n.embedding, cleaned: true)
        var out = Array("query\trank\tneighbor\tdistance\n".utf8)
        out.reserveCapacity(n.queries.count * n.k * (2 * labels.averageLength + 16))
        for q in n.queries.indices {
            let query = n.queries[q]
            for j in 0..<n.k {
                let r = n.indices[q * n.k + j]
                guard r >= 0 else { continue }
                labels.append(query, to: &out)
                out.append(0x09)
                appendInteger(&out, j + 1)
                out.append(0x09)
                labels.append(Int(r), to: &out)
                out.append(0x09)
                out.append(contentsOf: n.distances[q * n.k + j].description.utf8)
                out.append(0x0A)
            }
        }
        return Data(out)
    }

    /// The text line of the `q`-th query, with at most `pairs` neighbours (then `… N more`).
    public static func line(_ n: Neighbors, _ q: Int, decimals: Int, pairs: Int = .max) -> String {
        let labels = Labels(n.embedding, cleaned: false, rows: [n.queries[q]] + n.list(q).map(\.row))
        var out: [UInt8] = []
        appendLine(&out, n, q, decimals: decimals, unit: Array(n.unit.utf8), labels: labels, limit: pairs)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendLine(_ out: inout [UInt8], _ n: Neighbors, _ q: Int, decimals: Int, unit: [UInt8],
                                   labels: Labels, limit: Int) {
        labels.append(n.queries[q], to: &out)
        out.append(contentsOf: [0x3A, 0x20])  // ": "
        var shown = 0, total = 0
        for j in 0..<n.k {
            let r = n.indices[q * n.k + j]
            guard r >= 0 else { continue }
            total += 1
            guard shown < limit else { continue }
            if shown > 0 { out.append(contentsOf: [0x2C, 0x20]) }  // ", "
            out.append(0x28)  // "("
            labels.append(Int(r), to: &out)
            out.append(contentsOf: [0x2C, 0x20])
            appendFixed(&out, Double(n.distances[q * n.k + j]), decimals)
            out.append(contentsOf: unit)
            out.append(0x29)  // ")"
            shown += 1
        }
        if total > shown { out.append(contentsOf: Array(", … \(total - shown) more".utf8)) }
    }

    /// `NumberText.fixed(x, decimals)`, appended as bytes.
    static func appendFixed(_ out: inout [UInt8], _ x: Double, _ decimals: Int) {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard x.isFinite, scaled < 9e15 else {
            out.append(contentsOf: NumberText.fixed(x, decimals).utf8)
            return
        }
        let units = Int64(scaled), p = Int64(scale)
        if x < 0 && units > 0 { out.append(0x2D) }
        appendInteger(&out, Int(units / p))
        guard decimals > 0 else { return }
        out.append(0x2E)
        var frac = units % p
        var digits = [UInt8](repeating: 0x30, count: decimals)
        for i in stride(from: decimals - 1, through: 0, by: -1) {
            digits[i] = 0x30 + UInt8(frac % 10)
            frac /= 10
        }
        out.append(contentsOf: digits)
    }

    static func appendInteger(_ out: inout [UInt8], _ value: Int) {
        if value == 0 { out.append(0x30); return }
        var v = value
        var buffer: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &buffer) { b in
            while v > 0 {
                b[19 - count] = 0x30 + UInt8(v % 10)
                v /= 10
                count += 1
            }
            out.append(contentsOf: b[(20 - count)...])
        }
    }

    /// Every row's label as UTF-8, in one buffer.
    struct Labels {
        var bytes: [UInt8] = []
        var start: [Int: Range<Int>] = [:]
        var dense: [Range<Int>] = []
        var averageLength: Int

        init(_ e: Embedding, cleaned: Bool, rows: [Int]? = nil) {
            func text(_ i: Int) -> String { cleaned ? TSVText.clean(e.label(i)) : e.label(i) }
            if let rows {
                for r in rows where start[r] == nil {
                    let from = bytes.count
                    bytes.append(contentsOf: text(r).utf8)
                    start[r] = from..<bytes.count
                }
            } else {
                dense.reserveCapacity(e.count)
                for i in 0..<e.count {
                    let from = bytes.count
                    bytes.append(contentsOf: text(i).utf8)
                    dense.append(from..<bytes.count)
                }
            }
            averageLength = bytes.count / max(1, rows?.count ?? e.count)
        }

        func append(_ row: Int, to out: inout [UInt8]) {
            let range = dense.isEmpty ? (start[row] ?? 0..<0) : dense[row]
            bytes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
        }
    }
}
