import CKissFFT
import Foundation
import OrreryCore

/// The repulsive half of the 2-D t-SNE gradient by polynomial interpolation on an equispaced grid
/// and FFT convolution — the scheme of FIt-SNE (Linderman et al. 2019) and openTSNE:
///
/// - the square bounding box of the layout is cut into B × B boxes (B = max(50, ⌈width⌉) rounded up
///   to a product of 2, 3 and 5; see `grid(span:boxesPerUnit:)` for the box width), each with
///   p × p = 3 × 3 interpolation nodes at 1/6, 1/2, 5/6 of its sides, so all 3B × 3B nodes are
///   equispaced;
/// - every point spreads its charges 1, x, y (coordinates taken from the box's centre) to the
///   nodes of its box with Lagrange weights; the node potentials Σ K²(node − node′)·charge(node′),
///   K(d) = 1/(1 + d²), and Σ K(node − node′) for Z, are circular convolutions on the zero-padded
///   6B × 6B grid (KissFFT, single precision). Real inputs travel two to a complex transform and
///   are told apart by Hermitian symmetry, so the two kernels and the four charge/kernel pairs
///   take five complex transforms;
/// - the potentials are interpolated back to the points with the same weights.
///
/// The 2-D transforms are done by rows (KissFFT's 1-D transform, rows in parallel) with a tiled
/// transpose between, skipping the zero rows of the padding on the way in and the unneeded rows
/// on the way out.
///
/// From φ₁ = Σ K², φ₂ = Σ K² x, φ₃ = Σ K² y and φ₀ = Σ K at a point:
/// Σ_j K² (y_i − y_j) = y_i φ₁ − (φ₂, φ₃) and Σ_{j≠i} K = φ₀ − 1. (Z is not taken from
/// K²(1 + d²) = K with an |y|² charge, as FIt-SNE does in double precision: that difference of
/// large terms loses too much in single precision.)
///
/// Deterministic: charges are spread in point order, each row transform and each spectrum cell is
/// computed on its own (rows in parallel), the points' interpolation runs in parallel but each
/// point's result is its own, and Z is summed in fixed chunks in order. The kernel's transform and
/// the grids live in a `Workspace` reused across iterations.
///
/// (The 3 real charges and 4 real potentials take 2 + 2 complex transforms here; a real-to-complex
/// layout would take 1.5 + 2, not worth KissFFT's serial `kiss_fftndr` for the difference.)
enum TSNEInterpolation {
    static let nodesPerBox = 3
    static let minimumBoxes = 50

    /// Smallest m ≥ x whose prime factors are 2, 3 and 5 (fast KissFFT sizes).
    static func smooth(_ x: Int) -> Int {
        var m = max(1, x)
        while true {
            var r = m
            for p in [2, 3, 5] { while r % p == 0 { r /= p } }
            if r == 1 { return m }
            m += 1
        }
    }

    /// Lagrange weights of the three nodes at (k + ½)/3 for a position u ∈ [0, 1] in the box.
    @inline(__always)
    static func weights(_ u: Double) -> SIMD3<Double> {
        let t0 = 1.0 / 6, t1 = 0.5, t2 = 5.0 / 6
        // Denominators: (t0−t1)(t0−t2) = 2/9, (t1−t0)(t1−t2) = −1/9, (t2−t0)(t2−t1) = 2/9.
        let a = u - t0, b = u - t1, c = u - t2
        return SIMD3(b * c * 4.5, a * c * -9, a * b * 4.5)
    }

    /// A 2-D transform of the size × size row-major grid `a` into `b`, by rows: the 1-D transforms of
    /// rows 0..<firstRows of `a` (the others are zero — the padding), a transpose, then the 1-D
    /// transforms of rows 0..<lastRows (only those are needed after an inverse). The result in `b`
    /// is transposed (b[column·size + row]); applied to a transposed input it comes out upright.
    /// Rows run in parallel, each on its own, so the result does not depend on the thread count.
    /// `a` is overwritten.
    ///
    /// - Complexity: O((firstRows + lastRows) · size log size).
    static func transform2D(_ a: inout [kiss_fft_cpx], _ b: inout [kiss_fft_cpx], plan: kiss_fft_cfg, size: Int,
                            firstRows: Int, lastRows: Int) {
        a.withUnsafeMutableBufferPointer { ab in
            b.withUnsafeMutableBufferPointer { bb in
                guard let aa = ab.baseAddress, let ba = bb.baseAddress else { return }
                let src = DisjointWrites(aa), dst = DisjointWrites(ba)
                let plan = SharedPlan(plan)
                func rows(_ count: Int, from: DisjointWrites<kiss_fft_cpx>, to: DisjointWrites<kiss_fft_cpx>) {
                    Parallel.forEachChunk(count, minimumChunk: 16) { range in
                        for r in range { kiss_fft(plan.plan, from.base + r * size, to.base + r * size) }
                    }
                }
                rows(firstRows, from: src, to: dst)
                if firstRows < size {
                    (dst.base + firstRows * size).update(repeating: kiss_fft_cpx(r: 0, i: 0), count: (size - firstRows) * size)
                }
                // Transpose dst → src in 32 × 32 tiles, destination rows split across cores.
                let tile = 32
                let tiles = (size + tile - 1) / tile
                Parallel.forEachChunk(tiles) { range in
                    for ti in range {
                        for tj in 0..<tiles {
                            for r in (ti * tile)..<min(size, (ti + 1) * tile) {
                                for c in (tj * tile)..<min(size, (tj + 1) * tile) {
                                    src.base[r * size + c] = dst.base[c * size + r]
                                }
                            }
                        }
                    }
                }
                rows(lastRows, from: src, to: dst)
            }
        }
    }

    /// KissFFT's plan, read-only during out-of-place transforms, shared across the row workers.
    struct SharedPlan: @unchecked Sendable {
        let plan: kiss_fft_cfg
        init(_ plan: kiss_fft_cfg) { self.plan = plan }
    }

    /// The grid for a layout `span` wide: the number of boxes a side and their width.
    ///
    /// B = max(50, ⌈span · boxesPerUnit⌉) rounded up to a product of 2, 3 and 5, and the B boxes
    /// span the layout exactly, as FIt-SNE and openTSNE. (Two variants that would let `Workspace`
    /// reuse the kernel's transform across iterations were measured on 10,000 GloVe words, 1000
    /// iterations, and rejected: boxes exactly 1 wide, the grid up to 8 % wider than the layout,
    /// gave exact KL 2.515; the grid's cover rounded up by at most 0.54 % gave KL 2.499; against
    /// 2.444 with the exact cover, FIt-SNE 2.451, openTSNE 2.423. The transform is still reused
    /// when a layout repeats its span.)
    static func grid(span: Double, boxesPerUnit: Double) -> (boxes: Int, width: Double) {
        let span = max(span, 1e-12)
        let boxes = smooth(max(minimumBoxes, Int((span * boxesPerUnit).rounded(.up))))
        return (boxes, span / Double(boxes))
    }

    /// Buffers and plans kept from one evaluation to the next (an optimisation run makes one), so
    /// the grids are not allocated every iteration and the kernel's transform is recomputed only
    /// when the grid's size or spacing changes. Reusing it changes no result: everything is
    /// recomputed from the grid's key.
    final class Workspace {
        private(set) var size = 0
        var forward: kiss_fft_cfg?
        var inverse: kiss_fft_cfg?
        /// Charges (1, x) and (y, 1), then the potentials.
        var gridA: [kiss_fft_cpx] = []
        var gridB: [kiss_fft_cpx] = []
        var scratch: [kiss_fft_cpx] = []
        var spectrum: [kiss_fft_cpx] = []
        /// Transforms of K² and K, scaled by 1 / cells, for `kernelKey`.
        var squared: [Float] = []
        var plain: [Float] = []
        var kernelKey: (size: Int, spacing: UInt64)?
        /// Kernel transforms computed (for tests and profiles).
        private(set) var kernelTransforms = 0
        var box: [Int32] = []
        var wx: [SIMD3<Double>] = []
        var wy: [SIMD3<Double>] = []

        init() {}

        deinit { releasePlans() }

        private func releasePlans() {
            if let forward { free(UnsafeMutableRawPointer(forward)) }
            if let inverse { free(UnsafeMutableRawPointer(inverse)) }
            forward = nil
            inverse = nil
        }

        /// Plans and grids for a size × size transform.
        func prepare(size: Int, points: Int) {
            if box.count != 2 * points {
                box = [Int32](repeating: 0, count: 2 * points)
                wx = [SIMD3<Double>](repeating: .zero, count: points)
                wy = wx
            }
            guard size != self.size else { return }
            releasePlans()
            guard let f = kiss_fft_alloc(Int32(size), 0, nil, nil), let i = kiss_fft_alloc(Int32(size), 1, nil, nil)
            else { preconditionFailure("KissFFT could not allocate a plan of \(size)") }
            forward = f
            inverse = i
            let cells = size * size
            gridA = [kiss_fft_cpx](repeating: kiss_fft_cpx(r: 0, i: 0), count: cells)
            gridB = gridA
            scratch = gridA
            spectrum = gridA
            squared = [Float](repeating: 0, count: cells)
            plain = squared
            kernelKey = nil
            self.size = size
        }

        /// Makes `squared` and `plain` the kernels' transforms for node spacing `spacing`, unless
        /// they already are.
        func kernel(spacing: Double) {
            let key = (size: size, spacing: spacing.bitPattern)
            if let kernelKey, kernelKey == key { return }
            guard let forward else { preconditionFailure("Workspace.kernel before prepare") }
            let size = self.size, m = size / 2, cells = size * size
            kernelTransforms += 1
            // K² (real part) and K (imaginary part) on node offsets, circularly embedded; rows in
            // parallel, each cell on its own.
            spectrum.withUnsafeMutableBufferPointer { kb in
                guard let k = kb.baseAddress else { return }
                let out = DisjointWrites(k)
                Parallel.forEachChunk(size, minimumChunk: 16) { rows in
                    for ix in rows {
                        let dx = ix < m ? ix : ix - size
                        for iy in 0..<size {
                            let dy = iy < m ? iy : iy - size
                            guard ix != m, iy != m else {
                                out[ix * size + iy] = kiss_fft_cpx(r: 0, i: 0)
                                continue
                            }
                            let d2 = spacing * spacing * Double(dx * dx + dy * dy)
                            let w = 1 / (1 + d2)
                            out[ix * size + iy] = kiss_fft_cpx(r: Float(w * w), i: Float(w))
                        }
                    }
                }
            }
            transform2D(&spectrum, &scratch, plan: forward, size: size, firstRows: size, lastRows: size)
            // Both kernels are real and even, so their transforms are real: K² = Re(C + C̄₋)/2,
            // K = Re((C − C̄₋)/2i). (Transposed layout, see `transform2D`; the mirror is the same.)
            let scale = 1 / Float(cells)
            scratch.withUnsafeBufferPointer { sb in
                squared.withUnsafeMutableBufferPointer { qb in
                    plain.withUnsafeMutableBufferPointer { pb in
                        guard let s = sb.baseAddress, let q = qb.baseAddress, let p = pb.baseAddress else { return }
                        let src = SharedReads(s), squared = DisjointWrites(q), plain = DisjointWrites(p)
                        Parallel.forEachChunk(size, minimumChunk: 16) { rows in
                            for kx in rows {
                                let mx = kx == 0 ? 0 : size - kx
                                for ky in 0..<size {
                                    let c = kx * size + ky, mc = mx * size + (ky == 0 ? 0 : size - ky)
                                    squared[c] = (src[c].r + src[mc].r) / 2 * scale
                                    plain[c] = (src[c].i + src[mc].i) / 2 * scale
                                }
                            }
                        }
                    }
                }
            }
            kernelKey = key
        }
    }

    /// Repulsive forces Σ_j K²(y_i − y_j) (into `force`, 2 values per point) and Σ_{i≠j} K, with a
    /// fresh workspace.
    static func repulsion(x: [Double], y: [Double], force: inout [SIMD2<Double>], boxesPerUnit: Double = 1) -> Double {
        let workspace = Workspace()
        return repulsion(x: x, y: y, force: &force, boxesPerUnit: boxesPerUnit, workspace: workspace)
    }

    /// Repulsive forces Σ_j K²(y_i − y_j) (into `force`, 2 values per point) and Σ_{i≠j} K.
    ///
    /// - Complexity: O(n) for spreading and interpolation plus O(B² log B) for the transforms,
    ///   B = max(50, layout width); O(n + B²) memory, kept in `workspace`.
    ///   `boxesPerUnit` (1, as FIt-SNE's and openTSNE's default) sets the box width in wide layouts;
    ///   the interpolation error falls as the cube of the width.
    static func repulsion(x: [Double], y: [Double], force: inout [SIMD2<Double>], boxesPerUnit: Double = 1,
                          workspace ws: Workspace) -> Double {
        let n = x.count
        guard n > 1 else {
            for i in 0..<n { force[i] = .zero }
            return 0
        }
        var lo = Double.infinity, hi = -Double.infinity
        for i in 0..<n {
            lo = min(lo, x[i], y[i])
            hi = max(hi, x[i], y[i])
        }
        let (boxes, width) = grid(span: hi - lo, boxesPerUnit: boxesPerUnit)
        let m = boxes * nodesPerBox, size = 2 * m
        let spacing = width / Double(nodesPerBox)
        ws.prepare(size: size, points: n)
        ws.kernel(spacing: spacing)
        guard let forward = ws.forward, let inverse = ws.inverse else { return 0 }

        // Each point's box and weights.
        for i in 0..<n {
            let bx = min(boxes - 1, Int((x[i] - lo) / width)), by = min(boxes - 1, Int((y[i] - lo) / width))
            ws.box[2 * i] = Int32(bx)
            ws.box[2 * i + 1] = Int32(by)
            ws.wx[i] = weights((x[i] - lo) / width - Double(bx))
            ws.wy[i] = weights((y[i] - lo) / width - Double(by))
        }

        // Charges on the padded grid: transform A carries (1, x), transform B carries (y, 1). Only
        // the first m rows are read by the forward transform; they are cleared here.
        let centre = (lo + hi) / 2
        ws.gridA.withUnsafeMutableBufferPointer { ab in
            ws.gridB.withUnsafeMutableBufferPointer { bb in
                guard let ga = ab.baseAddress, let gb = bb.baseAddress else { return }
                ga.update(repeating: kiss_fft_cpx(r: 0, i: 0), count: m * size)
                gb.update(repeating: kiss_fft_cpx(r: 0, i: 0), count: m * size)
                for i in 0..<n {
                    let bx = Int(ws.box[2 * i]) * nodesPerBox, by = Int(ws.box[2 * i + 1]) * nodesPerBox
                    let xi = x[i] - centre, yi = y[i] - centre
                    let wxi = ws.wx[i], wyi = ws.wy[i]
                    for a in 0..<3 {
                        for b in 0..<3 {
                            let w = wxi[a] * wyi[b]
                            let cell = (bx + a) * size + (by + b)
                            ga[cell].r += Float(w)
                            ga[cell].i += Float(w * xi)
                            gb[cell].r += Float(w * yi)
                            gb[cell].i += Float(w)
                        }
                    }
                }
            }
        }
        // A: both parts convolve with K².
        transform2D(&ws.gridA, &ws.scratch, plan: forward, size: size, firstRows: m, lastRows: size)
        ws.scratch.withUnsafeMutableBufferPointer { sb in
            ws.squared.withUnsafeBufferPointer { qb in
                guard let s = sb.baseAddress, let q = qb.baseAddress else { return }
                let out = DisjointWrites(s), squared = SharedReads(q)
                Parallel.forEachChunk(size, minimumChunk: 16) { rows in
                    for c in (rows.lowerBound * size)..<(rows.upperBound * size) {
                        let k = squared[c]
                        out[c] = kiss_fft_cpx(r: out[c].r * k, i: out[c].i * k)
                    }
                }
            }
        }
        transform2D(&ws.scratch, &ws.gridA, plan: inverse, size: size, firstRows: size, lastRows: m)
        // B: y with K², 1 with K — R = ((K² + K)/2)·C + ((K² − K)/2)·C̄₋.
        transform2D(&ws.gridB, &ws.scratch, plan: forward, size: size, firstRows: m, lastRows: size)
        ws.scratch.withUnsafeBufferPointer { sb in
            ws.spectrum.withUnsafeMutableBufferPointer { pb in
                ws.squared.withUnsafeBufferPointer { qb in
                    ws.plain.withUnsafeBufferPointer { kb in
                        guard let s = sb.baseAddress, let p = pb.baseAddress, let q = qb.baseAddress,
                              let k = kb.baseAddress else { return }
                        let src = SharedReads(s), out = DisjointWrites(p), squared = SharedReads(q), plain = SharedReads(k)
                        Parallel.forEachChunk(size, minimumChunk: 16) { rows in
                            for kx in rows {
                                let mx = kx == 0 ? 0 : size - kx
                                for ky in 0..<size {
                                    let c = kx * size + ky
                                    let a = src[c], b = src[mx * size + (ky == 0 ? 0 : size - ky)]
                                    let sum = (squared[c] + plain[c]) / 2, diff = (squared[c] - plain[c]) / 2
                                    out[c] = kiss_fft_cpx(r: sum * a.r + diff * b.r, i: sum * a.i - diff * b.i)
                                }
                            }
                        }
                    }
                }
            }
        }
        transform2D(&ws.spectrum, &ws.gridB, plan: inverse, size: size, firstRows: size, lastRows: m)

        // Interpolate back, force and Z per point; Z summed in fixed chunks.
        let chunk = 1024
        let chunks = (n + chunk - 1) / chunk
        var zParts = [Double](repeating: 0, count: chunks)
        ws.gridA.withUnsafeBufferPointer { ab in
            ws.gridB.withUnsafeBufferPointer { bb in
                force.withUnsafeMutableBufferPointer { fb in
                    zParts.withUnsafeMutableBufferPointer { zb in
                        ws.box.withUnsafeBufferPointer { boxb in
                            ws.wx.withUnsafeBufferPointer { wxb in
                                ws.wy.withUnsafeBufferPointer { wyb in
                                    x.withUnsafeBufferPointer { xb in
                                        y.withUnsafeBufferPointer { yb in
                                            guard let aa = ab.baseAddress, let ba = bb.baseAddress,
                                                  let fa = fb.baseAddress, let za = zb.baseAddress,
                                                  let boxa = boxb.baseAddress, let wxa = wxb.baseAddress,
                                                  let wya = wyb.baseAddress, let xa = xb.baseAddress,
                                                  let ya = yb.baseAddress else { return }
                                            let gA = SharedReads(aa), gB = SharedReads(ba), out = DisjointWrites(fa)
                                            let zOut = DisjointWrites(za), boxes = SharedReads(boxa)
                                            let wxs = SharedReads(wxa), wys = SharedReads(wya)
                                            let xs = SharedReads(xa), ys = SharedReads(ya)
                                            Parallel.forEachChunk(chunks) { range in
                                                let gA = gA.base, gB = gB.base, out = out.base, zOut = zOut.base
                                                let boxes = boxes.base, wxs = wxs.base, wys = wys.base
                                                let xs = xs.base, ys = ys.base
                                                for c in range {
                                                    var zc = 0.0
                                                    for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                                                        let bx = Int(boxes[2 * i]) * 3, by = Int(boxes[2 * i + 1]) * 3
                                                        var p1 = 0.0, p2 = 0.0, p3 = 0.0, p4 = 0.0
                                                        for a in 0..<3 {
                                                            for b in 0..<3 {
                                                                let w = wxs[i][a] * wys[i][b]
                                                                let cell = (bx + a) * size + (by + b)
                                                                p1 += w * Double(gA[cell].r)
                                                                p2 += w * Double(gA[cell].i)
                                                                p3 += w * Double(gB[cell].r)
                                                                p4 += w * Double(gB[cell].i)
                                                            }
                                                        }
                                                        let xi = xs[i] - centre, yi = ys[i] - centre
                                                        out[i] = SIMD2(xi * p1 - p2, yi * p1 - p3)
                                                        zc += p4 - 1
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
        }
        var z = 0.0
        for part in zParts { z += part }
        return z
    }
}
