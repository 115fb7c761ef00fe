import Foundation

/// The low-dimensional similarity curve of UMAP, 1 / (1 + a·d^(2b)), and the fit of `a`, `b` to
/// `min-dist` and `spread` (umap-learn's `find_ab_params`).
public struct UMAPCurve: Sendable, Equatable {
    public var a: Double
    public var b: Double

    public init(a: Double, b: Double) {
        self.a = a
        self.b = b
    }

    /// Least-squares fit of 1 / (1 + a·x^(2b)) to the target ψ(x) = 1 for x < min-dist,
    /// exp(−(x − min-dist) / spread) beyond, on 300 equispaced x in [0, 3·spread] — the data and the
    /// start (a = b = 1) scipy's `curve_fit` gets in umap-learn, solved here by Levenberg–Marquardt.
    ///
    /// - Complexity: O(300 · iterations), iterations ≤ 200.
    public static func fit(minDist: Double, spread: Double) -> UMAPCurve {
        let count = 300
        let xs = (0..<count).map { 3 * spread * Double($0) / Double(count - 1) }
        let ys = xs.map { $0 < minDist ? 1 : exp(-($0 - minDist) / spread) }
        func residuals(_ a: Double, _ b: Double) -> Double {
            var s = 0.0
            for (x, y) in zip(xs, ys) {
                let r = 1 / (1 + a * pow(x, 2 * b)) - y
                s += r * r
            }
            return s
        }
        var a = 1.0, b = 1.0, lambda = 1e-3
        var cost = residuals(a, b)
        for _ in 0..<200 {
            // Normal equations JᵀJ δ = −Jᵀr for the two parameters.
            var jaa = 0.0, jab = 0.0, jbb = 0.0, ga = 0.0, gb = 0.0
            for (x, y) in zip(xs, ys) where x > 0 {
                let p = pow(x, 2 * b)
                let f = 1 / (1 + a * p)
                let r = f - y
                let da = -p * f * f
                let db = -a * p * 2 * log(x) * f * f
                jaa += da * da
                jab += da * db
                jbb += db * db
                ga += da * r
                gb += db * r
            }
            var improved = false
            for _ in 0..<30 {
                let m00 = jaa * (1 + lambda), m11 = jbb * (1 + lambda)
                let det = m00 * m11 - jab * jab
                guard det != 0, det.isFinite else { break }
                let stepA = -(m11 * ga - jab * gb) / det
                let stepB = -(m00 * gb - jab * ga) / det
                let na = a + stepA, nb = b + stepB
                let c = residuals(na, nb)
                if c.isFinite, c < cost, na > 0, nb > 0 {
                    let relative = (cost - c) / max(cost, 1e-300)
                    a = na
                    b = nb
                    cost = c
                    lambda = max(lambda / 10, 1e-12)
                    improved = relative > 1e-15
                    break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        return UMAPCurve(a: a, b: b)
    }
}
