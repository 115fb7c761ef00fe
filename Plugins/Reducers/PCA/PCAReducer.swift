import OrreryCore

/// `reducer.pca`: principal component analysis, exact by default.
///
/// `mode: exact` centres the vectors and decomposes their covariance (the numbers of scikit-learn's
/// `PCA(svd_solver='full')`). `mode: projector` reproduces the TensorFlow Projector: the axes of the
/// second-moment matrix XᵀX/n with no centring (the Projector centres by sphereizing first — put
/// `reducer.sphereize` before this step), after a seeded random projection to 200 dimensions when
/// d > 200, fitted on a seeded sample of 50,000 points when there are more.
///
/// Writes the notes `reducer`, `explained-variance-ratio`, `explained-variance-total`, and the
/// projection quality of the first two components (`trustworthiness@10`, `knn-recall@10`,
/// `quality-sample`, `quality-axes`) unless `quality: false`.
public enum PCAReducer: Reducer {
    public enum Mode: String, ParameterEnum {
        case exact, projector
    }

    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "number of components (axes `pca-0`, `pca-1`, …), at most the dimensions and the points",
                   .atLeast(1))
        public var components = 10
        @Parameter(help: "exact: centred covariance; projector: XᵀX/n uncentred, random projection to 200 dims when d > 200, 50,000-point sample (seeded)")
        public var mode: Mode = .exact
        @Parameter(help: "record trustworthiness@10 and knn-recall@10 of the first two components (≤ 5,000 sampled points)")
        public var quality = true
        @Parameter(help: "distance in the original space for the quality figures", .metric)
        public var qualityMetric = "euclidean"

        public init() {}
    }

    /// The Projector's limits: dimensions kept by its random projection, and points it fits on.
    public static let projectorDimensions = 200
    public static let projectorSample = 50_000

    public static let descriptor = PluginDescriptor(
        id: "reducer.pca", kind: .reducer, version: "1.0.0",
        summary: "Principal components: exact centred PCA, or the Projector's own computation (`mode: projector`).",
        inputs: [.embedding],
        parameters: Parameters.self,
        usesSeed: true,
        example: """
            orrery: 1
            name: pca-example
            seed: 1
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              top:
                uses: selector.head
                from: glove
                with: { count: 2000 }
              pca:
                uses: reducer.pca
                from: top
                with: { components: 3 }
            """)

    /// - Complexity: O(n·d² + d³) for the fit (exact; see `PrincipalComponents.fit`), O(n·d·k) for the
    ///   coordinates, plus O(s·n·d) for the quality figures on s ≤ 5,000 sampled points.
    public static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
        guard input.count > 0 else { throw OrreryError.emptyDataset("the input has no points") }
        var notes = input.notes
        notes.set("reducer", descriptor.id)
        notes.set("mode", p.mode.rawValue)
        let coordinates: Matrix
        let model: PCAModel
        switch p.mode {
        case .exact:
            model = try PrincipalComponents.fit(input.vectors, components: p.components)
            context.progress(1, of: 2, "fitted")
            coordinates = model.transform(input.vectors)
        case .projector:
            var generator = SeededGenerator(seed: context.seed)
            var x = input.vectors
            if x.columns > projectorDimensions {
                x = BLAS.product(x, randomProjection(x.columns, projectorDimensions, &generator))
                notes.set("random-projection", Double(projectorDimensions))
            }
            let sample = x.rows > projectorSample
                ? ProjectionQuality.sampleRows(count: x.rows, limit: projectorSample, seed: generator.next())
                : Array(0..<x.rows)
            if sample.count < x.rows { notes.set("pca-sample", Double(sample.count)) }
            model = try PrincipalComponents.fit(sample.count < x.rows ? x.selecting(rows: sample) : x,
                                                components: p.components, centred: false)
            context.progress(1, of: 2, "fitted")
            coordinates = model.transform(x)
        }
        try context.checkCancellation()
        // Constant columns are fine (they carry no variance); data with no variance at all has no
        // direction to project on, and components past the data's rank are arbitrary zeros.
        guard model.totalVariance > 0 else {
            throw OrreryError.shapeMismatch("every point has the same vector (total variance 0), so PCA has no direction to project on")
        }
        let carrying = model.explainedVariance.filter { $0 > model.totalVariance * 1e-12 }.count
        if carrying < model.count {
            context.warn("only \(carrying) of \(model.count) components carry variance (the points span \(carrying) dimension\(carrying == 1 ? "" : "s")); "
                         + "pca-\(carrying)… are 0 for every point")
        }
        notes.set("explained-variance-ratio", .numbers(model.explainedVarianceRatio))
        notes.set("explained-variance-total", model.explainedVarianceRatio.reduce(0, +))
        if p.quality {
            let axes = Array(0..<min(2, model.count))
            let measure = try context.measure(named: p.qualityMetric)
            ProjectionQuality.annotate(&notes, original: input.vectors, layout: coordinates.selecting(columns: axes),
                                       seed: context.seed, metric: measure)
            if notes["quality-sample"] != nil {
                notes.set("quality-axes", axes.map { "pca-\($0)" }.joined(separator: ", "))
                notes.set("quality-metric", measure.name)
            }
        }
        context.progress(2, of: 2, "projected")
        return input.projected(to: coordinates, axes: (0..<model.count).map { "pca-\($0)" }, notes: notes,
                               projection: .pca(explainedVariance: model.explainedVarianceRatio))
    }

    /// A d × m matrix of seeded Gaussian columns, each scaled to unit length (the Projector's
    /// `projectRandom`: m dot products with random normal directions).
    /// - Complexity: O(d·m).
    static func randomProjection(_ d: Int, _ m: Int, _ g: inout SeededGenerator) -> Matrix {
        var r = Matrix(rows: d, columns: m)
        for column in 0..<m {
            let v = (0..<d).map { _ in g.nextGaussian() }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for row in 0..<d { r[row, column] = Float(norm > 0 ? v[row] / norm : 0) }
        }
        return r
    }
}
