import CARPACK
import Foundation
import OrreryCore
import Synchronization

/// UMAP's spectral initialisation: the eigenvectors of the normalised Laplacian
/// L = I − D^−½ A D^−½ for its 2nd…(dims+1)th smallest eigenvalues (umap-learn's `spectral_layout`).
///
/// They are found as the largest eigenvalues of M = D^−½ A D^−½ (the same vectors, and Lanczos
/// converges on the large end without a shift-invert): ARPACK-NG's implicitly restarted Lanczos
/// (`dsaupd`/`dseupd`, start vector all ones, so seeded by construction) with a row-parallel,
/// order-fixed sparse product; LAPACK's dense `dsyevr` below `denseLimit` points.
enum UMAPSpectralLayout {
    /// Dense eigensolver up to this many points.
    static let denseLimit = 600

    /// ARPACK keeps its reverse-communication state in Fortran SAVE variables, so it is not
    /// re-entrant: one solve at a time in the process.
    static let arpack = Mutex(())

    enum Failure: Error, Equatable {
        /// ARPACK's `info` (or LAPACK's) was not 0.
        case solver(routine: String, info: Int)
        /// Fewer points than dims + 2.
        case tooFewPoints
    }

    /// n × dims (row-major) eigenvector coordinates, each column with its largest-magnitude entry
    /// positive (a sign rule like scikit-learn's `svd_flip`, so the layout does not depend on the
    /// solver's sign choice).
    ///
    /// - Complexity: O(iterations · (nnz + n·ncv)) with ncv = max(2·dims + 3, √n) Lanczos vectors;
    ///   O(n³) below `denseLimit`.
    static func coordinates(_ graph: UMAPGraph, dims: Int) throws(Failure) -> [Float] {
        let n = graph.count
        let k = dims + 1
        guard n >= k + 1 else { throw .tooFewPoints }
        var degree = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = 0.0
            for e in graph.rowStart[i]..<graph.rowStart[i + 1] { s += Double(graph.values[e]) }
            degree[i] = s > 0 ? 1 / s.squareRoot() : 0
        }
        let vectors: [Double]  // k columns, n rows, column-major (column c = eigenvector c), largest first
        if n <= denseLimit {
            var dense = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for e in graph.rowStart[i]..<graph.rowStart[i + 1] {
                    let j = Int(graph.columns[e])
                    dense[i * n + j] = degree[i] * Double(graph.values[e]) * degree[j]
                }
            }
            let pairs: (values: [Double], vectors: [Double])
            do { pairs = try LAPACK.largestEigenpairs(symmetric: dense, n: n, count: k) } catch {
                throw .solver(routine: error.routine, info: error.info)
            }
            vectors = pairs.vectors  // rows of the result are eigenvectors: same layout as column-major n × k
        } else {
            vectors = try lanczos(graph, degree: degree, count: k)
        }
        var out = [Float](repeating: 0, count: n * dims)
        for c in 0..<dims {
            let column = vectors[((c + 1) * n)..<((c + 2) * n)]
            var big = 0.0
            for x in column where abs(x) > abs(big) { big = x }
            let sign: Double = big < 0 ? -1 : 1
            for (i, x) in column.enumerated() { out[i * dims + c] = Float(sign * x) }
        }
        return out
    }

    /// The `count` largest eigenpairs of D^−½ A D^−½ by ARPACK; eigenvectors column-major, largest first.
    static func lanczos(_ graph: UMAPGraph, degree: [Double], count: Int) throws(Failure) -> [Double] {
        _ = BLAS.oneThread   // ARPACK's dot products and norms go through OpenBLAS
        let solved: Result<[Double], Failure> = arpack.withLock { _ in
            do throws(Failure) { return .success(try lanczosUnlocked(graph, degree: degree, count: count)) } catch {
                return .failure(error)
            }
        }
        return try solved.get()
    }

    static func lanczosUnlocked(_ graph: UMAPGraph, degree: [Double], count: Int) throws(Failure) -> [Double] {
        let n = graph.count
        let ncv = Int32(min(n, max(2 * count + 1, Int(Double(n).squareRoot()))))
        let nev = Int32(count)
        let lworkl = ncv * (ncv + 8)
        var ido: Int32 = 0
        var info: Int32 = 1  // use resid as the start vector
        var resid = [Double](repeating: 1, count: n)
        var v = [Double](repeating: 0, count: n * Int(ncv))
        var iparam = [Int32](repeating: 0, count: 11)
        iparam[0] = 1  // exact shifts
        iparam[2] = Int32(min(Int(Int32.max), 5 * n))  // maximum restarts, as umap-learn
        iparam[6] = 1  // mode 1: A x = λ x
        var ipntr = [Int32](repeating: 0, count: 14)
        var workd = [Double](repeating: 0, count: 3 * n)
        var workl = [Double](repeating: 0, count: Int(lworkl))
        let tol = 1e-6
        while true {
            dsaupd_c(&ido, "I", Int32(n), "LA", nev, tol, &resid, ncv, &v, Int32(n), &iparam, &ipntr, &workd, &workl,
                     lworkl, &info)
            guard ido == -1 || ido == 1 else { break }
            let x = Int(ipntr[0]) - 1, y = Int(ipntr[1]) - 1
            workd.withUnsafeMutableBufferPointer { w in
                guard let base = w.baseAddress else { return }
                multiply(graph, degree: degree, x: base + x, into: base + y)
            }
        }
        guard info == 0 else { throw .solver(routine: "dsaupd", info: Int(info)) }
        var select = [Int32](repeating: 1, count: Int(ncv))
        var d = [Double](repeating: 0, count: count)
        var z = [Double](repeating: 0, count: n * count)
        var einfo: Int32 = 0
        dseupd_c(1, "A", &select, &d, &z, Int32(n), 0, "I", Int32(n), "LA", nev, tol, &resid, ncv, &v, Int32(n),
                 &iparam, &ipntr, &workd, &workl, lworkl, &einfo)
        guard einfo == 0 else { throw .solver(routine: "dseupd", info: Int(einfo)) }
        // dseupd returns ascending values; reorder largest first.
        let order = (0..<count).sorted { d[$0] > d[$1] }
        var out = [Double](repeating: 0, count: n * count)
        for (slot, c) in order.enumerated() {
            for i in 0..<n { out[slot * n + i] = z[c * n + i] }
        }
        return out
    }

    /// y = D^−½ A D^−½ x, rows split across cores; each row's sum runs in column order, so the
    /// product does not depend on the thread count.
    ///
    /// - Complexity: O(nnz).
    static func multiply(_ graph: UMAPGraph, degree: [Double], x: UnsafeMutablePointer<Double>,
                         into y: UnsafeMutablePointer<Double>) {
        let n = graph.count
        graph.rowStart.withUnsafeBufferPointer { sb in
            graph.columns.withUnsafeBufferPointer { cb in
                graph.values.withUnsafeBufferPointer { vb in
                    degree.withUnsafeBufferPointer { db in
                        guard let sa = sb.baseAddress, let ca = cb.baseAddress, let va = vb.baseAddress,
                              let da = db.baseAddress else { return }
                        let starts = SharedReads(sa), cols = SharedReads(ca), vals = SharedReads(va)
                        let deg = SharedReads(da), xs = SharedReads(UnsafePointer(x)), out = DisjointWrites(y)
                        Parallel.forEachChunk(n, minimumChunk: 2048) { range in
                            let starts = starts.base, cols = cols.base, vals = vals.base, deg = deg.base
                            let xs = xs.base, out = out.base
                            for i in range {
                                var s = 0.0
                                for e in starts[i]..<starts[i + 1] {
                                    let j = Int(cols[e])
                                    s += Double(vals[e]) * deg[j] * xs[j]
                                }
                                out[i] = deg[i] * s
                            }
                        }
                    }
                }
            }
        }
    }
}
