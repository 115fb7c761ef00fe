import Foundation
import OrreryCore

/// The gradient of KL(P‖Q) for t-SNE (one degree of freedom), computed in parallel with every
/// reduction order-fixed: points are split into chunks whose boundaries depend only on n, each
/// chunk's partial sums are kept apart and combined in chunk order, so the result is bit-identical
/// whatever the number of threads.
///
/// ∂C/∂y_i = 4 [ α Σ_j p_ij w_ij (y_i − y_j) − (1/Z) Σ_j w_ij² (y_i − y_j) ], w_ij = 1/(1 + ‖y_i − y_j‖²),
/// Z = Σ_{k≠l} w_kl, α the exaggeration.
struct TSNEGradient<V: SIMD>: Sendable where V: Sendable, V.Scalar == Double {
    enum Repulsion: Sendable, Equatable {
        /// Every pair: O(n²) per evaluation.
        case exact
        /// Barnes-Hut with angle θ: O(n log n) per evaluation.
        case barnesHut(theta: Double)
        /// Interpolation on an equispaced grid and FFT convolution (2-D only): O(n + B² log B).
        case fft
    }

    let affinities: TSNEAffinities
    let repulsion: Repulsion
    /// `.fft`: grid boxes per unit of layout width in wide layouts (see `TSNEInterpolation.grid`).
    var boxesPerUnit = 1.0
    /// Points per chunk (fixed, so the reduction order does not depend on the machine).
    let chunkSize = 128
    /// Σ p log p, precomputed for the divergence.
    let negativeEntropy: Double
    /// P's values in single precision for the attraction: the gradient streams P once per
    /// iteration and is bound by memory; at 4 bytes an entry instead of 8, and four entries to a
    /// vector (`attraction2D`), the pass took 8.9 CPU s instead of 11.3 over 1000 iterations of 50k
    /// GloVe words. The relative rounding, 6e-8, is far below the interpolation's error.
    let singleValues: [Float]

    init(affinities: TSNEAffinities, repulsion: Repulsion) {
        self.affinities = affinities
        self.repulsion = repulsion
        negativeEntropy = affinities.negativeEntropy
        singleValues = affinities.values.map(Float.init)
    }

    /// Row i's attraction Σ_j p_ij w_ij (y_i − y_j) and Σ_j p_ij log(1 + d²_ij) (when `divergence`)
    /// in 2-D, four entries at a time in vector lanes (one division instruction for four), the
    /// remainder one by one; the order is fixed by the row alone.
    @inline(__always)
    static func attraction2D(row i: Int, points ys: UnsafePointer<SIMD2<Double>>, starts: UnsafePointer<Int>,
                             columns cols: UnsafePointer<Int32>, values vals: UnsafePointer<Float>,
                             divergence: Bool) -> (force: SIMD2<Double>, kl: Double) {
        let yi = ys[i]
        var fx = SIMD4<Double>.zero, fy = SIMD4<Double>.zero, kl4 = SIMD4<Double>.zero
        var e = starts[i]
        let end = starts[i + 1]
        while e + 4 <= end {
            let a = ys[Int(cols[e])], b = ys[Int(cols[e + 1])], c = ys[Int(cols[e + 2])], d = ys[Int(cols[e + 3])]
            let dx = yi.x - SIMD4(a.x, b.x, c.x, d.x), dy = yi.y - SIMD4(a.y, b.y, c.y, d.y)
            let q = dx * dx + dy * dy
            let p = SIMD4<Double>(UnsafeRawPointer(vals + e).loadUnaligned(as: SIMD4<Float>.self))
            let pw = p / (1 + q)
            fx += pw * dx
            fy += pw * dy
            if divergence { kl4 += p * SIMD4(log1p(q[0]), log1p(q[1]), log1p(q[2]), log1p(q[3])) }
            e += 4
        }
        var f = SIMD2(fx.sum(), fy.sum()), kl = kl4.sum()
        while e < end {
            let diff = yi - ys[Int(cols[e])]
            let d2 = (diff * diff).sum()
            let p = Double(vals[e])
            f += (p / (1 + d2)) * diff
            if divergence { kl += p * log1p(d2) }
            e += 1
        }
        return (f, kl)
    }

    /// Writes the gradient at `y` into `gradient`; returns KL(P‖Q) (with the unexaggerated P) when
    /// `divergence` is true — exact for `.exact`, with the Barnes-Hut or interpolated Z otherwise.
    ///
    /// - Complexity: O(nnz(P) + n²) for `.exact`, O(nnz(P) + n log n) for `.barnesHut`,
    ///   O(nnz(P) + n + B² log B) for `.fft` (B grid boxes a side).
    ///   - workspace: the FFT method's buffers, reused across calls (an optimisation run passes one;
    ///     nil makes a fresh one).
    func evaluate(_ y: [V], exaggeration: Double, gradient: inout [V], divergence: Bool,
                  workspace: TSNEInterpolation.Workspace? = nil) -> Double? {
        let n = y.count
        precondition(gradient.count == n && affinities.count == n)
        let chunks = (n + chunkSize - 1) / chunkSize
        var zParts = [Double](repeating: 0, count: chunks)
        var klParts = [Double](repeating: 0, count: chunks)
        var repulsive = [V](repeating: .zero, count: n)
        let chunkSize = self.chunkSize

        // Repulsion (and Z).
        y.withUnsafeBufferPointer { yb in
            repulsive.withUnsafeMutableBufferPointer { rb in
                zParts.withUnsafeMutableBufferPointer { zb in
                    guard let ya = yb.baseAddress, let ra = rb.baseAddress, let za = zb.baseAddress else { return }
                    let out = DisjointWrites(ra), zOut = DisjointWrites(za)
                    switch repulsion {
                    case .fft:
                        precondition(V.scalarCount == 2, "the FFT repulsion is 2-D only")
                        let xs = (0..<n).map { ya[$0][0] }, ysOnly = (0..<n).map { ya[$0][1] }
                        var force = [SIMD2<Double>](repeating: .zero, count: n)
                        let z = TSNEInterpolation.repulsion(x: xs, y: ysOnly, force: &force,
                                                            boxesPerUnit: boxesPerUnit, workspace: workspace ?? TSNEInterpolation.Workspace())
                        for i in 0..<n {
                            var v = V.zero
                            v[0] = force[i][0]
                            v[1] = force[i][1]
                            out[i] = v
                        }
                        zOut[0] = z
                    case .exact:
                        let ys = SharedReads(ya)
                        Parallel.forEachChunk(chunks) { range in
                            // Raw pointers: the boxes' subscripts are not inlined across modules in debug builds.
                            let ys = ys.base, out = out.base, zOut = zOut.base
                            for c in range {
                                var zc = 0.0
                                for i in (c * chunkSize)..<min(n, (c + 1) * chunkSize) {
                                    let yi = ys[i]
                                    var f = V.zero
                                    var zi = 0.0
                                    for j in 0..<n where j != i {
                                        let diff = yi - ys[j]
                                        let w = 1 / (1 + (diff * diff).sum())
                                        zi += w
                                        f += (w * w) * diff
                                    }
                                    out[i] = f
                                    zc += zi
                                }
                                zOut[c] = zc
                            }
                        }
                    case .barnesHut(let theta):
                        let tree = BarnesHutTree<V>(points: yb)
                        tree.nodes.withUnsafeBufferPointer { nb in
                            tree.positions.withUnsafeBufferPointer { pb in
                                tree.order.withUnsafeBufferPointer { ob in
                                    guard let na = nb.baseAddress, let pa = pb.baseAddress, let oa = ob.baseAddress
                                    else { return }
                                    let nodes = SharedReads(na), positions = SharedReads(pa), order = SharedReads(oa)
                                    let theta2 = theta * theta
                                    // Chunks of tree positions: neighbours in the tree walk similar paths.
                                    Parallel.forEachChunk(chunks) { range in
                                        let out = out.base, zOut = zOut.base, order = order.base
                                        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 512) { stack in
                                            guard let sa = stack.baseAddress else { return }
                                            for c in range {
                                                var zc = 0.0
                                                for t in (c * chunkSize)..<min(n, (c + 1) * chunkSize) {
                                                    let r = barnesHutRepulsion(nodes: nodes.base, positions: positions.base,
                                                                               treePosition: Int32(t), theta2: theta2,
                                                                               stack: sa)
                                                    out[Int(order[t])] = r.force
                                                    zc += r.z
                                                }
                                                zOut[c] = zc
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
        var z = 0.0
        for part in zParts { z += part }
        z = max(z, Double.leastNormalMagnitude)

        // Attraction over the sparse P, combined with the repulsion.
        let scaleRepulsion = 1 / z
        y.withUnsafeBufferPointer { yb in
            repulsive.withUnsafeBufferPointer { rb in
                gradient.withUnsafeMutableBufferPointer { gb in
                    klParts.withUnsafeMutableBufferPointer { kb in
                        affinities.rowStart.withUnsafeBufferPointer { sb in
                            affinities.columns.withUnsafeBufferPointer { cb in
                                singleValues.withUnsafeBufferPointer { vb in
                                    guard let ya = yb.baseAddress, let ra = rb.baseAddress, let ga = gb.baseAddress,
                                          let ka = kb.baseAddress, let sa = sb.baseAddress else { return }
                                    let ys = SharedReads(ya), rep = SharedReads(ra), out = DisjointWrites(ga)
                                    let klOut = DisjointWrites(ka), starts = SharedReads(sa)
                                    let cols = cb.baseAddress.map(SharedReads.init)
                                    let vals = vb.baseAddress.map(SharedReads.init)
                                    Parallel.forEachChunk(chunks) { range in
                                        let ys = ys.base, rep = rep.base, out = out.base, klOut = klOut.base
                                        let starts = starts.base, cols = cols?.base, vals = vals?.base
                                        for c in range {
                                            var klc = 0.0
                                            for i in (c * chunkSize)..<min(n, (c + 1) * chunkSize) {
                                                var f = V.zero
                                                if let cols, let vals {
                                                    if V.scalarCount == 2 {
                                                        let r = UnsafeRawPointer(ys).withMemoryRebound(to: SIMD2<Double>.self,
                                                                                                       capacity: n) {
                                                            Self.attraction2D(row: i, points: $0, starts: starts, columns: cols,
                                                                              values: vals, divergence: divergence)
                                                        }
                                                        f[0] = r.force.x
                                                        f[1] = r.force.y
                                                        klc += r.kl
                                                    } else {
                                                        let yi = ys[i]
                                                        for e in starts[i]..<starts[i + 1] {
                                                            let diff = yi - ys[Int(cols[e])]
                                                            let d2 = (diff * diff).sum()
                                                            let p = Double(vals[e])
                                                            f += (p / (1 + d2)) * diff
                                                            if divergence { klc += p * log1p(d2) }
                                                        }
                                                    }
                                                }
                                                out[i] = 4 * (exaggeration * f - scaleRepulsion * rep[i])
                                            }
                                            klOut[c] = klc
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard divergence else { return nil }
        // KL = Σ p log p − Σ p log(w/Z) = Σ p log p + Σ p log(1 + d²) + log Z (Σ p = 1).
        var kl = negativeEntropy
        for part in klParts { kl += part }
        let total = affinities.values.reduce(0, +)
        return kl + total * log(z)
    }
}
