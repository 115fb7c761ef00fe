import CBLAS

/// Thin wrappers over OpenBLAS. Dense products always go through `cblas_sgemm`.
///
/// OpenBLAS runs at one thread for the whole process (`oneThread`, set before the first call of
/// any wrapper here, in `LAPACK` and in UMAP's ARPACK solve): its threaded `sgemm` rounds
/// differently with one thread and with two (on this project's AMD EPYC machines a 300 × 260 by
/// 260 × 200 product differs in the last bits), so a result's bytes would depend on the thread
/// count in force — and on the machine's core count. Orrery's own workers (`Parallel`) do the
/// parallel work, in fixed chunks.
public enum BLAS {
    /// Sets OpenBLAS to one thread, once; every entry point touches it first.
    public static let oneThread: Void = { openblas_set_num_threads(1) }()

    /// C = alpha · op(A) · op(B) + beta · C, on row-major buffers.
    ///
    /// `a` is `m × k` (or `k × m` when `transA`), `b` is `k × n` (or `n × k` when `transB`), `c` is `m × n`.
    /// - Complexity: O(m·n·k).
    public static func sgemm(_ a: UnsafePointer<Float>, transA: Bool, _ b: UnsafePointer<Float>, transB: Bool,
                             _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                             alpha: Float = 1, beta: Float = 0) {
        _ = oneThread
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(transA ? m : k), b, Int32(transB ? k : n),
                    beta, c, Int32(n))
    }

    /// op(A) · op(B) for matrices.
    public static func product(_ a: Matrix, transA: Bool = false, _ b: Matrix, transB: Bool = false) -> Matrix {
        let m = transA ? a.columns : a.rows
        let k = transA ? a.rows : a.columns
        let n = transB ? b.rows : b.columns
        precondition(k == (transB ? b.columns : b.rows), "inner dimensions differ")
        var c = Matrix(rows: m, columns: n)
        guard k > 0 else { return c }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    if let pa = pa.baseAddress, let pb = pb.baseAddress, let pc = pc.baseAddress {
                        sgemm(pa, transA: transA, pb, transB: transB, pc, m: m, n: n, k: k)
                    }
                }
            }
        }
        return c
    }

    /// Number of threads OpenBLAS uses.
    public static var threads: Int {
        _ = oneThread
        return Int(openblas_get_num_threads())
    }
}
