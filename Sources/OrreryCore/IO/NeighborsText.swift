import Foundation
import Synchronization

/// Neighbour lists as the files `exporter.neighbors` writes, built as bytes in one `ByteWriter`:
/// each label's UTF-8 is made once, fixed-decimal distances are formatted digit by digit, TSV
/// distances by the standard library's shortest round-tripping formatter writing straight into
/// the buffer, and nothing allocates per pair; the queries are split across the cores. (Built with `String` interpolation per pair, the
/// k = 100 lists of 50,000 points took 12 s; with a per-pair `[UInt8]` and `Float.description`,
/// 3.1 s as text and 2.5 s as TSV.)
public enum NeighborsText {
    /// `blue: (red, 47.6°), (yellow, 51.9°)` per query, one line each.
    ///
    /// - Complexity: O(q·k + n) for q queries, k neighbours and n labels.
    public static func text(_ n: Neighbors, decimals: Int) -> Data {
        let labels = Labels(n.embedding, cleaned: false)
        let unit = Array(n.unit.utf8)
        let scale = FixedScale(decimals)
        return inChunks(n, perQuery: 16 + n.k * (labels.averageLength + 12 + unit.count)) { queries, out in
            for q in queries {
                appendLine(&out, n, q, scale: scale, unit: unit, labels: labels, limit: n.k)
                out.append(0x0A)
            }
        }
    }

    /// `query  rank  neighbor  distance` rows after a header; labels with tabs or line breaks
    /// cleaned; distances in Swift's shortest round-tripping form (`Float.description`).
    ///
    /// - Complexity: O(q·k + n).
    public static func tsv(_ n: Neighbors) -> Data {
        let labels = Labels(n.embedding, cleaned: true)
        let header = Array("query\trank\tneighbor\tdistance\n".utf8)
        return inChunks(n, perQuery: n.k * (2 * labels.averageLength + 18), header: header) { queries, out in
            n.indices.withUnsafeBufferPointer { indices in
                n.distances.withUnsafeBufferPointer { distances in
                    for q in queries {
                        let query = n.queries[q]
                        for j in 0..<n.k {
                            let r = indices[q * n.k + j]
                            guard r >= 0 else { continue }
                            labels.append(query, to: &out)
                            out.append(0x09)
                            out.appendInteger(Int64(j + 1))
                            out.append(0x09)
                            labels.append(Int(r), to: &out)
                            out.append(0x09)
                            let d = distances[q * n.k + j]
                            // `write(to:)` spells a NaN with its payload (`-nan(0x120066)`);
                            // `description`, which the file has always used, says `nan`.
                            if d.isFinite { d.write(to: &out) } else { out.write(d.description) }
                            out.append(0x0A)
                        }
                    }
                }
            }
        }
    }

    /// `header`, then the bytes `body` writes for every query, the queries split into contiguous
    /// chunks written on all cores at once (each into its own buffer), joined in query order.
    private static func inChunks(_ n: Neighbors, perQuery: Int, header: [UInt8] = [],
                                 _ body: @Sendable (Range<Int>, inout ByteWriter) -> Void) -> Data {
        let pieces = Mutex<[(Int, Data)]>([])
        Parallel.forEachChunk(max(1, n.queries.count), minimumChunk: 2_000) { queries in
            var out = ByteWriter(capacity: header.count + queries.count * perQuery)
            if queries.lowerBound == 0 { out.append(header) }
            body(queries.clamped(to: 0..<n.queries.count), &out)
            let piece = out.data()
            pieces.withLock { $0.append((queries.lowerBound, piece)) }
        }
        let ordered = pieces.withLock { $0 }.sorted { $0.0 < $1.0 }.map(\.1)
        guard ordered.count > 1 else { return ordered.first ?? Data() }
        var out = ByteWriter(capacity: ordered.reduce(0) { $0 + $1.count })
        for piece in ordered { piece.withUnsafeBytes { out.append($0.bindMemory(to: UInt8.self)) } }
        return out.data()
    }

    /// The text line of the `q`-th query, with at most `pairs` neighbours (then `… N more`).
    public static func line(_ n: Neighbors, _ q: Int, decimals: Int, pairs: Int = .max) -> String {
        let labels = Labels(n.embedding, cleaned: false, rows: [n.queries[q]] + n.list(q).map(\.row))
        var out = ByteWriter(capacity: 256)
        appendLine(&out, n, q, scale: FixedScale(decimals), unit: Array(n.unit.utf8), labels: labels, limit: pairs)
        let text = out.data()
        return String(decoding: text, as: UTF8.self)
    }

    private static func appendLine(_ out: inout ByteWriter, _ n: Neighbors, _ q: Int, scale: FixedScale, unit: [UInt8],
                                   labels: Labels, limit: Int) {
        labels.append(n.queries[q], to: &out)
        out.append(0x3A, 0x20)  // ": "
        var shown = 0, total = 0
        n.indices.withUnsafeBufferPointer { indices in
            n.distances.withUnsafeBufferPointer { distances in
                unit.withUnsafeBufferPointer { unit in
                    for j in 0..<n.k {
                        let r = indices[q * n.k + j]
                        guard r >= 0 else { continue }
                        total += 1
                        guard shown < limit else { continue }
                        if shown > 0 { out.append(0x2C, 0x20) }  // ", "
                        out.append(0x28)  // "("
                        labels.append(Int(r), to: &out)
                        out.append(0x2C, 0x20)
                        out.appendFixed(Double(distances[q * n.k + j]), scale)
                        out.append(unit)
                        out.append(0x29)  // ")"
                        shown += 1
                    }
                }
            }
        }
        if total > shown { out.write(", … \(total - shown) more") }
    }

    /// Every row's label as UTF-8, in one buffer.
    struct Labels {
        var bytes: [UInt8] = []
        var start: [Int: Range<Int>] = [:]
        /// Row i's bytes are `bytes[ends[i]..<ends[i + 1]]` (every row, when `rows` was nil).
        var ends: [Int] = []
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
                ends.reserveCapacity(e.count + 1)
                ends.append(0)
                for i in 0..<e.count {
                    bytes.append(contentsOf: text(i).utf8)
                    ends.append(bytes.count)
                }
            }
            averageLength = bytes.count / max(1, rows?.count ?? e.count)
        }

        @inline(__always) func append(_ row: Int, to out: inout ByteWriter) {
            let range = ends.isEmpty ? (start[row] ?? 0..<0) : ends[row]..<ends[row + 1]
            bytes.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(rebasing: $0[range])) }
        }
    }
}
