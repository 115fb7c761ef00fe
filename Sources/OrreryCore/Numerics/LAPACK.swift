import CBLAS

/// A LAPACK routine that did not finish: `info` is LAPACK's own code (negative: argument `-info`
/// was illegal; positive: the algorithm did not converge).
public struct LAPACKError: Error, Sendable, Equatable, CustomStringConvertible {
    public var routine: String
    public var info: Int

    public init(routine: String, info: Int) {
        self.routine = routine
        self.info = info
    }

    public var description: String {
        info < 0 ? "\(routine): argument \(-info) is invalid" : "\(routine) did not converge (info \(info))"
    }
}

/// Thin wrappers over LAPACKE (OpenBLAS's LAPACK), in double precision, on row-major buffers.
public enum LAPACK {
    private static let rowMajor: Int32 = 101  // LAPACK_ROW_MAJOR (a macro Swift does not import)

    /// The `count` largest eigenvalues of the symmetric `n × n` matrix `a` (only its upper triangle
    /// is read), largest first, with their unit eigenvectors as the rows of a `count × n` buffer.
    ///
    /// Uses `dsyevr` (MRRR) restricted to the wanted index range, so it costs the tridiagonal
    /// reduction plus O(n·count) for the vectors.
    /// - Complexity: O(n³) time (the reduction, 4/3·n³), O(n²) memory.
    public static func largestEigenpairs(symmetric a: [Double], n: Int, count: Int) throws(LAPACKError)
        -> (values: [Double], vectors: [Double]) {
        _ = BLAS.oneThread
        precondition(a.count == n * n, "matrix is not n × n")
        precondition(count >= 1 && count <= n, "count must be in 1...n")
        var work = a  // dsyevr destroys its input
        var found: Int32 = 0
        var w = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n * count)
        var support = [Int32](repeating: 0, count: 2 * n)
        let info = work.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                z.withUnsafeMutableBufferPointer { pz in
                    support.withUnsafeMutableBufferPointer { ps in
                        LAPACKE_dsyevr(rowMajor, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "I")),
                                       CChar(UInt8(ascii: "U")), Int32(n), pa.baseAddress, Int32(n),
                                       0, 0, Int32(n - count + 1), Int32(n), 0, &found,
                                       pw.baseAddress, pz.baseAddress, Int32(count), ps.baseAddress)
                    }
                }
            }
        }
        guard info == 0, Int(found) == count else { throw LAPACKError(routine: "dsyevr", info: Int(info)) }
        // dsyevr returns ascending values; eigenvector j is column j of the n × count matrix z.
        var values = [Double](repeating: 0, count: count)
        var vectors = [Double](repeating: 0, count: count * n)
        for out in 0..<count {
            let j = count - 1 - out
            values[out] = w[j]
            for i in 0..<n { vectors[out * n + i] = z[i * count + j] }
        }
        return (values, vectors)
    }

    /// Every eigenvalue of the symmetric `n × n` matrix `a` (upper triangle read), largest first,
    /// with eigenvectors as rows; divide and conquer (`dsyevd`).
    /// - Complexity: O(n³) time, O(n²) memory.
    public static func eigenpairs(symmetric a: [Double], n: Int) throws(LAPACKError)
        -> (values: [Double], vectors: [Double]) {
        _ = BLAS.oneThread
        precondition(a.count == n * n, "matrix is not n × n")
        var work = a
        var w = [Double](repeating: 0, count: n)
        let info = work.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                LAPACKE_dsyevd(rowMajor, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")),
                               Int32(n), pa.baseAddress, Int32(n), pw.baseAddress)
            }
        }
        guard info == 0 else { throw LAPACKError(routine: "dsyevd", info: Int(info)) }
        var values = [Double](repeating: 0, count: n)
        var vectors = [Double](repeating: 0, count: n * n)
        for out in 0..<n {
            let j = n - 1 - out
            values[out] = w[j]
            for i in 0..<n { vectors[out * n + i] = work[i * n + j] }
        }
        return (values, vectors)
    }

    /// C += alpha · AᵀA (upper triangle) for a row-major `rows × n` block `a` — `dsyrk`.
    /// - Complexity: O(rows·n²).
    public static func accumulateGram(_ a: UnsafePointer<Double>, rows: Int, n: Int,
                                      into c: UnsafeMutablePointer<Double>, alpha: Double = 1) {
        _ = BLAS.oneThread
        guard rows > 0, n > 0 else { return }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(rows), alpha, a, Int32(n), 1, c, Int32(n))
    }

    /// C = alpha · AAᵀ (upper triangle) for a row-major `n × columns` matrix `a` — `dsyrk`.
    /// - Complexity: O(n²·columns).
    public static func outerGram(_ a: UnsafePointer<Double>, n: Int, columns: Int,
                                 into c: UnsafeMutablePointer<Double>, alpha: Double = 1) {
        _ = BLAS.oneThread
        guard n > 0, columns > 0 else { return }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(columns), alpha, a, Int32(columns),
                    0, c, Int32(n))
    }
}
