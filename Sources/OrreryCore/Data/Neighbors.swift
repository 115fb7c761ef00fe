/// For each query row, its k nearest rows (nearest first) with their distances, and the metric that
/// measured them.
public struct Neighbors: Sendable {
    /// The id of the metric that made these lists (`metric.cosine`, …).
    public var metric: String
    /// The unit of `distances` (`°` for angles; empty otherwise).
    public var unit: String
    /// The embedding the rows index into.
    public var embedding: Embedding
    /// The query rows, in order.
    public var queries: [Int]
    /// Neighbours per query (some lists may be shorter when the embedding has fewer points).
    public var k: Int
    /// `queries.count × k` neighbour rows, query after query; -1 pads a short list.
    public var indices: [Int32]
    /// `queries.count × k` distances matching `indices`.
    public var distances: [Float]
    /// Facts about the search (`knn-method`, and `knn-recall` for approximate lists).
    public var notes: Notes

    public init(metric: String, unit: String, embedding: Embedding, queries: [Int], k: Int,
                indices: [Int32], distances: [Float], notes: Notes = Notes()) {
        precondition(indices.count == queries.count * k && distances.count == indices.count,
                     "neighbour lists differ in size")
        self.metric = metric
        self.unit = unit
        self.embedding = embedding
        self.queries = queries
        self.k = k
        self.indices = indices
        self.distances = distances
        self.notes = notes
    }

    /// The neighbours of the `q`-th query: (row, distance), nearest first.
    public func list(_ q: Int) -> [(row: Int, distance: Float)] {
        (0..<k).compactMap { j in
            let r = indices[q * k + j]
            return r < 0 ? nil : (Int(r), distances[q * k + j])
        }
    }
}
