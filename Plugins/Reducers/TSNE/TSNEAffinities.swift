import Foundation
import OrreryCore

/// The input affinities P of t-SNE: a symmetric sparse matrix in compressed sparse row form.
///
/// Each point's conditional distribution p(j|i) is a Gaussian over its k nearest neighbours whose
/// bandwidth is found by binary search so that its perplexity (2 to the entropy in bits) equals the
/// requested one; P = (C + Cᵀ) / 2n, so the entries sum to 1 (scikit-learn's `_joint_probabilities_nn`).
public struct TSNEAffinities: Sendable, Equatable {
    /// Number of points.
    public let count: Int
    /// Row i's entries are `columns[rowStart[i]..<rowStart[i + 1]]`, ascending.
    public let rowStart: [Int]
    public let columns: [Int32]
    public let values: [Double]

    public init(count: Int, rowStart: [Int], columns: [Int32], values: [Double]) {
        precondition(rowStart.count == count + 1 && columns.count == values.count && rowStart.last == columns.count,
                     "malformed sparse affinities")
        self.count = count
        self.rowStart = rowStart
        self.columns = columns
        self.values = values
    }

    /// Number of stored entries.
    public var entryCount: Int { values.count }

    /// Σ p log p over the stored entries (the constant part of KL(P‖Q)).
    public var negativeEntropy: Double {
        values.reduce(0) { $1 > 0 ? $0 + $1 * log($1) : $0 }
    }

    /// P from exact nearest neighbours.
    ///
    /// - Parameters:
    ///   - points: n × d.
    ///   - perplexity: the effective number of neighbours; `k = min(n − 1, ⌈3·perplexity⌉)`.
    ///   - measure: `.cosine` (1 − cos, the Projector's choice) or `.euclidean` (squared distances,
    ///     as scikit-learn and openTSNE use).
    ///   - shouldContinue: polled after each block of the neighbour search; false stops with nil.
    /// - Complexity: O(n²·d) time for the exact neighbour search (blocked SGEMM), O(n·k·log k) for
    ///   the rest; O(n·k) memory.
    public static func compute(points: Matrix, perplexity: Double, measure: DistanceMeasure,
                               shouldContinue: () -> Bool = { true }) -> TSNEAffinities? {
        compute(points: points, perplexity: perplexity, measure: measure, knnMethod: .exact, seed: 0,
                shouldContinue: shouldContinue)?.affinities
    }

    /// P from exact or approximate nearest neighbours (`NearestNeighborSearch.graph`), with the
    /// search's report (the method it ran and, for approximate lists, the recall measured on a
    /// seeded sample).
    ///
    /// - Parameters:
    ///   - knnMethod: `.exact`, `.approximate` (NN-descent) or `.auto` (approximate from
    ///     `NearestNeighborSearch.autoApproximateFrom(k:)` points).
    ///   - seed: the seed of NN-descent (unused by exact search).
    /// - Complexity: exact O(n²·d); approximate about O(n·k²·d); then O(n·k·log k); O(n·k) memory.
    public static func compute(points: Matrix, perplexity: Double, measure: DistanceMeasure, knnMethod: KNNMethod,
                               seed: UInt64, shouldContinue: () -> Bool = { true })
        -> (affinities: TSNEAffinities, knn: NearestNeighborSearch.GraphReport)? {
        let n = points.rows
        let k = min(n - 1, Int((3 * perplexity).rounded(.up)))
        guard n > 1, k >= 1 else {
            return (TSNEAffinities(count: n, rowStart: [Int](repeating: 0, count: n + 1), columns: [], values: []),
                    NearestNeighborSearch.GraphReport(method: .exact, recall: nil, note: nil, iterations: 0))
        }
        guard let (knn, report) = NearestNeighborSearch.graph(of: points, k: k, measure: measure, method: knnMethod,
                                                              seed: seed, progress: { _, _ in shouldContinue() })
        else { return nil }
        // Distances the Gaussian is over: 1 − cos for cosine (= ‖x̂ − ŷ‖²/2), squared for Euclidean.
        let squared = measure.kernel == .squaredEuclidean
        let conditional = conditionalProbabilities(knn: knn, n: n, perplexity: perplexity, squareDistances: squared)
        return (symmetrise(neighbors: knn.indices, conditional: conditional, n: n, k: k), report)
    }

    /// p(j|i) for each of the k neighbours of each point, bandwidth by binary search on β = 1/2σ²
    /// (100 steps at most, tolerance 1e-5 on the entropy in nats, as scikit-learn).
    ///
    /// - Complexity: O(n·k·steps).
    static func conditionalProbabilities(knn: NearestNeighborSearch.Result, n: Int, perplexity: Double,
                                         squareDistances: Bool) -> [Double] {
        let k = knn.k
        var out = [Double](repeating: 0, count: n * k)
        let target = log(perplexity)
        knn.distances.withUnsafeBufferPointer { db in
            knn.indices.withUnsafeBufferPointer { ib in
                out.withUnsafeMutableBufferPointer { ob in
                    guard let da = db.baseAddress, let ia = ib.baseAddress, let oa = ob.baseAddress else { return }
                    let dist = SharedReads(da), idx = SharedReads(ia), o = DisjointWrites(oa)
                    Parallel.forEachChunk(n, minimumChunk: 64) { range in
                        let dist = dist.base, idx = idx.base, o = o.base
                        var d = [Double](repeating: 0, count: k)
                        var p = [Double](repeating: 0, count: k)
                        for i in range {
                            var valid = 0
                            for j in 0..<k where idx[i * k + j] >= 0 {
                                let x = Double(dist[i * k + j])
                                d[valid] = squareDistances ? x * x : x
                                valid += 1
                            }
                            guard valid > 0 else { continue }
                            // Shifting by the smallest distance changes neither p nor the entropy.
                            var lo = Double.infinity
                            for j in 0..<valid { lo = min(lo, d[j]) }
                            for j in 0..<valid { d[j] -= lo }
                            var beta = 1.0, betaMin = -Double.infinity, betaMax = Double.infinity
                            for _ in 0..<100 {
                                var sum = 0.0
                                for j in 0..<valid {
                                    p[j] = exp(-d[j] * beta)
                                    sum += p[j]
                                }
                                sum = max(sum, 1e-300)
                                var weighted = 0.0
                                for j in 0..<valid {
                                    p[j] /= sum
                                    weighted += d[j] * p[j]
                                }
                                let entropy = log(sum) + beta * weighted
                                let diff = entropy - target
                                if abs(diff) <= 1e-5 { break }
                                if diff > 0 {
                                    betaMin = beta
                                    beta = betaMax == .infinity ? beta * 2 : (beta + betaMax) / 2
                                } else {
                                    betaMax = beta
                                    beta = betaMin == -.infinity ? beta / 2 : (beta + betaMin) / 2
                                }
                            }
                            var slot = 0
                            for j in 0..<k where idx[i * k + j] >= 0 {
                                o[i * k + j] = p[slot]
                                slot += 1
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// (C + Cᵀ) / Σ, merged row by row into CSR with ascending columns.
    ///
    /// - Complexity: O(n·k·log k) time, O(n·k) memory.
    static func symmetrise(neighbors: [Int32], conditional: [Double], n: Int, k: Int) -> TSNEAffinities {
        // Cᵀ by counting sort: for each column j, the rows i that list j (ascending i).
        var inStart = [Int](repeating: 0, count: n + 1)
        for e in neighbors where e >= 0 { inStart[Int(e) + 1] += 1 }
        for i in 0..<n { inStart[i + 1] += inStart[i] }
        var inRows = [Int32](repeating: 0, count: inStart[n])
        var inValues = [Double](repeating: 0, count: inStart[n])
        var fill = inStart
        for i in 0..<n {
            for s in 0..<k {
                let j = neighbors[i * k + s]
                guard j >= 0 else { continue }
                inRows[fill[Int(j)]] = Int32(i)
                inValues[fill[Int(j)]] = conditional[i * k + s]
                fill[Int(j)] += 1
            }
        }
        // Merge each row's own (sorted) list with its incoming list.
        var rowStart = [Int](repeating: 0, count: n + 1)
        var columns: [Int32] = []
        var values: [Double] = []
        columns.reserveCapacity(2 * n * k)
        values.reserveCapacity(2 * n * k)
        var own: [(Int32, Double)] = []
        own.reserveCapacity(k)
        for i in 0..<n {
            own.removeAll(keepingCapacity: true)
            for s in 0..<k where neighbors[i * k + s] >= 0 {
                own.append((neighbors[i * k + s], conditional[i * k + s]))
            }
            own.sort { $0.0 < $1.0 }
            var a = 0, b = inStart[i]
            let bEnd = inStart[i + 1]
            while a < own.count || b < bEnd {
                if b == bEnd || (a < own.count && own[a].0 < inRows[b]) {
                    columns.append(own[a].0)
                    values.append(own[a].1)
                    a += 1
                } else if a == own.count || inRows[b] < own[a].0 {
                    columns.append(inRows[b])
                    values.append(inValues[b])
                    b += 1
                } else {
                    columns.append(own[a].0)
                    values.append(own[a].1 + inValues[b])
                    a += 1
                    b += 1
                }
            }
            rowStart[i + 1] = columns.count
        }
        let total = values.reduce(0, +)
        if total > 0 {
            let scale = 1 / total
            for e in values.indices { values[e] = max(values[e] * scale, Double.leastNormalMagnitude) }
        }
        return TSNEAffinities(count: n, rowStart: rowStart, columns: columns, values: values)
    }
}
