import Foundation
import OrreryCore

/// Independent reference computations, in Double precision, written the slow obvious way.
public enum Reference {
    public static func dot(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
    public static func norm(_ a: [Float]) -> Double { dot(a, a).squareRoot() }
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double { dot(a, b) / (norm(a) * norm(b)) }
    public static func angleDegrees(_ a: [Float], _ b: [Float]) -> Double {
        acos(min(1, max(-1, cosine(a, b)))) * 180 / Double.pi
    }
    public static func euclidean(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0) { $0 + pow(Double($1.0) - Double($1.1), 2) }.squareRoot()
    }

    /// The k nearest rows to row `query` (itself excluded) by `distance` (smaller is nearer),
    /// by sorting every distance.
    public static func neighbors(of query: Int, in m: Matrix, k: Int,
                                 distance: ([Float], [Float]) -> Double) -> [(row: Int, distance: Double)] {
        let q = m.row(query)
        var all: [(row: Int, distance: Double)] = []
        for r in 0..<m.rows where r != query { all.append((r, distance(q, m.row(r)))) }
        all.sort { a, b in a.distance != b.distance ? a.distance < b.distance : a.row < b.row }
        return Array(all.prefix(k))
    }
}

extension Reference {
    public static func cosineDistance(_ a: [Float], _ b: [Float]) -> Double { 1 - cosine(a, b) }
    /// Minus the inner product: smaller is nearer, as `metric.dot` ranks.
    public static func negativeDot(_ a: [Float], _ b: [Float]) -> Double { -dot(a, b) }
}

/// The bundled datasets, loaded through the real format readers.
public enum Bundled {
    /// GloVe 6B 50d, 50,000 most frequent words (Workflows/data).
    public static func glove() async throws -> Embedding {
        let dir = Fixtures.workflowsDirectory.appendingPathComponent("data")
        let m = try NPYFormat.read(MappedFile.read(dir.appendingPathComponent("glove.6B.50d.top50k.npy"), path: "npy"),
                                   path: "npy")
        let words = try MetadataTSV.read(contentsOf: dir.appendingPathComponent("glove.6B.50d.top50k.words.tsv"),
                                         path: "words")
        return Embedding(vectors: m, metadata: words)
    }
}
