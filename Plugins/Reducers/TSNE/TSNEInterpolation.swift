import CKissFFT
import Foundation
import OrreryCore

/// The repulsive half of the 2-D t-SNE gradient by polynomial interpolation on an equispaced grid
/// and FFT convolution — the scheme of FIt-SNE (Linderman et al. 2019) and openTSNE:
///
/// - the square bounding box of the layout is cut into B × B boxes (B = max(50, ⌈width⌉) rounded up
///   to a product of 2, 3 and 5; see `grid(span:boxesPerUnit:)` for the box width), each with
///   p × p = 3 × 3 interpolation nodes at 1/6, 1/2, 5/6 of its sides, so all m × m nodes (m = 3B)
///   are equispaced;
/// - every point spreads its charges 1, x, y (coordinates taken from the box's centre) to the
///   nodes of its box with Lagrange weights; the node potentials Σ K²(node − node′)·charge(node′),
///   K(d) = 1/(1 + d²), are circular convolutions on the zero-padded 2m × 2m grid (KissFFT, single
///   precision);
/// - the potentials are interpolated back to the points with the same weights.
///
/// From φ₁ = Σ K², φ₂ = Σ K² x, φ₃ = Σ K² y at a point: Σ_j K² (y_i − y_j) = y_i φ₁ − (φ₂, φ₃).
/// Z = Σ_{i≠j} K needs no potential of its own: the interpolated Σ_i φ₀(y_i), φ₀ = Σ K, equals
/// Σ_nodes q₁ · (K ∗ q₁), which Parseval's identity gives from the spectrum of the charge 1 and K's
/// (then Z = that − n, the self terms). (Z is not taken from K²(1 + d²) = K with an |y|² charge,
/// as FIt-SNE does in double precision: that difference of large terms loses too much in single
/// precision.)
///
/// The transforms use what is known of the inputs: the charges are real (a field's rows travel
/// two to a complex transform and only half the spectrum is kept, `realForward`), three quarters
/// of the padded grid are zero on the way in and unneeded on the way out, and the kernels are real
/// and even (`Workspace.kernel`). Per evaluation: ≈ 1.5 m row transforms of length 2m a field each
/// way, 3 fields, and 2(m + 1) for the kernel when the grid changed — 11 m, against 32 m for
/// four plain complex 2-D transforms each way.
///
/// Deterministic: the charges of a box column go to its own three node rows, so columns are spread
/// in parallel with every cell summing its points in point order; each row transform and each
/// spectrum cell is computed on its own; the points' interpolation runs in parallel but each
/// point's result is its own; sums (Z) are taken per row and combined in order. The kernel's
/// transform and the grids live in a `Workspace` reused across iterations.
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
        /// The charges 1, x, y, then their potentials K² ∗ 1, K² ∗ x, K² ∗ y: three real fields of
        /// m rows of `size` (m = size / 2), one after another.
        var fields: [Float] = []
        /// Half spectra, m + 1 rows of `size`: the real field's and the kernel's work space.
        var halfA: [kiss_fft_cpx] = []
        var halfB: [kiss_fft_cpx] = []
        /// Transforms of K² and K (real: both kernels are real and even), scaled by 1 / cells, for
        /// `kernelKey`: rows ky = 0...m of `size` values over kx, the half that `realForward` keeps
        /// (the other rows mirror these).
        var squared: [Float] = []
        var plain: [Float] = []
        var kernelKey: (size: Int, spacing: UInt64)?
        /// Kernel transforms computed (for tests and profiles).
        private(set) var kernelTransforms = 0
        var box: [Int32] = []
        var wx: [SIMD3<Double>] = []
        var wy: [SIMD3<Double>] = []
        /// The points by box column (bx), in point order within one (`repulsion` keeps where each
        /// column starts).
        var byColumn: [Int32] = []

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
                byColumn = [Int32](repeating: 0, count: points)
            }
            guard size != self.size else { return }
            releasePlans()
            guard let f = kiss_fft_alloc(Int32(size), 0, nil, nil), let i = kiss_fft_alloc(Int32(size), 1, nil, nil)
            else { preconditionFailure("KissFFT could not allocate a plan of \(size)") }
            forward = f
            inverse = i
            let m = size / 2
            fields = [Float](repeating: 0, count: 3 * m * size)
            halfA = [kiss_fft_cpx](repeating: kiss_fft_cpx(r: 0, i: 0), count: (m + 1) * size)
            halfB = halfA
            squared = [Float](repeating: 0, count: (m + 1) * size)
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
                            TSNEInterpolation.forEachWithScratch(m + 1, size: size, minimumChunk: 16) { ky, column, spectrum in
                                for ix in 0..<size {
                                    column[ix] = rowsOut.base[(ix <= m ? ix : size - ix) * size + ky]
                                }
                                kiss_fft(plan.plan, column, spectrum)
                                for kx in 0..<size {
                                    squared[ky * size + kx] = spectrum[kx].r * scale
                                    plain[ky * size + kx] = spectrum[kx].i * scale
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
        forEachWithScratch(pairs, size: size) { p, row, transformed in
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
        forEachWithScratch(pairs, size: size) { p, row, transformed in
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

    /// `body(i, input, output)` for i = 0..<count, in parallel; each worker has two rows of `size`
    /// values of scratch (a transform's input and output), so every i is computed on its own.
    static func forEachWithScratch(_ count: Int, size: Int, minimumChunk: Int = 8,
                                   _ body: @Sendable (Int, UnsafeMutablePointer<kiss_fft_cpx>,
                                                      UnsafeMutablePointer<kiss_fft_cpx>) -> Void) {
        Parallel.forEachChunk(count, minimumChunk: minimumChunk) { range in
            withUnsafeTemporaryAllocation(of: kiss_fft_cpx.self, capacity: 2 * size) { buffer in
                guard let input = buffer.baseAddress else { return }
                for i in range { body(i, input, input + size) }
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

        // Each point's box and weights, in parallel, each point on its own.
        let centre = (lo + hi) / 2, origin = lo
        ws.box.withUnsafeMutableBufferPointer { boxb in
            ws.wx.withUnsafeMutableBufferPointer { wxb in
                ws.wy.withUnsafeMutableBufferPointer { wyb in
                    x.withUnsafeBufferPointer { xb in
                        y.withUnsafeBufferPointer { yb in
                            guard let boxa = boxb.baseAddress, let wxa = wxb.baseAddress, let wya = wyb.baseAddress,
                                  let xa = xb.baseAddress, let ya = yb.baseAddress else { return }
                            let box = DisjointWrites(boxa), wx = DisjointWrites(wxa), wy = DisjointWrites(wya)
                            let xs = SharedReads(xa), ys = SharedReads(ya)
                            Parallel.forEachChunk(n, minimumChunk: 4096) { range in
                                for i in range {
                                    let u = (xs[i] - origin) / width, v = (ys[i] - origin) / width
                                    let bx = min(boxes - 1, Int(u)), by = min(boxes - 1, Int(v))
                                    box[2 * i] = Int32(bx)
                                    box[2 * i + 1] = Int32(by)
                                    wx[i] = weights(u - Double(bx))
                                    wy[i] = weights(v - Double(by))
                                }
                            }
                        }
                    }
                }
            }
        }
        // The points by box column, in point order (a stable counting sort).
        var columnStart = [Int](repeating: 0, count: boxes + 1)
        ws.box.withUnsafeBufferPointer { box in
            ws.byColumn.withUnsafeMutableBufferPointer { order in
                for i in 0..<n { columnStart[Int(box[2 * i]) + 1] += 1 }
                for b in 0..<boxes { columnStart[b + 1] += columnStart[b] }
                var next = columnStart
                for i in 0..<n {
                    let b = Int(box[2 * i])
                    order[next[b]] = Int32(i)
                    next[b] += 1
                }
            }
        }

        // Charges on the padded grid. Only the first m rows are read by the forward transforms; they
        // are cleared here. A box column's points touch its three node rows only, so columns spread
        // in parallel, and each cell still sums its points in point order: the result does not
        // depend on the thread count.
        let field = m * size
        ws.fields.withUnsafeMutableBufferPointer { fb in
            ws.box.withUnsafeBufferPointer { boxb in
                ws.wx.withUnsafeBufferPointer { wxb in
                    ws.wy.withUnsafeBufferPointer { wyb in
                        ws.byColumn.withUnsafeBufferPointer { ob in
                            columnStart.withUnsafeBufferPointer { sb in
                                x.withUnsafeBufferPointer { xb in
                                    y.withUnsafeBufferPointer { yb in
                                        guard let fa = fb.baseAddress, let boxa = boxb.baseAddress,
                                              let wxa = wxb.baseAddress, let wya = wyb.baseAddress,
                                              let oa = ob.baseAddress, let sa = sb.baseAddress,
                                              let xa = xb.baseAddress, let ya = yb.baseAddress else { return }
                                        let fields = DisjointWrites(fa)
                                        let box = SharedReads(boxa), wxs = SharedReads(wxa), wys = SharedReads(wya)
                                        let order = SharedReads(oa), starts = SharedReads(sa)
                                        let xs = SharedReads(xa), ys = SharedReads(ya)
                                        Parallel.forEachChunk(boxes, minimumChunk: 4) { columns in
                                            let one = fields.base, gx = one + field, gy = gx + field
                                            let first = columns.lowerBound * nodesPerBox * size
                                            let cells = columns.count * nodesPerBox * size
                                            for g in [one, gx, gy] { (g + first).update(repeating: 0, count: cells) }
                                            for t in starts[columns.lowerBound]..<starts[columns.upperBound] {
                                                let i = Int(order[t])
                                                let bx = Int(box[2 * i]) * nodesPerBox
                                                let by = Int(box[2 * i + 1]) * nodesPerBox
                                                let xi = xs[i] - centre, yi = ys[i] - centre
                                                let wxi = wxs[i], wyi = wys[i]
                                                for a in 0..<3 {
                                                    for b in 0..<3 {
                                                        let w = wxi[a] * wyi[b]
                                                        let cell = (bx + a) * size + (by + b)
                                                        one[cell] += Float(w)
                                                        gx[cell] += Float(w * xi)
                                                        gy[cell] += Float(w * yi)
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

        // Each field: forward, × K̂², back, in place. Z from the charge 1's spectrum first, by
        // Parseval: Σ_nodes q₁ · (K ∗ q₁) = (1 / cells) Σ_f K̂(f) |Q̂₁(f)|² over the whole plane —
        // the stored half (ky = 0...m) counts twice except its rows 0 and m, their own mirrors.
        var zRows = [Double](repeating: 0, count: m + 1)
        ws.fields.withUnsafeMutableBufferPointer { fb in
            ws.halfA.withUnsafeMutableBufferPointer { ab in
                ws.halfB.withUnsafeMutableBufferPointer { bb in
                    ws.squared.withUnsafeBufferPointer { qb in
                        ws.plain.withUnsafeBufferPointer { kb in
                            zRows.withUnsafeMutableBufferPointer { zb in
                                guard let f = fb.baseAddress, let a = ab.baseAddress, let b = bb.baseAddress,
                                      let q = qb.baseAddress, let k = kb.baseAddress, let za = zb.baseAddress
                                else { return }
                                let half = DisjointWrites(a), spectrum = DisjointWrites(b)
                                let squared = SharedReads(q), plain = SharedReads(k), zOut = DisjointWrites(za)
                                for g in 0..<3 {
                                    let charge = f + g * field
                                    realForward(SharedReads(charge), size: size, plan: SharedPlan(forward), half: half,
                                                spectrum: spectrum)
                                    if g == 0 {
                                        Parallel.forEachChunk(m + 1, minimumChunk: 16) { rows in
                                            for ky in rows {
                                                var sum = 0.0
                                                for c in (ky * size)..<((ky + 1) * size) {
                                                    let s = spectrum[c]
                                                    sum += Double(plain[c]) * (Double(s.r) * Double(s.r) + Double(s.i) * Double(s.i))
                                                }
                                                zOut[ky] = ky == 0 || ky == m ? sum : 2 * sum
                                            }
                                        }
                                    }
                                    Parallel.forEachChunk(m + 1, minimumChunk: 16) { rows in
                                        for c in (rows.lowerBound * size)..<(rows.upperBound * size) {
                                            let k = squared[c]
                                            spectrum[c] = kiss_fft_cpx(r: spectrum[c].r * k, i: spectrum[c].i * k)
                                        }
                                    }
                                    realInverse(SharedReads(spectrum.base), size: size, plan: SharedPlan(inverse),
                                                half: half, field: DisjointWrites(charge))
                                }
                            }
                        }
                    }
                }
            }
        }

        // Interpolate back, force per point.
        ws.fields.withUnsafeBufferPointer { ab in
            force.withUnsafeMutableBufferPointer { fb in
                ws.box.withUnsafeBufferPointer { boxb in
                    ws.wx.withUnsafeBufferPointer { wxb in
                        ws.wy.withUnsafeBufferPointer { wyb in
                            x.withUnsafeBufferPointer { xb in
                                y.withUnsafeBufferPointer { yb in
                                    guard let aa = ab.baseAddress,
                                          let fa = fb.baseAddress, let boxa = boxb.baseAddress,
                                          let wxa = wxb.baseAddress, let wya = wyb.baseAddress,
                                          let xa = xb.baseAddress, let ya = yb.baseAddress else { return }
                                    let potentials = SharedReads(aa), out = DisjointWrites(fa)
                                    let boxes = SharedReads(boxa)
                                    let wxs = SharedReads(wxa), wys = SharedReads(wya)
                                    let xs = SharedReads(xa), ys = SharedReads(ya)
                                    Parallel.forEachChunk(n, minimumChunk: 1024) { range in
                                        let g1 = potentials.base, gx = g1 + field, gy = gx + field, out = out.base
                                        let boxes = boxes.base, wxs = wxs.base, wys = wys.base
                                        let xs = xs.base, ys = ys.base
                                        for i in range {
                                            let bx = Int(boxes[2 * i]) * 3, by = Int(boxes[2 * i + 1]) * 3
                                            var p1 = 0.0, p2 = 0.0, p3 = 0.0
                                            for a in 0..<3 {
                                                for b in 0..<3 {
                                                    let w = wxs[i][a] * wys[i][b]
                                                    let cell = (bx + a) * size + (by + b)
                                                    p1 += w * Double(g1[cell])
                                                    p2 += w * Double(gx[cell])
                                                    p3 += w * Double(gy[cell])
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
        var z = 0.0
        for part in zRows { z += part }
        return z - Double(n)
    }
}
