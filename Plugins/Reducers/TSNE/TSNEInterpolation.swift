import CKissFFT
import Foundation
import OrreryCore

/// The repulsive half of the 2-D t-SNE gradient by polynomial interpolation on an equispaced grid
/// and FFT convolution — the scheme of FIt-SNE (Linderman et al. 2019) and openTSNE:
///
/// - the square bounding box of the layout is cut into B × B boxes (B = max(50, ⌈width⌉) rounded up
///   to a product of 2, 3 and 5), each with p × p = 3 × 3 interpolation nodes at 1/6, 1/2, 5/6 of
///   its sides, so all 3B × 3B nodes are equispaced;
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
/// Deterministic: charges are spread in point order, the transforms are serial, the points'
/// interpolation runs in parallel but each point's result is its own, and Z is summed in fixed
/// chunks in order.
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

    /// Repulsive forces Σ_j K²(y_i − y_j) (into `force`, 2 values per point) and Σ_{i≠j} K.
    ///
    /// - Complexity: O(n) for spreading and interpolation plus O(B² log B) for the transforms,
    ///   B = max(50, layout width); O(n + B²) memory.
    ///   `boxesPerUnit` (1, as FIt-SNE's and openTSNE's default) sets the box width in wide layouts;
    ///   the interpolation error falls as the cube of the width.
    static func repulsion(x: [Double], y: [Double], force: inout [SIMD2<Double>], boxesPerUnit: Double = 1) -> Double {
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
        let boxes = smooth(max(minimumBoxes, Int(((hi - lo) * boxesPerUnit).rounded(.up))))
        let width = max(hi - lo, 1e-12) / Double(boxes)
        let m = boxes * nodesPerBox, size = 2 * m
        let spacing = width / Double(nodesPerBox)

        // Each point's box and weights.
        var box = [Int32](repeating: 0, count: 2 * n)
        var wx = [SIMD3<Double>](repeating: .zero, count: n), wy = wx
        for i in 0..<n {
            let bx = min(boxes - 1, Int((x[i] - lo) / width)), by = min(boxes - 1, Int((y[i] - lo) / width))
            box[2 * i] = Int32(bx)
            box[2 * i + 1] = Int32(by)
            wx[i] = weights((x[i] - lo) / width - Double(bx))
            wy[i] = weights((y[i] - lo) / width - Double(by))
        }

        // Charges on the padded grid: transform A carries (1, x), transform B carries (y, 1).
        let cells = size * size
        let centre = (lo + hi) / 2
        var gridA = [kiss_fft_cpx](repeating: kiss_fft_cpx(r: 0, i: 0), count: cells)
        var gridB = gridA
        for i in 0..<n {
            let bx = Int(box[2 * i]) * nodesPerBox, by = Int(box[2 * i + 1]) * nodesPerBox
            let xi = x[i] - centre, yi = y[i] - centre
            for a in 0..<3 {
                for b in 0..<3 {
                    let w = wx[i][a] * wy[i][b]
                    let cell = (bx + a) * size + (by + b)
                    gridA[cell].r += Float(w)
                    gridA[cell].i += Float(w * xi)
                    gridB[cell].r += Float(w * yi)
                    gridB[cell].i += Float(w)
                }
            }
        }
        // The kernels K² (real part) and K (imaginary part) on node offsets, circularly embedded.
        var kernel = [kiss_fft_cpx](repeating: kiss_fft_cpx(r: 0, i: 0), count: cells)
        for dx in -(m - 1)...(m - 1) {
            let ix = (dx + size) % size
            for dy in -(m - 1)...(m - 1) {
                let d2 = spacing * spacing * Double(dx * dx + dy * dy)
                let k = 1 / (1 + d2)
                let cell = ix * size + (dy + size) % size
                kernel[cell].r = Float(k * k)
                kernel[cell].i = Float(k)
            }
        }
        guard let forward = kiss_fft_alloc(Int32(size), 0, nil, nil), let inverse = kiss_fft_alloc(Int32(size), 1, nil, nil)
        else { preconditionFailure("KissFFT could not allocate a plan of \(size)") }
        defer {
            free(UnsafeMutableRawPointer(forward))
            free(UnsafeMutableRawPointer(inverse))
        }
        @inline(__always) func mirror(_ c: Int) -> Int {
            let kx = c / size, ky = c % size
            return ((size - kx) % size) * size + (size - ky) % size
        }
        var scratch = kernel
        // Transforms come out transposed (see `transform2D`); every spectrum below shares that
        // layout, and the mirror k → −k is the same in it.
        transform2D(&kernel, &scratch, plan: forward, size: size, firstRows: size, lastRows: size)
        var spectrum = scratch
        // Both kernels are real and even, so their transforms are real: K² = Re(C + C̄₋)/2, K = Re((C − C̄₋)/2i).
        let scale = 1 / Float(cells)
        var squared = [Float](repeating: 0, count: cells), plain = squared
        for c in 0..<cells {
            let p = spectrum[c], q = spectrum[mirror(c)]
            squared[c] = (p.r + q.r) / 2 * scale
            plain[c] = (p.i + q.i) / 2 * scale
        }
        // A: both parts convolve with K².
        transform2D(&gridA, &scratch, plan: forward, size: size, firstRows: m, lastRows: size)
        for c in 0..<cells {
            scratch[c].r *= squared[c]
            scratch[c].i *= squared[c]
        }
        transform2D(&scratch, &gridA, plan: inverse, size: size, firstRows: size, lastRows: m)
        // B: y with K², 1 with K — R = ((K² + K)/2)·C + ((K² − K)/2)·C̄₋.
        transform2D(&gridB, &scratch, plan: forward, size: size, firstRows: m, lastRows: size)
        for c in 0..<cells {
            let p = scratch[c], q = scratch[mirror(c)]
            let s = (squared[c] + plain[c]) / 2, d = (squared[c] - plain[c]) / 2
            spectrum[c] = kiss_fft_cpx(r: s * p.r + d * q.r, i: s * p.i - d * q.i)
        }
        transform2D(&spectrum, &gridB, plan: inverse, size: size, firstRows: size, lastRows: m)

        // Interpolate back, force and Z per point; Z summed in fixed chunks.
        let chunk = 1024
        let chunks = (n + chunk - 1) / chunk
        var zParts = [Double](repeating: 0, count: chunks)
        gridA.withUnsafeBufferPointer { ab in
            gridB.withUnsafeBufferPointer { bb in
                force.withUnsafeMutableBufferPointer { fb in
                    zParts.withUnsafeMutableBufferPointer { zb in
                        box.withUnsafeBufferPointer { boxb in
                            wx.withUnsafeBufferPointer { wxb in
                                wy.withUnsafeBufferPointer { wyb in
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
