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

    init(affinities: TSNEAffinities, repulsion: Repulsion) {
        self.affinities = affinities
        self.repulsion = repulsion
        negativeEntropy = affinities.negativeEntropy
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
                                affinities.values.withUnsafeBufferPointer { vb in
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
                                                let yi = ys[i]
                                                var f = V.zero
                                                if let cols, let vals {
                                                    for e in starts[i]..<starts[i + 1] {
                                                        let diff = yi - ys[Int(cols[e])]
                                                        let d2 = (diff * diff).sum()
                                                        let w = 1 / (1 + d2)
                                                        f += (vals[e] * w) * diff
                                                        if divergence { klc += vals[e] * log1p(d2) }
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
