import Foundation
import OrreryCore
import OrreryTesting
@testable import ReducerTSNE
import Testing

/// `knn-method`: t-SNE's input neighbours by NN-descent, and the FFT workspace's reuse.
@Suite struct TSNENeighborMethodTests {
    /// 3,000 GloVe words (cosine, perplexity 30, so k = 90): NN-descent's lists reach recall ≥ 0.95
    /// on the seeded sample, the same seed gives the same bytes, and the layout's trustworthiness@10
    /// (measured on 1,000 seeded rows) is within 0.01 of the layout from exact lists.
    @Test func approximateNeighboursKeepTheLayoutsQuality() async throws {
        let e = try await Bundled.glove()
        let x = e.vectors.selecting(rows: Array(0..<3_000))
        var c = TSNE.Configuration(perplexity: 30, iterations: 400, exaggerationIterations: 100, measure: .cosine,
                                   method: .fft, seed: 4, knnMethod: .approximate)
        let a = try TSNE.run(x, c), b = try TSNE.run(x, c)
        #expect(a.knn.method == .approximate)
        let recall = try #require(a.knn.recall)
        #expect(recall >= 0.95, "recall \(recall)")
        #expect(a.layout.storage.map(\.bitPattern) == b.layout.storage.map(\.bitPattern))
        c.knnMethod = .exact
        let exact = try TSNE.run(x, c)
        #expect(exact.knn.method == .exact && exact.knn.recall == nil)
        let queries = ProjectionQuality.sampleRows(count: x.rows, limit: 1_000, seed: 1)
        let qa = try #require(ProjectionQuality.measure(original: x, layout: a.layout, queries: queries, metric: .cosine))
        let qe = try #require(ProjectionQuality.measure(original: x, layout: exact.layout, queries: queries,
                                                        metric: .cosine))
        #expect(abs(qa.trustworthiness - qe.trustworthiness) < 0.01,
                "trustworthiness approximate \(qa.trustworthiness), exact \(qe.trustworthiness)")
        #expect(qe.trustworthiness > 0.9)
    }

    /// `auto` is exact below `autoApproximateFrom(k:)` points and NN-descent from there; t-SNE's own
    /// `auto` method is FFT in 2-D from `fftLimit` points and Barnes-Hut in 3-D.
    @Test func autoChoosesBySize() {
        let k = 90
        #expect(TSNE.Configuration().knnMethod == .auto)
        #expect(NearestNeighborSearch.resolve(.auto, n: NearestNeighborSearch.autoApproximateFrom(k: k) - 1, k: k) == .exact)
        #expect(NearestNeighborSearch.resolve(.auto, n: NearestNeighborSearch.autoApproximateFrom(k: k), k: k) == .approximate)
        // The crossing moves with k: exact search costs the same for any k, NN-descent grows with it.
        #expect(NearestNeighborSearch.resolve(.auto, n: 50_000, k: 90) == .exact)
        #expect(NearestNeighborSearch.resolve(.auto, n: 50_000, k: 15) == .approximate)
        #expect(NearestNeighborSearch.resolve(.auto, n: 200_000, k: 90) == .approximate)
        #expect(TSNE.Configuration().method(for: TSNE.Configuration.fftLimit) == .fft)
        #expect(TSNE.Configuration().method(for: TSNE.Configuration.fftLimit - 1) == .barnesHut)
        #expect(TSNE.Configuration(dims: 3).method(for: 1_000_000) == .barnesHut)
    }

    /// The step records the search in its notes, as the metric steps do.
    @Test func theStepNotesTheSearchAndItsRecall() async throws {
        let e = Fixtures.random(rows: 1_200, columns: 10, seed: 8)
        var p = TSNEReducer.Parameters()
        p.perplexity = 10
        p.iterations = 100
        p.exaggerationIterations = 50
        p.knnMethod = .approximate
        let out = try await TSNEReducer.reduce(e, p, context: .testing(seed: 2))
        #expect(out.notes["knn-method"] == .text("approximate"))
        #expect((out.notes.number("knn-recall") ?? 0) >= 0.9)
        #expect(out.notes.number("knn-recall-sample") == Double(NearestNeighborSearch.recallSample))
        p.knnMethod = .exact
        let exact = try await TSNEReducer.reduce(e, p, context: .testing(seed: 2))
        #expect(exact.notes["knn-method"] == .text("exact") && exact.notes.number("knn-recall") == nil)
    }

    /// A workspace reused across calls gives the same bytes as a fresh one, and transforms the
    /// kernel again only when the grid changes (the same layout twice, then one 0.1 % wider).
    @Test func reusedWorkspaceGivesTheSameBytesAndKeepsTheKernel() {
        var g = SeededGenerator(seed: 12)
        let n = 500
        let x = (0..<n).map { _ in 20 * g.nextGaussian() }, y = (0..<n).map { _ in 20 * g.nextGaussian() }
        let workspace = TSNEInterpolation.Workspace()
        var reused = [SIMD2<Double>](repeating: .zero, count: n), fresh = reused
        for (step, scale) in [1.0, 1.0, 1.001].enumerated() {
            let xs = x.map { $0 * scale }, ys = y.map { $0 * scale }
            let z1 = TSNEInterpolation.repulsion(x: xs, y: ys, force: &reused, workspace: workspace)
            let z2 = TSNEInterpolation.repulsion(x: xs, y: ys, force: &fresh)
            #expect(z1.bitPattern == z2.bitPattern)
            #expect(reused.map { $0.x.bitPattern } == fresh.map { $0.x.bitPattern })
            #expect(reused.map { $0.y.bitPattern } == fresh.map { $0.y.bitPattern })
            #expect(workspace.kernelTransforms == (step < 2 ? 1 : 2), "after call \(step + 1)")
        }
        // The boxes span the layout: at least 50 of them, at most 1 / boxesPerUnit wide.
        for span in [0.001, 0.7, 13.0, 49.9, 50.0, 50.1, 333.3] {
            let (boxes, width) = TSNEInterpolation.grid(span: span, boxesPerUnit: 1)
            #expect(abs(Double(boxes) * width - span) <= 1e-12 * span && width <= 1 && boxes >= 50)
        }
    }
}
