import Foundation
import OrreryCore

/// UMAP's stochastic gradient descent with negative sampling (umap-learn's
/// `optimize_layout_euclidean`): each edge is sampled every `max(w) / w` epochs; each sample pulls its
/// head towards its tail with −2ab·d^(2(b−1)) / (1 + a·d^(2b)) and pushes it from `negative-sample-rate`
/// random points with 2γb / ((0.001 + d²)(1 + a·d^(2b))); every gradient component is clipped to ±4;
/// the step size falls linearly from `learning-rate` to 0.
///
/// Deterministic whatever the thread count, unlike umap-learn's Hogwild loop: within an epoch every
/// point moves only itself, in its own edge order, against a snapshot of the others taken at the
/// start of the epoch; its negative samples come from a counter-based stream keyed by
/// (seed, epoch, point). So the points of an epoch are independent and run in parallel. Each
/// undirected edge is stored in both directions and each direction pulls its own head, which is
/// the pull umap-learn gives both ends when it samples the edge from each side; the attraction is
/// therefore applied twice per sample (`move_other` moves the tail too in umap-learn).
public struct UMAPOptimizer<V: SIMD>: Sendable where V: Sendable, V.Scalar == Float {
    let graph: UMAPGraph
    let curve: UMAPCurve
    let epochs: Int
    let learningRate: Float
    let negativeSampleRate: Int
    let repulsionStrength: Float
    let seed: UInt64
    /// Per stored edge: epochs between samples (−1: never, pruned).
    let epochsPerSample: [Double]
    /// Pulls per attractive sample: 2 for a fit (see above), 1 when placing points into a fixed layout
    /// (umap-learn's transform: each edge once, `move_other` off).
    let attraction: Float

    /// - Parameters:
    ///   - graph: the fuzzy graph; edges below max(w)/epochs are never sampled, as in umap-learn.
    public init(graph: UMAPGraph, curve: UMAPCurve, epochs: Int, learningRate: Double, negativeSampleRate: Int,
                repulsionStrength: Double, seed: UInt64, attraction: Double = 2) {
        self.attraction = Float(attraction)
        self.graph = graph
        self.curve = curve
        self.epochs = epochs
        self.learningRate = Float(learningRate)
        self.negativeSampleRate = negativeSampleRate
        self.repulsionStrength = Float(repulsionStrength)
        self.seed = seed
        let top = Double(graph.values.max() ?? 0)
        let floor = top / Double(max(1, epochs))
        epochsPerSample = graph.values.map { w in
            let w = Double(w)
            return w > 0 && w >= floor ? top / w : -1
        }
    }

    /// SplitMix64's finaliser.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Runs every epoch on `y` (n points), calling `observe(epoch)` before each (throw to stop).
    /// `movable` limits the moving points to `0..<movable` (the rest are fixed, for placement);
    /// negative samples are drawn uniformly from `negatives` (default: every point).
    ///
    /// - Complexity: O(epochs · n) plus O(Σ_e epochs·w_e/max(w) · (1 + negative-sample-rate)) samples.
    public func optimise(_ y: inout [V], movable: Int? = nil, negatives pool: Range<Int>? = nil,
                         observe: (Int) throws -> Void) rethrows {
        let n = y.count
        let moving = movable ?? n
        let pool = pool ?? 0..<n
        let poolStart = pool.lowerBound, poolCount = UInt64(pool.count)
        precondition(graph.count >= moving, "graph smaller than the moving points")
        let a = Float(curve.a), b = Float(curve.b)
        let gamma = repulsionStrength
        let rate = Double(negativeSampleRate)
        var nextSample = epochsPerSample
        var nextNegative = epochsPerSample.map { $0 > 0 ? $0 / rate : -1 }
        var snapshot = y
        let chunk = 512
        let chunks = (moving + chunk - 1) / chunk
        let negatives = negativeSampleRate
        let seed = self.seed
        for epoch in 0..<epochs {
            try observe(epoch)
            let alpha = learningRate * (1 - Float(epoch) / Float(epochs))
            let now = Double(epoch)
            snapshot.withUnsafeMutableBufferPointer { sb in
                for i in 0..<n { sb[i] = y[i] }
            }
            y.withUnsafeMutableBufferPointer { yb in
                snapshot.withUnsafeBufferPointer { sb in
                    nextSample.withUnsafeMutableBufferPointer { nsb in
                        nextNegative.withUnsafeMutableBufferPointer { nnb in
                            epochsPerSample.withUnsafeBufferPointer { eb in
                                graph.rowStart.withUnsafeBufferPointer { rb in
                                    graph.columns.withUnsafeBufferPointer { cb in
                                        guard let ya = yb.baseAddress, let sa = sb.baseAddress,
                                              let rs = rb.baseAddress else { return }
                                        guard let nsa = nsb.baseAddress, let nna = nnb.baseAddress,
                                              let ea = eb.baseAddress, let ca = cb.baseAddress else { return }
                                        let out = DisjointWrites(ya), old = SharedReads(sa)
                                        let next = DisjointWrites(nsa), nextNeg = DisjointWrites(nna)
                                        let per = SharedReads(ea), starts = SharedReads(rs), cols = SharedReads(ca)
                                        Parallel.forEachChunk(chunks) { range in
                                            let out = out.base, old = old.base, next = next.base
                                            let nextNeg = nextNeg.base, per = per.base, starts = starts.base
                                            let cols = cols.base
                                            for c in range {
                                                for i in (c * chunk)..<min(moving, (c + 1) * chunk) {
                                                    var state = Self.mix(seed ^ Self.mix(UInt64(epoch) &+ 0x632B_E59B_D9B4_E019))
                                                        &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15
                                                    var yi = old[i]
                                                    for e in starts[i]..<starts[i + 1] {
                                                        let period = per[e]
                                                        guard period > 0, next[e] <= now else { continue }
                                                        let yj = old[Int(cols[e])]
                                                        let diff = yi - yj
                                                        let d2 = (diff * diff).sum()
                                                        if d2 > 0 {
                                                            let pb1 = exp((b - 1) * log(d2))  // d²^(b−1)
                                                            let coeff = -2 * a * b * pb1 / (a * pb1 * d2 + 1)
                                                            let g = clip(coeff * diff)
                                                            yi += (attraction * alpha) * g
                                                        }
                                                        next[e] += period
                                                        let negPeriod = period / rate
                                                        let count = Int((now - nextNeg[e]) / negPeriod)
                                                        if negatives > 0, poolCount > 0 {
                                                            for _ in 0..<max(0, count) {
                                                                state &+= 0x9E37_79B9_7F4A_7C15
                                                                let r = Self.mix(state)
                                                                let k = poolStart + Int(r.multipliedFullWidth(by: poolCount).high)
                                                                guard k != i else { continue }
                                                                let diff = yi - old[k]
                                                                let d2 = (diff * diff).sum()
                                                                guard d2 > 0 else { continue }
                                                                let pb = exp(b * log(d2))
                                                                let coeff = 2 * gamma * b / ((0.001 + d2) * (a * pb + 1))
                                                                yi += alpha * clip(coeff * diff)
                                                            }
                                                        }
                                                        nextNeg[e] += Double(max(0, count)) * negPeriod
                                                    }
                                                    out[i] = yi
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    func clip(_ v: V) -> V { pointwiseMin(pointwiseMax(v, V(repeating: -4)), V(repeating: 4)) }
}
