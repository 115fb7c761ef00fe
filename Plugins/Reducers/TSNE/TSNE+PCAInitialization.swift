import OrreryCore

extension TSNE {
    /// The first `dims` principal components of `points`, scaled so the first has standard deviation
    /// 1e-4 (scikit-learn's `init='pca'`).
    ///
    /// - Complexity: that of `PrincipalComponents.fit`, plus O(n·dims).
    static func pcaLayout(_ points: Matrix, dims: Int, seed: UInt64) -> [Double] {
        // TEMPORARY until PrincipalComponents is merged from `analyses`.
        var g = SeededGenerator(seed: seed)
        return (0..<(points.rows * dims)).map { _ in 1e-4 * g.nextGaussian() }
    }
}
