import Foundation
import OrreryCore

/// UMAP's fuzzy simplicial set: a symmetric sparse weight matrix in CSR form (ascending columns,
/// no diagonal), built from each point's k nearest neighbours (umap-learn's `fuzzy_simplicial_set`
/// with `local-connectivity` 1 and `set-op-mix-ratio` 1).
public struct UMAPGraph: Sendable, Equatable {
    public let count: Int
    public let rowStart: [Int]
    public let columns: [Int32]
    public let values: [Float]

    public init(count: Int, rowStart: [Int], columns: [Int32], values: [Float]) {
        precondition(rowStart.count == count + 1 && columns.count == values.count && rowStart.last == columns.count,
                     "malformed sparse graph")
        self.count = count
        self.rowStart = rowStart
        self.columns = columns
        self.values = values
    }

    /// ρ (distance to the nearest neighbour at a non-zero distance) and σ of every point.
    public struct Bandwidths: Sendable, Equatable {
        public var rho: [Float]
        public var sigma: [Float]
    }

    /// The k nearest neighbours of every point (itself excluded) — the one place the graph asks for
    /// neighbours, so choosing the search method is one argument here.
    ///
    /// - Complexity: that of `NearestNeighborSearch.search`, O(n²·d) exact.
    public static func nearestNeighbors(_ points: Matrix, k: Int, measure: DistanceMeasure,
                                        shouldContinue: () -> Bool = { true }) -> NearestNeighborSearch.Result? {
        NearestNeighborSearch.search(points: points, queries: points, queryRows: Array(0..<points.rows), k: k,
                                     measure: measure, onBlock: { _, _ in shouldContinue() })
    }

    /// ρ and σ for each row of `distances` (q × k, nearest first, NaN pads): σ is found by binary
    /// search (64 steps, tolerance 1e-5) so that Σ_j exp(−max(0, d_j − ρ)/σ) = log2(k + 1) — umap-learn's
    /// `n_neighbors` counts the point itself, which its sum skips — then floored at 1e-3 × the mean
    /// distance (the row's when ρ > 0, else the whole set's, both counting the point's own 0), as
    /// umap-learn's `smooth_knn_dist`.
    ///
    /// - Parameters:
    ///   - connectivity: umap-learn's `local_connectivity` (1 for `fit`, 0 when placing new points).
    /// - Complexity: O(q·k·64).
    public static func bandwidths(distances: [Float], k: Int, connectivity: Int = 1) -> Bandwidths {
        let q = k > 0 ? distances.count / k : 0
        var rho = [Float](repeating: 0, count: q)
        var sigma = [Float](repeating: 1, count: q)
        let target = log2(Double(k + 1))
        var total = 0.0, valid = 0
        for d in distances where d.isFinite {
            total += Double(d)
            valid += 1
        }
        let meanAll = valid > 0 ? total / Double(valid + q) : 0
        rho.withUnsafeMutableBufferPointer { rb in
            sigma.withUnsafeMutableBufferPointer { sb in
                distances.withUnsafeBufferPointer { db in
                    guard let ra = rb.baseAddress, let sa = sb.baseAddress, let da = db.baseAddress else { return }
                    let rOut = DisjointWrites(ra), sOut = DisjointWrites(sa), dist = SharedReads(da)
                    Parallel.forEachChunk(q, minimumChunk: 256) { range in
                        let dist = dist.base
                        for i in range {
                            var r = 0.0, count = 0, sum = 0.0, nonZero = 0
                            for j in 0..<k {
                                let d = Double(dist[i * k + j])
                                guard d.isFinite else { continue }
                                count += 1
                                sum += d
                                if d > 0 {
                                    nonZero += 1
                                    if nonZero == connectivity { r = d }
                                }
                            }
                            var lo = 0.0, hi = Double.infinity, mid = 1.0
                            for _ in 0..<64 {
                                var psum = 0.0
                                for j in 0..<k {
                                    let d = Double(dist[i * k + j])
                                    guard d.isFinite else { continue }
                                    let gap = d - r
                                    psum += gap > 0 ? exp(-gap / mid) : 1
                                }
                                if abs(psum - target) < 1e-5 { break }
                                if psum > target {
                                    hi = mid
                                    mid = (lo + hi) / 2
                                } else {
                                    lo = mid
                                    mid = hi == .infinity ? mid * 2 : (lo + hi) / 2
                                }
                            }
                            // umap-learn's mean includes the point's own zero distance.
                            let rowMean = count > 0 ? sum / Double(count + 1) : 0
                            mid = r > 0 ? max(mid, 1e-3 * rowMean) : max(mid, 1e-3 * meanAll)
                            rOut[i] = Float(r)
                            sOut[i] = Float(mid)
                        }
                    }
                }
            }
        }
        return Bandwidths(rho: rho, sigma: sigma)
    }

    /// The directed membership strength exp(−max(0, d − ρ)/σ) of each neighbour (1 when σ is 0).
    @inline(__always)
    public static func membership(_ d: Float, rho: Float, sigma: Float) -> Float {
        let gap = d - rho
        return gap <= 0 || sigma == 0 ? 1 : exp(-gap / sigma)
    }

    /// The fuzzy union A + Aᵀ − A∘Aᵀ of the directed kNN memberships.
    ///
    /// - Complexity: O(n·k·log k) time, O(n·k) memory.
    public static func fuzzyUnion(knn: NearestNeighborSearch.Result, n: Int) -> (UMAPGraph, Bandwidths) {
        let k = knn.k
        let bw = bandwidths(distances: knn.distances, k: k)
        var strength = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            for s in 0..<k where knn.indices[i * k + s] >= 0 && Int(knn.indices[i * k + s]) != i {
                strength[i * k + s] = membership(knn.distances[i * k + s], rho: bw.rho[i], sigma: bw.sigma[i])
            }
        }
        // Directed A as sorted (row, column, value) per row, then Aᵀ by counting sort.
        var own = [[(Int32, Float)]](repeating: [], count: n)
        var inStart = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            for s in 0..<k {
                let j = knn.indices[i * k + s]
                guard j >= 0, Int(j) != i, strength[i * k + s] > 0 else { continue }
                own[i].append((j, strength[i * k + s]))
                inStart[Int(j) + 1] += 1
            }
            own[i].sort { $0.0 < $1.0 }
        }
        for i in 0..<n { inStart[i + 1] += inStart[i] }
        var inRows = [Int32](repeating: 0, count: inStart[n])
        var inValues = [Float](repeating: 0, count: inStart[n])
        var fill = inStart
        for i in 0..<n {
            for (j, v) in own[i] {
                inRows[fill[Int(j)]] = Int32(i)
                inValues[fill[Int(j)]] = v
                fill[Int(j)] += 1
            }
        }
        var rowStart = [Int](repeating: 0, count: n + 1)
        var columns: [Int32] = []
        var values: [Float] = []
        columns.reserveCapacity(2 * n * k)
        values.reserveCapacity(2 * n * k)
        for i in 0..<n {
            let mine = own[i]
            var a = 0, b = inStart[i]
            let bEnd = inStart[i + 1]
            while a < mine.count || b < bEnd {
                if b == bEnd || (a < mine.count && mine[a].0 < inRows[b]) {
                    columns.append(mine[a].0)
                    values.append(mine[a].1)
                    a += 1
                } else if a == mine.count || inRows[b] < mine[a].0 {
                    columns.append(inRows[b])
                    values.append(inValues[b])
                    b += 1
                } else {
                    let x = mine[a].1, y = inValues[b]
                    columns.append(mine[a].0)
                    values.append(x + y - x * y)
                    a += 1
                    b += 1
                }
            }
            rowStart[i + 1] = columns.count
        }
        return (UMAPGraph(count: n, rowStart: rowStart, columns: columns, values: values), bw)
    }

    /// Number of connected components (union–find over the stored edges).
    ///
    /// - Complexity: O(nnz · α(n)).
    public func componentCount() -> Int {
        var parent = Array(0..<count)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        var components = count
        for i in 0..<count {
            for e in rowStart[i]..<rowStart[i + 1] {
                let a = find(i), b = find(Int(columns[e]))
                if a != b {
                    parent[max(a, b)] = min(a, b)
                    components -= 1
                }
            }
        }
        return components
    }
}
