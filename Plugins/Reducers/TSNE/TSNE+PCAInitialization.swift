import OrreryCore

extension TSNE {
    /// The first `dims` principal components of `points`, all scaled by one factor so the first has
    /// standard deviation 1e-4 (scikit-learn's `init='pca'`). When the data have fewer dimensions
    /// than `dims` (or no variance), the missing columns are seeded Gaussian with std 1e-4.
    ///
    /// - Complexity: that of `PrincipalComponents.fit` (O(n·d² + d³)), plus O(n·dims).
    static func pcaLayout(_ points: Matrix, dims: Int, seed: UInt64) throws -> [Double] {
        let n = points.rows
        var generator = SeededGenerator(seed: seed)
        var out = (0..<(n * dims)).map { _ in 1e-4 * generator.nextGaussian() }
        let k = min(dims, points.columns, n)
        guard k >= 1 else { return out }
        let model = try PrincipalComponents.fit(points, components: k)
        let projected = model.transform(points)
        var mean = 0.0, squares = 0.0
        for i in 0..<n { mean += Double(projected[i, 0]) }
        mean /= Double(n)
        for i in 0..<n {
            let x = Double(projected[i, 0]) - mean
            squares += x * x
        }
        let std = (squares / Double(n)).squareRoot()
        guard std > 0, std.isFinite else { return out }
        let scale = 1e-4 / std
        for i in 0..<n {
            for j in 0..<k { out[i * dims + j] = Double(projected[i, j]) * scale }
        }
        return out
    }
}
