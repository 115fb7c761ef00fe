import Foundation
import OrreryCore
import OrreryTesting
import Testing
import ExporterNeighbors

/// The byte writer gives the same files as building them with `String`s (the reference below).
@Suite struct NeighborsTextTests {
    static func sample(unit: String) -> Neighbors {
        var g = SeededGenerator(seed: 3)
        let n = 40, k = 7
        let labels = (0..<n).map { i in i % 5 == 0 ? "w\t\(i)" : i % 7 == 0 ? "ünï \(i)" : "w\(i)" }
        let e = Embedding(vectors: Matrix(rows: n, columns: 1, storage: (0..<n).map(Float.init)),
                          metadata: MetadataTable(labels: labels))
        var indices: [Int32] = [], distances: [Float] = []
        for q in 0..<n {
            for j in 0..<k {
                indices.append(q == 3 && j >= 5 ? -1 : Int32(g.next() % UInt64(n)))
                distances.append(Float(g.nextGaussian()) * (j == 0 ? 1e-9 : 100))
            }
        }
        return Neighbors(metric: "metric.test", unit: unit, embedding: e, queries: Array(0..<n), k: k,
                         indices: indices, distances: distances)
    }

    @Test(arguments: ["", "°"])
    func textMatchesStringBuilding(_ unit: String) {
        let n = Self.sample(unit: unit)
        for decimals in [0, 1, 3] {
            let reference = NeighborsExporter.textLines(n, decimals: decimals).joined(separator: "\n") + "\n"
            #expect(String(decoding: NeighborsText.text(n, decimals: decimals), as: UTF8.self) == reference)
        }
    }

    @Test func tsvMatchesStringBuilding() {
        let n = Self.sample(unit: "")
        var reference = "query\trank\tneighbor\tdistance\n"
        for q in n.queries.indices {
            for (rank, item) in n.list(q).enumerated() {
                reference += "\(TSVText.clean(n.embedding.label(n.queries[q])))\t\(rank + 1)\t"
                    + "\(TSVText.clean(n.embedding.label(item.row)))\t\(item.distance)\n"
            }
        }
        #expect(String(decoding: NeighborsText.tsv(n), as: UTF8.self) == reference)
    }

    /// One query whose k neighbours all are row 1, at the given distances.
    static func lists(_ distances: [Float], unit: String = "") -> Neighbors {
        let e = Embedding(vectors: Matrix(rows: 2, columns: 1, storage: [0, 1]), metadata: MetadataTable(labels: ["q", "n"]))
        return Neighbors(metric: "metric.test", unit: unit, embedding: e, queries: [0], k: distances.count,
                         indices: [Int32](repeating: 1, count: distances.count), distances: distances)
    }

    /// The digits written into the byte buffer equal `NumberText.fixed` (the text form) and
    /// `Float.description` (the TSV), value by value: edge cases, rounding ties, every binade.
    @Test func numbersMatchTheStringFormatters() {
        var values: [Float] = [0, -0.0, 1, -1, 0.1, -0.1, 0.05, 0.15, 0.25, 0.5, 1.5, 2.5, 0.0005, 0.00049999, 0.9995,
                               0.99949999, 9.9995, 1e-7, -1e-7, Float.leastNonzeroMagnitude, Float.leastNormalMagnitude, 3.4028235e38,
                               -3.4028235e38, 1e15, 9e15, 1e16, 123456789, 47.6, 51.9, 179.99, 180, 2, 1.0000001,
                               .infinity, -.infinity, .nan, 0.3333333, 0.6666667, 1e-3, 5e-4, 4.5e-3]
        var g = SeededGenerator(seed: 11)
        for _ in 0..<20_000 {
            // Uniform over bit patterns (every binade, both signs), plus values of a distance's size.
            let bits = UInt32(truncatingIfNeeded: g.next())
            values.append(Float(bitPattern: bits))
            values.append(Float(g.nextGaussian()) * 10)
            values.append(Float(UInt32(truncatingIfNeeded: g.next()) % 2_000_001) / 1000 - 1000)  // 3 decimals exactly
        }
        let n = Self.lists(values)
        for decimals in [0, 1, 2, 3, 4, 6, 9] {
            let written = String(decoding: NeighborsText.text(n, decimals: decimals), as: UTF8.self)
            let reference = "q: " + values.map { "(n, \(NumberText.fixed(Double($0), decimals)))" }.joined(separator: ", ") + "\n"
            #expect(written == reference, "decimals \(decimals)")
        }
        let tsv = String(decoding: NeighborsText.tsv(n), as: UTF8.self).split(separator: "\n").dropFirst()
        #expect(tsv.count == values.count)
        for (line, value) in zip(tsv, values) where line.split(separator: "\t").last.map(String.init) != value.description {
            Issue.record("TSV wrote \(line) for \(value.description)")
            break
        }
        // The examples the docs give.
        #expect(NeighborsText.line(Self.lists([47.6, 51.94, 0.05], unit: "°"), 0, decimals: 1) == "q: (n, 47.6°), (n, 51.9°), (n, 0.1°)")
    }

    @Test func printedLinesAreCapped() {
        let n = Self.sample(unit: "°")
        let line = NeighborsText.line(n, 0, decimals: 1, pairs: 2)
        #expect(line == NeighborsExporter.textLines(n, decimals: 1)[0].components(separatedBy: ", (").prefix(2).joined(separator: ", (") + ", … 5 more")
    }
}
