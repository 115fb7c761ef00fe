import Foundation
import OrreryCore
import OrreryTesting
import Testing

/// The first `rows` rows of the bundled GloVe 50k (50-d).
func gloveRows(_ rows: Int) throws -> Matrix {
    let url = Fixtures.workflowsDirectory.appendingPathComponent("data/glove.6B.50d.top50k.npy")
    let all = try NPYFormat.read(try Data(contentsOf: url), path: url.path)
    return all.selecting(rows: Array(0..<rows))
}

@Suite struct PrincipalComponentsTests {
    /// Reference: numpy 2.x, float64 SVD of the centred first 10,000 rows:
    /// `A = np.load('glove.6B.50d.top50k.npy')[:10000].astype(np.float64); s = np.linalg.svd(A - A.mean(0),
    /// compute_uv=False); r = s**2 / (s**2).sum()` (scikit-learn `PCA(10, svd_solver='full')` agrees to 1e-7).
    static let gloveRatios: [Double] = [0.07307203, 0.05996329, 0.05312575, 0.04555614, 0.0428847,
                                        0.03495436, 0.03193681, 0.02990339, 0.02891242, 0.02841983]

    @Test func explainedVarianceRatiosOfTenThousandGloveWordsMatchNumpy() throws {
        let x = try gloveRows(10_000)
        let model = try PrincipalComponents.fit(x, components: 10)
        for (got, want) in zip(model.explainedVarianceRatio, Self.gloveRatios) {
            #expect(abs(got - want) < 1e-4, "ratio \(got) vs numpy \(want)")
            #expect(abs(got - want) < 1e-6)
        }
        // s²/(n−1) of the first three components (numpy, as above).
        for (got, want) in zip(model.explainedVariance, [1.44718, 1.187564, 1.052147]) {
            #expect(abs(got - want) < 1e-5)
        }
    }

    @Test func componentsAreOrthonormal() throws {
        let model = try PrincipalComponents.fit(try gloveRows(3_000), components: 8)
        let gram = BLAS.product(model.components, model.components, transB: true)
        for i in 0..<8 {
            for j in 0..<8 { #expect(abs(gram[i, j] - (i == j ? 1 : 0)) < 1e-5) }
        }
    }

    @Test func signsAreDeterministicLargestEntryPositive() throws {
        let x = try gloveRows(2_000)
        let a = try PrincipalComponents.fit(x, components: 5)
        // Negating the data negates every eigenvector; the sign rule must undo that.
        var negated = x
        for i in negated.storage.indices { negated.storage[i] = -negated.storage[i] }
        let b = try PrincipalComponents.fit(negated, components: 5)
        for i in 0..<5 {
            let row = a.components.row(i)
            let largest = row.max { abs($0) < abs($1) } ?? 0
            #expect(largest > 0)
            for (u, v) in zip(row, b.components.row(i)) { #expect(abs(u - v) < 1e-5) }
        }
        #expect(try PrincipalComponents.fit(x, components: 5) == a)
    }

    @Test func transformedCoordinatesHaveTheExplainedVariances() throws {
        let x = try gloveRows(2_000)
        let model = try PrincipalComponents.fit(x, components: 3)
        let y = model.transform(x)
        for c in 0..<3 {
            let column = y.column(c).map(Double.init)
            let mean = column.reduce(0, +) / Double(column.count)
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count - 1)
            #expect(abs(mean) < 1e-4)
            #expect(abs(variance - model.explainedVariance[c]) < 1e-4 * model.explainedVariance[c])
        }
    }

    @Test func moreDimensionsThanRowsUsesTheGramMatrixWithTheSameResult() throws {
        // 30 rows in 50-d: covariance rank ≤ 29. Compare with the covariance route on the same data
        // padded by duplicating rows does not work, so check against known invariants instead.
        let x = try gloveRows(30)
        #expect(PrincipalComponents.method(rows: 30, columns: 50) == .gram)
        let model = try PrincipalComponents.fit(x, components: 5)
        let gram = BLAS.product(model.components, model.components, transB: true)
        for i in 0..<5 { for j in 0..<5 { #expect(abs(gram[i, j] - (i == j ? 1 : 0)) < 1e-4) } }
        // Variance of the projections equals the explained variance.
        let y = model.transform(x)
        let column = y.column(0).map(Double.init)
        let variance = column.map { $0 * $0 }.reduce(0, +) / 29
        #expect(abs(variance - model.explainedVariance[0]) < 1e-4 * model.explainedVariance[0])
        // And the ratios add up to 1 over all 29 non-zero components.
        let all = try PrincipalComponents.fit(x, components: 29)
        #expect(abs(all.explainedVarianceRatio.reduce(0, +) - 1) < 1e-6)
    }

    @Test func tooManyComponentsNameTheParameter() throws {
        let x = Fixtures.random(rows: 5, columns: 3).vectors
        #expect(throws: OrreryError.invalidParameter("components", reason: "4 components of 3-dimensional data; at most 3")) {
            try PrincipalComponents.fit(x, components: 4)
        }
        let wide = Fixtures.random(rows: 3, columns: 8).vectors
        #expect(throws: OrreryError.invalidParameter("components", reason: "4 components of 3 points; at most 3")) {
            try PrincipalComponents.fit(wide, components: 4)
        }
    }

    @Test func uncentredFitDecomposesTheSecondMomentMatrix() throws {
        // Points on the line y = 2x away from the origin: without centring the first axis is the
        // direction of the points themselves, (1, 2)/√5, carrying all the second moment.
        let x = Matrix([[1, 2], [2, 4], [3, 6]])
        let model = try PrincipalComponents.fit(x, components: 1, centred: false)
        #expect(abs(model.components[0, 0] - 1 / 5.0.squareRoot().float) < 1e-6)
        #expect(abs(model.components[0, 1] - 2 / 5.0.squareRoot().float) < 1e-6)
        #expect(abs(model.explainedVariance[0] - (5 + 20 + 45) / 3.0) < 1e-9)
        #expect(abs(model.explainedVarianceRatio[0] - 1) < 1e-12)
        #expect(model.mean == [0, 0])
    }
}

private extension Double {
    var float: Float { Float(self) }
}
