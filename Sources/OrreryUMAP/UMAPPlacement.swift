import Foundation
import OrreryCore

/// New points placed into a fixed layout (umap-learn's `transform`): exact neighbours among the
/// reference points, membership weights with ρ = 0 (umap-learn's `local_connectivity − 1`), a start at
/// the weight-normalised mean of the neighbours' layout positions, then SGD that moves only the new
/// points (attraction to their neighbours, negative samples from the layout).
public enum UMAPPlacement {
    public struct Configuration: Sendable {
        public var neighbors: Int = 15
        public var measure: DistanceMeasure = .cosine
        public var curve: UMAPCurve = UMAPCurve(a: 1.577, b: 0.895)
        /// nil: 100 up to 10,000 new points, 30 above (umap-learn's transform).
        public var epochs: Int? = nil
        /// umap-learn's transform runs at a quarter of fit's learning rate.
        public var learningRate: Double = 0.25
        public var negativeSampleRate: Int = 5
        public var seed: UInt64 = 0

        public init(neighbors: Int = 15, measure: DistanceMeasure = .cosine, curve: UMAPCurve, seed: UInt64 = 0) {
            self.neighbors = neighbors
            self.measure = measure
            self.curve = curve
            self.seed = seed
        }

        public func epochs(for m: Int) -> Int { epochs ?? (m <= 10_000 ? 100 : 30) }
    }

    /// m × dims positions for the rows of `points` in `layout` (N × dims, the positions of the N rows
    /// of `reference`).
    ///
    /// - Complexity: O(m·N·d) for the neighbours, O(epochs·m·k·(1 + negative-sample-rate)) for SGD.
    public static func place(_ points: Matrix, reference: Matrix, layout: Matrix, _ c: Configuration,
                             observe: (Int) throws -> Void = { _ in }) throws -> Matrix {
        let m = points.rows, count = reference.rows, dims = layout.columns
        precondition(layout.rows == count && reference.columns == points.columns, "reference and layout disagree")
        guard m > 0 else { return Matrix(rows: 0, columns: dims) }
        let k = min(c.neighbors, count)
        guard let knn = NearestNeighborSearch.search(points: reference, queries: points, k: k, measure: c.measure,
                                                     excludeSelf: false) else { throw CancellationError() }
        let bw = UMAPGraph.bandwidths(distances: knn.distances, k: k, connectivity: 0)
        let epochs = c.epochs(for: m)
        // Rows 0..<m: the new points; rows m..<m+N: the layout (no edges, never moved).
        var rowStart = [Int](repeating: 0, count: m + count + 1)
        var columns: [Int32] = []
        var values: [Float] = []
        var start = [Float](repeating: 0, count: m * dims)
        for i in 0..<m {
            var weights: [(Int32, Float)] = []
            for s in 0..<k {
                let j = knn.indices[i * k + s]
                guard j >= 0 else { continue }
                weights.append((j, UMAPGraph.membership(knn.distances[i * k + s], rho: bw.rho[i], sigma: bw.sigma[i])))
            }
            let total = weights.reduce(Float(0)) { $0 + $1.1 }
            for (j, w) in weights where total > 0 {
                for d in 0..<dims { start[i * dims + d] += w / total * layout[Int(j), d] }
            }
            weights.sort { $0.0 < $1.0 }
            for (j, w) in weights {
                columns.append(Int32(m) + j)
                values.append(w)
            }
            rowStart[i + 1] = columns.count
        }
        for r in (m + 1)...(m + count) { rowStart[r] = columns.count }
        let graph = UMAPGraph(count: m + count, rowStart: rowStart, columns: columns, values: values)
        if dims == 2 {
            return try optimise(SIMD2<Float>.self, graph: graph, start: start, layout: layout, epochs: epochs, c,
                                observe: observe)
        }
        return try optimise(SIMD3<Float>.self, graph: graph, start: start, layout: layout, epochs: epochs, c,
                            observe: observe)
    }

    static func optimise<V: SIMD>(_: V.Type, graph: UMAPGraph, start: [Float], layout: Matrix, epochs: Int,
                                  _ c: Configuration, observe: (Int) throws -> Void) throws -> Matrix
        where V: Sendable, V.Scalar == Float {
        let dims = layout.columns, m = start.count / dims, count = layout.rows
        var y = [V](repeating: .zero, count: m + count)
        for i in 0..<m { for d in 0..<dims { y[i][d] = start[i * dims + d] } }
        for j in 0..<count { for d in 0..<dims { y[m + j][d] = layout[j, d] } }
        if epochs > 0 {
            let optimizer = UMAPOptimizer<V>(graph: graph, curve: c.curve, epochs: epochs, learningRate: c.learningRate,
                                             negativeSampleRate: c.negativeSampleRate, repulsionStrength: 1,
                                             seed: c.seed, attraction: 1)
            try optimizer.optimise(&y, movable: m, negatives: m..<(m + count), observe: observe)
        }
        var out = Matrix(rows: m, columns: dims)
        for i in 0..<m { for d in 0..<dims { out[i, d] = y[i][d] } }
        return out
    }
}
