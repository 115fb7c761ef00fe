import OrreryCore
import OrreryTesting
import ReducerPCA
import Testing

@Suite struct PCAReducerTests {
    static let context = StepContext.testing(seed: 5, registry: MeasureRegistry.standard)

    /// The first 10,000 GloVe words (the `Workflows/glove-pca.yaml` input).
    static func tenThousandWords() async throws -> Embedding {
        try await Bundled.glove().subset(Array(0..<10_000))
    }

    /// Reference: numpy float64 SVD of the centred first 10,000 rows of glove.6B.50d.top50k.npy,
    /// `r = s**2 / (s**2).sum()` (scikit-learn `PCA(10, svd_solver='full')` agrees to 1e-7).
    static let numpyRatios: [Double] = [0.07307203, 0.05996329, 0.05312575, 0.04555614, 0.0428847,
                                        0.03495436, 0.03193681, 0.02990339, 0.02891242, 0.02841983]

    @Test func tenComponentsOfTenThousandWordsMatchNumpyAndRecordTheirNotes() async throws {
        let words = try await Self.tenThousandWords()
        // Quality is measured in its own test below (5,000 queries on 10,000 points is slow in debug builds).
        let out = try await PCAReducer.reduce(words, .with { $0.quality = false }, context: Self.context)
        #expect(out.axes == (0..<10).map { "pca-\($0)" })
        #expect(out.count == 10_000 && out.dimensions == 10)
        #expect(out.notes["reducer"] == .text("reducer.pca"))
        guard case .numbers(let ratios)? = out.notes["explained-variance-ratio"] else {
            Issue.record("no explained-variance-ratio note")
            return
        }
        for (got, want) in zip(ratios, Self.numpyRatios) { #expect(abs(got - want) < 1e-4) }
        #expect(abs((out.notes.number("explained-variance-total") ?? 0) - Self.numpyRatios.reduce(0, +)) < 1e-4)
        #expect(out.notes["trustworthiness@10"] == nil)
        // The coordinates are the centred vectors times the components.
        let model = try PrincipalComponents.fit(words.vectors, components: 10)
        #expect(out.vectors == model.transform(words.vectors))
        #expect(out.rows == words.rows && out.root === words.root)
    }

    @Test func qualityOfTheFirstTwoComponentsIsRecorded() async throws {
        // 2,000 words: every point is a query. sklearn on the same data:
        // trustworthiness(B, PCA(2, svd_solver='full').fit_transform(B), n_neighbors=10) = 0.6824822.
        let words = try await Bundled.glove().subset(Array(0..<2_000))
        let out = try await PCAReducer.reduce(words, .with { $0.components = 3 }, context: Self.context)
        #expect(out.notes.number("quality-sample") == 2_000)
        #expect(out.notes["quality-axes"] == .text("pca-0, pca-1"))
        #expect(out.notes["quality-metric"] == .text("euclidean"))
        let trust = try #require(out.notes.number("trustworthiness@10"))
        #expect(abs(trust - 0.6824822373393802) < 1e-4)
        #expect(abs((out.notes.number("knn-recall@10") ?? 0) - 0.06305) < 1e-3)
    }

    @Test func seededRunIsReproducible() async throws {
        let e = Fixtures.random(rows: 400, columns: 12)
        let a = try await PCAReducer.reduce(e, .with { $0.components = 3 }, context: Self.context)
        let b = try await PCAReducer.reduce(e, .with { $0.components = 3 }, context: Self.context)
        #expect(a.vectors == b.vectors && a.notes == b.notes)
        #expect(e.vectors == Fixtures.random(rows: 400, columns: 12).vectors)  // input untouched
    }

    @Test func projectorModeOnZeroMeanDataEqualsExactPCA() async throws {
        // Rows and their negatives: the mean is exactly zero, so XᵀX/n has the covariance's axes.
        let half = Fixtures.random(rows: 200, columns: 8, seed: 3).vectors
        var storage = half.storage
        storage += half.storage.map { -$0 }
        let e = Embedding(vectors: Matrix(rows: 400, columns: 8, storage: storage),
                          metadata: MetadataTable(labels: (0..<400).map { "p\($0)" }))
        let exact = try await PCAReducer.reduce(e, .with { $0.components = 4; $0.quality = false }, context: Self.context)
        let projector = try await PCAReducer.reduce(e, .with { $0.components = 4; $0.mode = .projector; $0.quality = false },
                                                    context: Self.context)
        guard case .numbers(let a)? = exact.notes["explained-variance-ratio"],
              case .numbers(let b)? = projector.notes["explained-variance-ratio"] else {
            Issue.record("missing ratios")
            return
        }
        for (x, y) in zip(a, b) { #expect(abs(x - y) < 1e-9) }
        for (x, y) in zip(exact.vectors.storage, projector.vectors.storage) { #expect(abs(x - y) < 1e-4) }
        #expect(projector.notes["mode"] == .text("projector"))
        #expect(projector.notes["random-projection"] == nil)
    }

    @Test func projectorModeDoesNotCentre() async throws {
        // Points on y = 2x far from the origin: the uncentred first axis is their direction (1, 2)/√5.
        let e = Fixtures.embedding([("a", [1, 2]), ("b", [2, 4.1]), ("c", [3, 5.9])])
        let out = try await PCAReducer.reduce(e, .with { $0.components = 1; $0.mode = .projector; $0.quality = false },
                                              context: Self.context)
        let model = try PrincipalComponents.fit(e.vectors, components: 1, centred: false)
        #expect(abs(model.components[0, 1] / model.components[0, 0] - 2) < 0.02)
        #expect(out.vectors == model.transform(e.vectors))
        // Each coordinate is the plain dot product with the axis (no mean subtracted).
        let c = model.components.row(0)
        #expect(abs(out.vectors[0, 0] - (1 * c[0] + 2 * c[1])) < 1e-6)
    }

    /// The same seed gives the same bytes while other steps run beside it. (It did not: an exact
    /// kNN used to hold OpenBLAS to one thread while it ran, and OpenBLAS's sgemm rounds differently with
    /// one thread and with two, so a PCA running beside it came out different in the last bits —
    /// the suite caught two same-seed runs that differed. OpenBLAS is now at one thread always.)
    @Test func sameSeedSameBytesWhileANeighbourSearchRunsBeside() async throws {
        let e = Fixtures.random(rows: 300, columns: 260, seed: 9)
        let p = PCAReducer.Parameters.with { $0.components = 5; $0.mode = .projector; $0.quality = false }
        let context = StepContext.testing(seed: 1, registry: MeasureRegistry.standard)
        let baseline = try await PCAReducer.reduce(e, p, context: context).vectors
        let points = Fixtures.random(rows: 4000, columns: 50, seed: 4).vectors
        try await withThrowingTaskGroup(of: Matrix?.self) { group in
            group.addTask {
                for _ in 0..<4 {
                    _ = NearestNeighborSearch.search(points: points, queries: points, queryRows: Array(0..<points.rows), k: 10,
                                                     measure: .cosine, excludeSelf: true) { _, _ in true }
                }
                return nil
            }
            for _ in 0..<8 { group.addTask { try await PCAReducer.reduce(e, p, context: context).vectors } }
            for try await m in group { if let m { #expect(m == baseline) } }
        }
        #expect(BLAS.threads == 1)
    }

    @Test func projectorModeProjectsWideDataTo200DimensionsWithTheSeed() async throws {
        let e = Fixtures.random(rows: 300, columns: 260, seed: 9)
        let p = PCAReducer.Parameters.with { $0.components = 5; $0.mode = .projector; $0.quality = false }
        let a = try await PCAReducer.reduce(e, p, context: .testing(seed: 1, registry: MeasureRegistry.standard))
        let b = try await PCAReducer.reduce(e, p, context: .testing(seed: 1, registry: MeasureRegistry.standard))
        let c = try await PCAReducer.reduce(e, p, context: .testing(seed: 2, registry: MeasureRegistry.standard))
        #expect(a.notes.number("random-projection") == 200)
        #expect(a.vectors == b.vectors)
        #expect(a.vectors != c.vectors)
        guard case .numbers(let ratios)? = a.notes["explained-variance-ratio"] else { return }
        #expect(ratios.count == 5 && ratios.reduce(0, +) < 1 && zip(ratios, ratios.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test func moreComponentsThanDimensionsIsAnErrorNamingComponents() async throws {
        let e = Fixtures.random(rows: 20, columns: 4)
        await #expect(throws: OrreryError.invalidParameter("components", reason: "5 components of 4-dimensional data; at most 4")) {
            try await PCAReducer.reduce(e, .with { $0.components = 5 }, context: Self.context)
        }
        await #expect(throws: OrreryError.invalidParameter("components", reason: "5 components of 3 points; at most 3")) {
            try await PCAReducer.reduce(Fixtures.random(rows: 3, columns: 8), .with { $0.components = 5 }, context: Self.context)
        }
    }

    @Test func zeroComponentsIsRejectedAtValidationAndDefaultsDecodeFromEmpty() throws {
        let node = try YAMLSource(path: "t.yaml", text: "components: 0").compose()
        guard case .failure(let d) = PCAReducer.registryEntry.prepare(node) else {
            Issue.record("components: 0 was accepted")
            return
        }
        #expect(d.diagnostics.first?.problem == .invalidValue(parameter: "components", reason: "must be at least 1, got 0"))
        let empty = try YAMLSource(path: "t.yaml", text: "mode: projector").compose()
        guard case .success = PCAReducer.registryEntry.prepare(empty) else {
            Issue.record("mode: projector was rejected")
            return
        }
    }
}
