import CBLAS
import Synchronization

/// Thin wrappers over OpenBLAS. Dense products always go through `cblas_sgemm`.
public enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C, on row-major buffers.
    ///
    /// `a` is `m × k` (or `k × m` when `transA`), `b` is `k × n` (or `n × k` when `transB`), `c` is `m × n`.
    /// - Complexity: O(m·n·k).
    public static func sgemm(_ a: UnsafePointer<Float>, transA: Bool, _ b: UnsafePointer<Float>, transB: Bool,
                             _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                             alpha: Float = 1, beta: Float = 0) {
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
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with OpenBLAS limited to one thread, for kernels that split rows across Orrery's
    /// own workers and call `sgemm` from each: OpenBLAS's threads would otherwise spin
    /// (`sched_yield`) beside those workers. Nested and concurrent callers share one count; the
    /// thread setting in force before the first caller is restored after the last one leaves.
    /// Products are the same either way (OpenBLAS splits rows and columns, never the inner sum).
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        singleThreadUsers.withLock { state in
            if state.users == 0 {
                state.saved = Int32(openblas_get_num_threads())
                openblas_set_num_threads(1)
            }
            state.users += 1
        }
        defer {
            singleThreadUsers.withLock { state in
                state.users -= 1
                if state.users == 0 { openblas_set_num_threads(state.saved) }
            }
        }
        return try body()
    }

    private static let singleThreadUsers = Mutex<(users: Int, saved: Int32)>((0, 1))
}
