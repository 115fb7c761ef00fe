import OrreryCore
import OrreryTesting
import Testing

@Suite struct ProjectionQualityTests {
    /// References from scikit-learn 1.x on the first 2,000 GloVe rows with the layout = their first
    /// two columns: `trustworthiness(B, B[:, [0, 1]], n_neighbors=10)` (and `metric='cosine'`);
    /// recall by brute force in float64 (`pairwise_distances`, argsort, overlap of the 10 nearest).
    @Test(arguments: [("euclidean", 0.5856101284958428, 0.0287), ("cosine", 0.5974356764928193, 0.02915)])
    func trustworthinessAndRecallMatchScikitLearn(metric: String, trust: Double, recall: Double) throws {
        let b = try gloveRows(2_000)
        let layout = b.selecting(columns: [0, 1])
        let measure: DistanceMeasure = metric == "cosine" ? .cosine : .euclidean
        let r = try #require(ProjectionQuality.measure(original: b, layout: layout, k: 10, queries: Array(0..<2_000),
                                                        metric: measure))
        #expect(abs(r.trustworthiness - trust) < 1e-4, "\(r.trustworthiness) vs sklearn \(trust)")
        #expect(abs(r.recall - recall) < 1e-3, "\(r.recall) vs \(recall)")
        #expect(r.sampled == 2_000)
    }

    /// sklearn: `trustworthiness(B, PCA(2, svd_solver='full').fit_transform(B), n_neighbors=10)`.
    @Test func trustworthinessOfATwoComponentPCAMatchesScikitLearn() throws {
        let b = try gloveRows(2_000)
        let layout = try PrincipalComponents.fit(b, components: 2).transform(b)
        let r = try #require(ProjectionQuality.measure(original: b, layout: layout, queries: Array(0..<2_000)))
        #expect(abs(r.trustworthiness - 0.6824822373393802) < 1e-4)
        #expect(abs(r.recall - 0.06305) < 1e-3)
    }

    @Test func identityLayoutIsPerfect() {
        let x = Fixtures.random(rows: 300, columns: 4).vectors
        let r = ProjectionQuality.measure(original: x, layout: x, k: 10, queries: Array(0..<300))
        #expect(r?.trustworthiness == 1)
        #expect(r?.recall == 1)
    }

    @Test func annotateSamplesLargeSetsWithTheSeedAndWritesTheNotes() throws {
        let x = try gloveRows(1_500)
        let layout = x.selecting(columns: [0, 1, 2])
        var a = Notes(), b = Notes(), c = Notes()
        ProjectionQuality.annotate(&a, original: x, layout: layout, seed: 7, sampleLimit: 1_000)
        ProjectionQuality.annotate(&b, original: x, layout: layout, seed: 7, sampleLimit: 1_000)
        ProjectionQuality.annotate(&c, original: x, layout: layout, seed: 8, sampleLimit: 1_000)
        #expect(a == b)
        #expect(a.number("quality-sample") == 1_000)
        let t = try #require(a.number("trustworthiness@10"))
        #expect(t > 0.5 && t < 1)
        #expect(a.number("knn-recall@10") != nil)
        #expect(a.number("trustworthiness@10") != c.number("trustworthiness@10"))
        // The sample is the seeded rows, and the figure is measure() over exactly them.
        let rows = ProjectionQuality.sampleRows(count: 1_500, limit: 1_000, seed: 7)
        #expect(rows.count == 1_000 && Set(rows).count == 1_000 && rows == rows.sorted())
        #expect(ProjectionQuality.measure(original: x, layout: layout, queries: rows)?.trustworthiness == t)
        #expect(ProjectionQuality.sampleRows(count: 6_000, seed: 7).count == ProjectionQuality.sampleLimit)
    }

    @Test func countBelowMatchesAPlainCount() {
        var g = SeededGenerator(seed: 3)
        let row = (0..<1_003).map { _ in Float(g.nextGaussian()) }
        for t: Float in [-3, -0.5, 0, 0.25, 2, .infinity] {
            let got = row.withUnsafeBufferPointer { ProjectionQuality.countBelow($0, t) }
            #expect(got == row.filter { $0 < t }.count)
        }
        // The search used by unoptimised builds gives the same counts, ties included.
        let thresholds: [Float] = [-1, row[5], row[5], 0, 0.7, 3]
        let searched = row.withUnsafeBufferPointer { ProjectionQuality.countsBelowBySearch($0, sorted: thresholds.sorted()) }
        #expect(searched == thresholds.sorted().map { t in row.filter { $0 < t }.count })
    }

    @Test func tooFewPointsWriteNothing() {
        var notes = Notes()
        let x = Fixtures.random(rows: 15, columns: 3).vectors
        ProjectionQuality.annotate(&notes, original: x, layout: x, seed: 1)
        #expect(notes.entries.isEmpty)
    }
}
