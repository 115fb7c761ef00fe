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
        /// Charges (1, x) as one complex grid, then their potentials (K² ∗ 1, K² ∗ x); size × size.
        var gridA: [kiss_fft_cpx] = []
        var scratch: [kiss_fft_cpx] = []
        /// The charge y and its potential K² ∗ y, real: m rows of `size` (m = size / 2).
        var chargeY: [Float] = []
        var potentialY: [Float] = []
        /// Half spectra, m + 1 rows of `size`: the real field's and the kernel's work space.
        var halfA: [kiss_fft_cpx] = []
        var halfB: [kiss_fft_cpx] = []
        /// Transforms of K² and K (real: both kernels are real and even), scaled by 1 / cells, for
        /// `kernelKey`; size × size, symmetric.
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
            let cells = size * size, m = size / 2
            gridA = [kiss_fft_cpx](repeating: kiss_fft_cpx(r: 0, i: 0), count: cells)
            scratch = gridA
            chargeY = [Float](repeating: 0, count: m * size)
            potentialY = chargeY
            halfA = [kiss_fft_cpx](repeating: kiss_fft_cpx(r: 0, i: 0), count: (m + 1) * size)
            halfB = halfA
            squared = [Float](repeating: 0, count: cells)
            plain = squared
            kernelKey = nil
            self.size = size
        }

        /// Makes `squared` and `plain` the kernels' transforms for node spacing `spacing`, unless
        /// they already are.
        ///
        /// K² (real part) and K (imaginary part) on node offsets, circularly embedded, travel in one
        /// complex transform. Both are even in each offset, so row size − ix equals row ix and, after
        /// the row transforms, column size − ky equals column ky: m + 1 row transforms and m + 1
        /// column transforms make the whole spectrum, and as the transform of a real even sequence
        /// is real, K²'s comes out in the real parts and K's in the imaginary ones.
        func kernel(spacing: Double) {
            let key = (size: size, spacing: spacing.bitPattern)
            if let kernelKey, kernelKey == key { return }
            guard let forward else { preconditionFailure("Workspace.kernel before prepare") }
            let size = self.size, m = size / 2
            kernelTransforms += 1
            let plan = SharedPlan(forward)
            let scale = 1 / Float(size * size)
            halfA.withUnsafeMutableBufferPointer { ab in
                halfB.withUnsafeMutableBufferPointer { bb in
                    squared.withUnsafeMutableBufferPointer { qb in
                        plain.withUnsafeMutableBufferPointer { pb in
                            guard let a = ab.baseAddress, let b = bb.baseAddress, let q = qb.baseAddress,
                                  let p = pb.baseAddress else { return }
                            let rowsIn = DisjointWrites(a), rowsOut = DisjointWrites(b)
                            let squared = DisjointWrites(q), plain = DisjointWrites(p)
                            Parallel.forEachChunk(m + 1, minimumChunk: 16) { range in
                                for ix in range {
                                    let row = rowsIn.base + ix * size
                                    for iy in 0..<size {
                                        let dy = iy < m ? iy : iy - size
                                        guard ix != m, iy != m else {
                                            row[iy] = kiss_fft_cpx(r: 0, i: 0)
                                            continue
                                        }
                                        let w = 1 / (1 + spacing * spacing * Double(ix * ix + dy * dy))
                                        row[iy] = kiss_fft_cpx(r: Float(w * w), i: Float(w))
                                    }
                                    kiss_fft(plan.plan, row, rowsOut.base + ix * size)
                                }
                            }
                            Parallel.forEachChunk(m + 1, minimumChunk: 16) { range in
                                withUnsafeTemporaryAllocation(of: kiss_fft_cpx.self, capacity: 2 * size) { buffer in
                                    guard let column = buffer.baseAddress else { return }
                                    let spectrum = column + size
                                    for ky in range {
                                        for ix in 0..<size {
                                            column[ix] = rowsOut.base[(ix <= m ? ix : size - ix) * size + ky]
                                        }
                                        kiss_fft(plan.plan, column, spectrum)
                                        for kx in 0..<size {
                                            squared[ky * size + kx] = spectrum[kx].r * scale
                                            plain[ky * size + kx] = spectrum[kx].i * scale
                                        }
                                        guard ky != 0, ky != m else { continue }
                                        let mirror = (size - ky) * size
                                        (squared.base + mirror).update(from: squared.base + ky * size, count: size)
                                        (plain.base + mirror).update(from: plain.base + ky * size, count: size)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            kernelKey = key
        }
    }

    /// The half spectrum of a real field: `field` holds rows 0..<m (stride `size`, columns 0..<m)
    /// of a size × size grid that is zero elsewhere (size = 2m). On return `spectrum` row ky (for
    /// ky = 0...m) holds the transform at (kx, ky) for every kx; the other half is the conjugate
    /// mirror. Field rows travel two to a complex row transform (told apart by Hermitian symmetry),
    /// then the m + 1 columns are transformed: ≈ 1.5 m transforms, half a complex field's.
    /// `half` is overwritten. Rows and columns run in parallel, each on its own.
    static func realForward(_ field: SharedReads<Float>, size: Int, plan: SharedPlan,
                            half: DisjointWrites<kiss_fft_cpx>, spectrum: DisjointWrites<kiss_fft_cpx>) {
        let m = size / 2, pairs = (m + 1) / 2
        Parallel.forEachChunk(pairs, minimumChunk: 8) { range in
            withUnsafeTemporaryAllocation(of: kiss_fft_cpx.self, capacity: 2 * size) { buffer in
                guard let row = buffer.baseAddress else { return }
                let transformed = row + size
                for p in range {
                    let r0 = 2 * p, r1 = 2 * p + 1
                    for c in 0..<m {
                        row[c] = kiss_fft_cpx(r: field[r0 * size + c], i: r1 < m ? field[r1 * size + c] : 0)
                    }
                    (row + m).update(repeating: kiss_fft_cpx(r: 0, i: 0), count: size - m)
                    kiss_fft(plan.plan, row, transformed)
                    // X₀ = (Z[k] + conj Z[−k]) / 2, X₁ = (Z[k] − conj Z[−k]) / 2i; stored transposed.
                    for k in 0...m {
                        let a = transformed[k], b = transformed[k == 0 ? 0 : size - k]
                        half[k * size + r0] = kiss_fft_cpx(r: (a.r + b.r) / 2, i: (a.i - b.i) / 2)
                        if r1 < m { half[k * size + r1] = kiss_fft_cpx(r: (a.i + b.i) / 2, i: (b.r - a.r) / 2) }
                    }
                }
            }
        }
        Parallel.forEachChunk(m + 1, minimumChunk: 16) { range in
            for k in range {
                (half.base + k * size + m).update(repeating: kiss_fft_cpx(r: 0, i: 0), count: size - m)
                kiss_fft(plan.plan, half.base + k * size, spectrum.base + k * size)
            }
        }
    }

    /// The inverse of `realForward` (unscaled) for the rows 0..<m of the field: `spectrum` rows
    /// ky = 0...m as `realForward` leaves them, `field` rows 0..<m, columns 0..<m (stride `size`).
    /// The m + 1 columns are transformed back, then the rows two to a complex transform (a real row
    /// in the real part, the next in the imaginary). `half` is overwritten.
    static func realInverse(_ spectrum: SharedReads<kiss_fft_cpx>, size: Int, plan: SharedPlan,
                            half: DisjointWrites<kiss_fft_cpx>, field: DisjointWrites<Float>) {
        let m = size / 2, pairs = (m + 1) / 2
        Parallel.forEachChunk(m + 1, minimumChunk: 16) { range in
            for k in range { kiss_fft(plan.plan, spectrum.base + k * size, half.base + k * size) }
        }
        Parallel.forEachChunk(pairs, minimumChunk: 8) { range in
            withUnsafeTemporaryAllocation(of: kiss_fft_cpx.self, capacity: 2 * size) { buffer in
                guard let row = buffer.baseAddress else { return }
                let transformed = row + size
                for p in range {
                    // Row r1 = m (m odd) is padding: computed alongside, not kept.
                    let r0 = 2 * p, r1 = 2 * p + 1
                    for k in 0..<size {
                        let a: kiss_fft_cpx, b: kiss_fft_cpx
                        if k <= m {
                            a = half[k * size + r0]
                            b = half[k * size + r1]
                        } else {
                            let x = half[(size - k) * size + r0], y = half[(size - k) * size + r1]
                            a = kiss_fft_cpx(r: x.r, i: -x.i)
                            b = kiss_fft_cpx(r: y.r, i: -y.i)
                        }
                        row[k] = kiss_fft_cpx(r: a.r - b.i, i: a.i + b.r)
                    }
                    kiss_fft(plan.plan, row, transformed)
                    for c in 0..<m { field[r0 * size + c] = transformed[c].r }
                    if r1 < m { for c in 0..<m { field[r1 * size + c] = transformed[c].i } }
                }
            }
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

        // Charges on the padded grid: (1, x) in the complex grid A, y in the real grid. Only the
        // first m rows are read by the forward transforms; they are cleared here.
        let centre = (lo + hi) / 2
        ws.gridA.withUnsafeMutableBufferPointer { ab in
            ws.chargeY.withUnsafeMutableBufferPointer { yb in
                guard let ga = ab.baseAddress, let gy = yb.baseAddress else { return }
                ga.update(repeating: kiss_fft_cpx(r: 0, i: 0), count: m * size)
                gy.update(repeating: 0, count: m * size)
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
                            gy[cell] += Float(w * yi)
                        }
                    }
                }
            }
        }
        // A: both parts convolve with K². Z first, by Parseval: Σ_i φ₀(y_i) = Σ_nodes q₁ · (K ∗ q₁)
        // = (1 / cells) Σ_f K̂(f) |Q̂₁(f)|², Q̂₁ = (Â(f) + conj Â(−f)) / 2 the real part's transform —
        // the interpolated Σ K without a transform back. Row sums in fixed order.
        transform2D(&ws.gridA, &ws.scratch, plan: forward, size: size, firstRows: m, lastRows: size)
        var zRows = [Double](repeating: 0, count: size)
        ws.scratch.withUnsafeMutableBufferPointer { sb in
            ws.squared.withUnsafeBufferPointer { qb in
                ws.plain.withUnsafeBufferPointer { kb in
                    zRows.withUnsafeMutableBufferPointer { zb in
                        guard let s = sb.baseAddress, let q = qb.baseAddress, let k = kb.baseAddress,
                              let za = zb.baseAddress else { return }
                        let spectrum = DisjointWrites(s), squared = SharedReads(q), plain = SharedReads(k)
                        let zOut = DisjointWrites(za)
                        Parallel.forEachChunk(size, minimumChunk: 16) { rows in
                            for kx in rows {
                                let mx = kx == 0 ? 0 : size - kx
                                var sum = 0.0
                                for ky in 0..<size {
                                    let a = spectrum[kx * size + ky], b = spectrum[mx * size + (ky == 0 ? 0 : size - ky)]
                                    let re = Double(a.r + b.r) / 2, im = Double(a.i - b.i) / 2
                                    sum += Double(plain[kx * size + ky]) * (re * re + im * im)
                                }
                                zOut[kx] = sum
                            }
                        }
                        Parallel.forEachChunk(size, minimumChunk: 16) { rows in
                            for c in (rows.lowerBound * size)..<(rows.upperBound * size) {
                                let k = squared[c]
                                spectrum[c] = kiss_fft_cpx(r: spectrum[c].r * k, i: spectrum[c].i * k)
                            }
                        }
                    }
                }
            }
        }
        transform2D(&ws.scratch, &ws.gridA, plan: inverse, size: size, firstRows: size, lastRows: m)
        // y: a real field, half the transforms.
        ws.chargeY.withUnsafeBufferPointer { cb in
            ws.potentialY.withUnsafeMutableBufferPointer { pb in
                ws.halfA.withUnsafeMutableBufferPointer { ab in
                    ws.halfB.withUnsafeMutableBufferPointer { bb in
                        ws.squared.withUnsafeBufferPointer { qb in
                            guard let c = cb.baseAddress, let p = pb.baseAddress, let a = ab.baseAddress,
                                  let b = bb.baseAddress, let q = qb.baseAddress else { return }
                            let half = DisjointWrites(a), spectrum = DisjointWrites(b), squared = SharedReads(q)
                            realForward(SharedReads(c), size: size, plan: SharedPlan(forward), half: half, spectrum: spectrum)
                            Parallel.forEachChunk(m + 1, minimumChunk: 16) { rows in
                                for c in (rows.lowerBound * size)..<(rows.upperBound * size) {
                                    let k = squared[c]
                                    spectrum[c] = kiss_fft_cpx(r: spectrum[c].r * k, i: spectrum[c].i * k)
                                }
                            }
                            realInverse(SharedReads(b), size: size, plan: SharedPlan(inverse), half: half,
                                        field: DisjointWrites(p))
                        }
                    }
                }
            }
        }

        // Interpolate back, force per point.
        let chunk = 1024
        let chunks = (n + chunk - 1) / chunk
        ws.gridA.withUnsafeBufferPointer { ab in
            ws.potentialY.withUnsafeBufferPointer { pb in
                force.withUnsafeMutableBufferPointer { fb in
                    ws.box.withUnsafeBufferPointer { boxb in
                        ws.wx.withUnsafeBufferPointer { wxb in
                            ws.wy.withUnsafeBufferPointer { wyb in
                                x.withUnsafeBufferPointer { xb in
                                    y.withUnsafeBufferPointer { yb in
                                        guard let aa = ab.baseAddress, let pa = pb.baseAddress,
                                              let fa = fb.baseAddress, let boxa = boxb.baseAddress,
                                              let wxa = wxb.baseAddress, let wya = wyb.baseAddress,
                                              let xa = xb.baseAddress, let ya = yb.baseAddress else { return }
                                        let gA = SharedReads(aa), gY = SharedReads(pa), out = DisjointWrites(fa)
                                        let boxes = SharedReads(boxa)
                                        let wxs = SharedReads(wxa), wys = SharedReads(wya)
                                        let xs = SharedReads(xa), ys = SharedReads(ya)
                                        Parallel.forEachChunk(chunks) { range in
                                            let gA = gA.base, gY = gY.base, out = out.base
                                            let boxes = boxes.base, wxs = wxs.base, wys = wys.base
                                            let xs = xs.base, ys = ys.base
                                            for i in (range.lowerBound * chunk)..<min(n, range.upperBound * chunk) {
                                                let bx = Int(boxes[2 * i]) * 3, by = Int(boxes[2 * i + 1]) * 3
                                                var p1 = 0.0, p2 = 0.0, p3 = 0.0
                                                for a in 0..<3 {
                                                    for b in 0..<3 {
                                                        let w = wxs[i][a] * wys[i][b]
                                                        let cell = (bx + a) * size + (by + b)
                                                        p1 += w * Double(gA[cell].r)
                                                        p2 += w * Double(gA[cell].i)
                                                        p3 += w * Double(gY[cell])
                                                    }
                                                }
                                                let xi = xs[i] - centre, yi = ys[i] - centre
                                                out[i] = SIMD2(xi * p1 - p2, yi * p1 - p3)
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
        for part in zRows { z += part }
        return z - Double(n)
    }
}
