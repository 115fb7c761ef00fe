import Foundation
import OrreryCore
import OrreryTesting
import OrreryUMAP
@testable import ReducerUMAP
import Testing

/// `knn-method`: UMAP's neighbours by NN-descent.
@Suite struct UMAPNeighborMethodTests {
    /// 3,000 GloVe words (cosine, n-neighbors 15): NN-descent's lists reach recall ≥ 0.95 on the
    /// seeded sample, the same seed gives the same bytes, and trustworthiness@10 (1,000 seeded rows)
    /// is within 0.01 of the layout from exact lists.
    @Test func approximateNeighboursKeepTheLayoutsQuality() async throws {
        let e = try await Bundled.glove()
        let x = e.vectors.selecting(rows: Array(0..<3_000))
        var c = UMAP.Configuration(epochs: 200, seed: 5, knnMethod: .approximate)
        let a = try UMAP.run(x, c), b = try UMAP.run(x, c)
        #expect(a.knn.method == .approximate)
        let recall = try #require(a.knn.recall)
        #expect(recall >= 0.95, "recall \(recall)")
        #expect(a.layout.storage.map(\.bitPattern) == b.layout.storage.map(\.bitPattern))
        c.knnMethod = .exact
        let exact = try UMAP.run(x, c)
        #expect(exact.knn.method == .exact && exact.knn.recall == nil)
        let queries = ProjectionQuality.sampleRows(count: x.rows, limit: 1_000, seed: 1)
        let qa = try #require(ProjectionQuality.measure(original: x, layout: a.layout, queries: queries, metric: .cosine))
        let qe = try #require(ProjectionQuality.measure(original: x, layout: exact.layout, queries: queries,
                                                        metric: .cosine))
        #expect(abs(qa.trustworthiness - qe.trustworthiness) < 0.01,
                "trustworthiness approximate \(qa.trustworthiness), exact \(qe.trustworthiness)")
        #expect(qe.trustworthiness > 0.85)
    }

    /// The step records the search in its notes, as the metric steps do; `auto` stays exact on few points.
    @Test func theStepNotesTheSearch() async throws {
        let e = Fixtures.random(rows: 800, columns: 8, seed: 3)
        let approximate = try await UMAPReducer.reduce(e, .with { $0.nEpochs = 30; $0.knnMethod = .approximate },
                                                       context: .testing(seed: 4))
        #expect(approximate.notes["knn-method"] == .text("approximate"))
        #expect((approximate.notes.number("knn-recall") ?? 0) >= 0.9)
        let auto = try await UMAPReducer.reduce(e, .with { $0.nEpochs = 30 }, context: .testing(seed: 4))
        #expect(auto.notes["knn-method"] == .text("exact") && auto.notes.number("knn-recall") == nil)
        #expect(UMAP.Configuration().knnMethod == .auto)
    }
}
