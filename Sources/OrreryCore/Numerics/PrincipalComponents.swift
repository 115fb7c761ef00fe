import CBLAS

/// A fitted principal component analysis (the fitted state, like scikit-learn's `components_`,
/// `explained_variance_`, …). Made by `PrincipalComponents.fit`; never changed afterwards.
public struct PCAModel: Sendable, Equatable {
    /// The mean that was subtracted before fitting (zeros when fitted without centring), length d.
    public let mean: [Float]
    /// k × d: the principal axes as orthonormal rows, largest variance first. Each row's entry of
    /// largest magnitude is positive (scikit-learn's `svd_flip` rule), so signs are deterministic.
    public let components: Matrix
    /// The variance along each component: eigenvalue / (n − 1) when centred, / n when not.
    public let explainedVariance: [Double]
    /// Each component's share of the total variance (of all d dimensions).
    public let explainedVarianceRatio: [Double]
    /// The total variance of the data (trace of the covariance / second-moment matrix).
    public let totalVariance: Double
    /// Whether the mean was subtracted.
    public let centred: Bool
    /// How many rows the model was fitted on.
    public let samples: Int

    /// Number of components.
    public var count: Int { components.rows }

    /// The coordinates of `x`'s rows on the components: (x − mean) · componentsᵀ, n × k.
    ///
    /// Rows are centred in blocks, so memory is the output plus one block.
    /// - Complexity: O(n·d·k).
    public func transform(_ x: Matrix) -> Matrix {
        precondition(x.columns == mean.count, "data has \(x.columns) columns, the model \(mean.count)")
        let n = x.rows, d = x.columns, k = components.rows
        var out = Matrix(rows: n, columns: k)
        guard n > 0, d > 0, k > 0 else { return out }
        let block = max(1, min(n, (1 << 20) / d))
        var scratch = [Float](repeating: 0, count: block * d)
        var start = 0
        while start < n {
            let rows = min(block, n - start)
            x.storage.withUnsafeBufferPointer { xs in
                scratch.withUnsafeMutableBufferPointer { sc in
                    for r in 0..<rows {
                        let src = (start + r) * d, dst = r * d
                        for j in 0..<d { sc[dst + j] = xs[src + j] - mean[j] }
                    }
                }
            }
            scratch.withUnsafeBufferPointer { sc in
                components.storage.withUnsafeBufferPointer { cs in
                    out.storage.withUnsafeMutableBufferPointer { os in
                        guard let a = sc.baseAddress, let b = cs.baseAddress, let c = os.baseAddress else { return }
                        BLAS.sgemm(a, transA: false, b, transB: true, c + start * k, m: rows, n: k, k: d)
                    }
                }
            }
            start += rows
        }
        return out
    }
}

/// Exact principal component analysis.
///
/// The data are centred (in double precision), then the d × d covariance is accumulated block by
/// block with `dsyrk` in double precision and its largest eigenpairs found with LAPACK's `dsyevr`
/// — the same numbers as an SVD of the centred data (numpy / scikit-learn `svd_solver='full'`) to
/// about 1e-10 in the ratios. When d > n the n × n Gram matrix of the rows is decomposed instead
/// (its eigenvectors map to the components through the data), which is cheaper and equally exact.
public enum PrincipalComponents {
    /// Which matrix was decomposed.
    public enum Method: String, Sendable {
        /// The d × d covariance (d ≤ n).
        case covariance
        /// The n × n Gram matrix of the rows (d > n).
        case gram
    }

    /// The method `fit` uses for an n × d matrix: the smaller of the two square matrices, since the
    /// eigensolver's O(m³) reduction dominates. Measured (`orrery-bench pca-methods`, 10 components,
    /// 2 loaded cores; covariance / Gram seconds): 4000×500 0.14 / 24.6, 2000×1000 0.48 / 4.0,
    /// 1000×2000 5.8 / 1.3, 500×4000 32.1 / 0.16, 3000×3000 12.9 / 12.5 — ratios equal to 1e-18.
    public static func method(rows n: Int, columns d: Int) -> Method { d <= n ? .covariance : .gram }

    /// Fits `components` principal axes to the rows of `x`.
    ///
    /// - Parameters:
    ///   - components: k, 1 ≤ k ≤ min(n, d); otherwise `OrreryError.invalidParameter("components")`.
    ///   - centred: subtract the mean first (true: PCA proper; false: axes of the second-moment
    ///     matrix XᵀX/n, as the TensorFlow Projector does).
    /// - Throws: `OrreryError.emptyDataset` for no rows, `.invalidParameter("components", …)`,
    ///   `LAPACKError` if the eigensolver fails (non-finite input).
    /// - Complexity: O(n·d² + d³) time and O(d² + B·d) memory (covariance); O(n²·d + n³) time and
    ///   O(n² + n·d) memory when d > n (Gram).
    ///   - method: force the covariance or the Gram route (for benchmarks); nil chooses by shape.
    public static func fit(_ x: Matrix, components k: Int, centred: Bool = true, method forced: Method? = nil) throws
        -> PCAModel {
        _ = BLAS.oneThread
        let n = x.rows, d = x.columns
        guard n > 0, d > 0 else { throw OrreryError.emptyDataset("PCA needs at least one row and one column") }
        guard k >= 1 else { throw OrreryError.invalidParameter("components", reason: "must be at least 1, got \(k)") }
        guard k <= d else {
            throw OrreryError.invalidParameter("components", reason: "\(k) components of \(d)-dimensional data; at most \(d)")
        }
        guard k <= n else {
            throw OrreryError.invalidParameter("components", reason: "\(k) components of \(n) points; at most \(n)")
        }
        if let bad = x.firstNonFinite() {
            throw OrreryError.invalidParameter("input", reason: "row \(bad.row), column \(bad.column) is not a finite number")
        }

        // Mean, in double precision.
        var meanD = [Double](repeating: 0, count: d)
        if centred {
            x.storage.withUnsafeBufferPointer { xs in
                for r in 0..<n { for j in 0..<d { meanD[j] += Double(xs[r * d + j]) } }
            }
            for j in 0..<d { meanD[j] /= Double(n) }
        }
        let divisor = Double(centred ? max(1, n - 1) : n)

        var values: [Double]
        var vectors: [Double]
        var trace = 0.0
        switch forced ?? method(rows: n, columns: d) {
        case .covariance:
            var cov = [Double](repeating: 0, count: d * d)
            let block = max(1, min(n, (1 << 20) / d))
            var scratch = [Double](repeating: 0, count: block * d)
            var start = 0
            while start < n {
                let rows = min(block, n - start)
                x.storage.withUnsafeBufferPointer { xs in
                    scratch.withUnsafeMutableBufferPointer { sc in
                        for r in 0..<rows {
                            let src = (start + r) * d, dst = r * d
                            for j in 0..<d {
                                let v = Double(xs[src + j]) - meanD[j]
                                sc[dst + j] = v
                                trace += v * v
                            }
                        }
                    }
                }
                scratch.withUnsafeBufferPointer { sc in
                    cov.withUnsafeMutableBufferPointer { cb in
                        guard let a = sc.baseAddress, let c = cb.baseAddress else { return }
                        LAPACK.accumulateGram(a, rows: rows, n: d, into: c)
                    }
                }
                start += rows
            }
            (values, vectors) = try LAPACK.largestEigenpairs(symmetric: cov, n: d, count: k)
        case .gram:
            var centredRows = [Double](repeating: 0, count: n * d)
            x.storage.withUnsafeBufferPointer { xs in
                for r in 0..<n {
                    for j in 0..<d {
                        let v = Double(xs[r * d + j]) - meanD[j]
                        centredRows[r * d + j] = v
                        trace += v * v
                    }
                }
            }
            var gram = [Double](repeating: 0, count: n * n)
            centredRows.withUnsafeBufferPointer { a in
                gram.withUnsafeMutableBufferPointer { g in
                    guard let pa = a.baseAddress, let pg = g.baseAddress else { return }
                    LAPACK.outerGram(pa, n: n, columns: d, into: pg)
                }
            }
            let (lambda, u) = try LAPACK.largestEigenpairs(symmetric: gram, n: n, count: k)
            // v_i = Xcᵀ u_i / √λ_i: (k × n) · (n × d).
            var v = [Double](repeating: 0, count: k * d)
            u.withUnsafeBufferPointer { pu in
                centredRows.withUnsafeBufferPointer { pa in
                    v.withUnsafeMutableBufferPointer { pv in
                        guard let bu = pu.baseAddress, let ba = pa.baseAddress, let bv = pv.baseAddress else { return }
                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(k), Int32(d), Int32(n), 1,
                                    bu, Int32(n), ba, Int32(d), 0, bv, Int32(d))
                    }
                }
            }
            for i in 0..<k {
                let scale = lambda[i] > 0 ? 1 / lambda[i].squareRoot() : 0
                for j in 0..<d { v[i * d + j] *= scale }
            }
            values = lambda
            vectors = v
        }

        // Deterministic signs: each component's entry of largest magnitude is positive.
        for i in 0..<k {
            var best = 0
            for j in 1..<d where abs(vectors[i * d + j]) > abs(vectors[i * d + best]) { best = j }
            if vectors[i * d + best] < 0 { for j in 0..<d { vectors[i * d + j] = -vectors[i * d + j] } }
        }

        let eigen = values.map { max(0, $0) }
        let variance = eigen.map { $0 / divisor }
        let ratio = eigen.map { trace > 0 ? $0 / trace : 0 }
        return PCAModel(mean: meanD.map(Float.init),
                        components: Matrix(rows: k, columns: d, storage: vectors.map(Float.init)),
                        explainedVariance: variance, explainedVarianceRatio: ratio,
                        totalVariance: trace / divisor, centred: centred, samples: n)
    }
}
