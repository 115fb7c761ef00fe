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

    @Test func printedLinesAreCapped() {
        let n = Self.sample(unit: "°")
        let line = NeighborsText.line(n, 0, decimals: 1, pairs: 2)
        #expect(line == NeighborsExporter.textLines(n, decimals: 1)[0].components(separatedBy: ", (").prefix(2).joined(separator: ", (") + ", … 5 more")
    }
}
