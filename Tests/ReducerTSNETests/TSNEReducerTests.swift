import Foundation
import OrreryCore
import OrreryTesting
@testable import ReducerTSNE
import Testing

/// Digits (scikit-learn's 8×8 handwritten digits, bundled in Workflows/data) and their labels.
private func digits() throws -> (points: Matrix, labels: [String]) {
    let folder = Fixtures.workflowsDirectory.appendingPathComponent("data")
    let text = try String(contentsOf: folder.appendingPathComponent("digits.tsv"), encoding: .utf8)
    let rows = text.split(separator: "\n").map { $0.split(separator: "\t").compactMap { Float($0) } }
    let labels = try MetadataTSV.read(contentsOf: folder.appendingPathComponent("digits_labels.tsv"),
                                      path: "digits_labels.tsv")
    return (Matrix(rows), labels.labelColumn?.values ?? [])
}

/// Share of each point's 10 nearest layout neighbours that carry its label.
private func labelAgreement(_ layout: Matrix, _ labels: [String], k: Int = 10) -> Double {
    guard let knn = NearestNeighborSearch.search(points: layout, queries: layout, queryRows: Array(0..<layout.rows),
                                                 k: k, measure: .euclidean) else { return 0 }
    var same = 0
    for i in 0..<layout.rows {
        for s in 0..<k where labels[Int(knn.indices[i * k + s])] == labels[i] { same += 1 }
    }
    return Double(same) / Double(layout.rows * k)
}

private func layout<V: SIMD>(_: V.Type, n: Int, scale: Double, seed: UInt64) -> [V] where V.Scalar == Double {
    var g = SeededGenerator(seed: seed)
    return (0..<n).map { _ in
        var v = V.zero
        for d in 0..<V.scalarCount { v[d] = scale * g.nextGaussian() }
        return v
    }
}

@Suite struct TSNEAffinityTests {
    @Test func conditionalDistributionsHaveTheRequestedPerplexity() throws {
        let points = Fixtures.random(rows: 120, columns: 6, seed: 3).vectors
        let k = 45
        let knn = try #require(NearestNeighborSearch.search(points: points, queries: points,
                                                            queryRows: Array(0..<120), k: k, measure: .euclidean))
        let p = TSNEAffinities.conditionalProbabilities(knn: knn, n: 120, perplexity: 15, squareDistances: true)
        for i in 0..<120 {
            let row = p[(i * k)..<((i + 1) * k)]
            #expect(abs(row.reduce(0, +) - 1) < 1e-9)
            let entropy = -row.reduce(0) { $1 > 0 ? $0 + $1 * log($1) : $0 }
            #expect(abs(exp(entropy) - 15) < 15 * 1e-4)
            // Nearer neighbours get more weight.
            for s in 1..<k where knn.distances[i * k + s] > knn.distances[i * k + s - 1] {
                #expect(row[row.startIndex + s] <= row[row.startIndex + s - 1])
            }
        }
    }

    @Test func jointAffinitiesAreSymmetricAndSumToOne() throws {
        let points = Fixtures.random(rows: 80, columns: 4, seed: 5).vectors
        let a = try #require(TSNEAffinities.compute(points: points, perplexity: 8, measure: .cosine))
        #expect(abs(a.values.reduce(0, +) - 1) < 1e-12)
        var dense = [Double](repeating: 0, count: 80 * 80)
        for i in 0..<80 {
            var last: Int32 = -1
            for e in a.rowStart[i]..<a.rowStart[i + 1] {
                #expect(a.columns[e] > last)  // ascending, no duplicates
                #expect(Int(a.columns[e]) != i)
                last = a.columns[e]
                dense[i * 80 + Int(a.columns[e])] = a.values[e]
            }
        }
        for i in 0..<80 { for j in 0..<80 { #expect(dense[i * 80 + j] == dense[j * 80 + i]) } }
    }
}

@Suite struct TSNEGradientTests {
    /// Central differences of the exact KL divergence against the analytic gradient.
    func checkGradient<V: SIMD>(_: V.Type) throws where V: Sendable, V.Scalar == Double {
        let n = 40
        let points = Fixtures.random(rows: n, columns: 5, seed: 11).vectors
        let a = try #require(TSNEAffinities.compute(points: points, perplexity: 5, measure: .euclidean))
        let g = TSNEGradient<V>(affinities: a, repulsion: .exact)
        var y = layout(V.self, n: n, scale: 2, seed: 4)
        var grad = [V](repeating: .zero, count: n)
        _ = g.evaluate(y, exaggeration: 1, gradient: &grad, divergence: false)
        var scratch = grad
        let h = 1e-5
        var worst = 0.0
        for i in stride(from: 0, to: n, by: 3) {
            for d in 0..<V.scalarCount {
                let saved = y[i][d]
                y[i][d] = saved + h
                let up = try #require(g.evaluate(y, exaggeration: 1, gradient: &scratch, divergence: true))
                y[i][d] = saved - h
                let down = try #require(g.evaluate(y, exaggeration: 1, gradient: &scratch, divergence: true))
                y[i][d] = saved
                let numeric = (up - down) / (2 * h)
                worst = max(worst, abs(numeric - grad[i][d]) / (1e-3 + abs(grad[i][d])))
            }
        }
        #expect(worst < 1e-5, "largest relative gradient error \(worst)")
    }

    @Test func gradientMatchesFiniteDifferencesIn2D() throws { try checkGradient(SIMD2<Double>.self) }
    @Test func gradientMatchesFiniteDifferencesIn3D() throws { try checkGradient(SIMD3<Double>.self) }

    @Test func barnesHutApproachesTheExactGradient() throws {
        let n = 300
        let points = Fixtures.random(rows: n, columns: 8, seed: 2).vectors
        let a = try #require(TSNEAffinities.compute(points: points, perplexity: 10, measure: .euclidean))
        let y = layout(SIMD2<Double>.self, n: n, scale: 5, seed: 9)
        func gradient(_ r: TSNEGradient<SIMD2<Double>>.Repulsion) -> ([SIMD2<Double>], Double) {
            var grad = [SIMD2<Double>](repeating: .zero, count: n)
            let kl = TSNEGradient(affinities: a, repulsion: r).evaluate(y, exaggeration: 1, gradient: &grad,
                                                                         divergence: true)
            return (grad, kl ?? .nan)
        }
        func relativeError(_ a: [SIMD2<Double>], _ b: [SIMD2<Double>]) -> Double {
            var num = 0.0, den = 0.0
            for i in 0..<n {
                let diff = a[i] - b[i]
                num += (diff * diff).sum()
                den += (b[i] * b[i]).sum()
            }
            return (num / den).squareRoot()
        }
        let (exact, exactKL) = gradient(.exact)
        let (all, allKL) = gradient(.barnesHut(theta: 0))
        let (fine, fineKL) = gradient(.barnesHut(theta: 0.1))
        let (coarse, _) = gradient(.barnesHut(theta: 0.5))
        #expect(relativeError(all, exact) < 1e-12)
        #expect(abs(allKL - exactKL) < 1e-12)
        #expect(relativeError(fine, exact) < 2e-3)
        #expect(abs(fineKL - exactKL) < 1e-3 * exactKL)
        #expect(relativeError(coarse, exact) < 3e-2)
        #expect(relativeError(coarse, exact) > relativeError(fine, exact))
    }

    @Test func exactAndBarnesHutRunsAgree() throws {
        // t-SNE's optimisation is chaotic (gains flip with gradient signs), so two runs whose gradients
        // differ by 0.1% end in different, equally good minima: compare their quality, not the points.
        let points = Fixtures.random(rows: 150, columns: 10, seed: 6).vectors
        var c = TSNE.Configuration(perplexity: 10, iterations: 300, exaggerationIterations: 100, measure: .euclidean,
                                   method: .exact)
        let exact = try TSNE.run(points, c)
        c.method = .barnesHut
        c.theta = 0.1
        let bh = try TSNE.run(points, c)
        #expect(abs(exact.klDivergence - bh.klDivergence) < 0.15 * exact.klDivergence,
                "exact KL \(exact.klDivergence), Barnes-Hut KL \(bh.klDivergence)")
        let all = Array(0..<150)
        let t1 = try #require(ProjectionQuality.measure(original: points, layout: exact.layout, queries: all))
        let t2 = try #require(ProjectionQuality.measure(original: points, layout: bh.layout, queries: all))
        #expect(abs(t1.trustworthiness - t2.trustworthiness) < 0.05, "\(t1.trustworthiness) vs \(t2.trustworthiness)")
    }
}

@Suite struct TSNEReducerTests {
    @Test func sameSeedGivesIdenticalLayoutsAndAnotherSeedDoesNot() async throws {
        // 1,100 points use Barnes-Hut and several threads (chunks of 128 points).
        let e = Fixtures.random(rows: 1100, columns: 10, seed: 8)
        let p = TSNEReducer.Parameters.with { $0.perplexity = 5; $0.iterations = 8; $0.initialization = .random }
        let a = try await TSNEReducer.reduce(e, p, context: .testing(seed: 1))
        let b = try await TSNEReducer.reduce(e, p, context: .testing(seed: 1))
        var q = p
        q.seed = 2
        let c = try await TSNEReducer.reduce(e, q, context: .testing(seed: 1))
        #expect(a.notes.number("method") == nil && a.notes["method"] == .text("barnes-hut"))
        #expect(a.vectors.storage == b.vectors.storage)
        #expect(a.notes == b.notes)
        #expect(a.vectors.storage != c.vectors.storage)
        #expect(c.notes.number("seed") == 2)
    }

    @Test func digitsAreSeparatedAndTrustworthy() async throws {
        var (points, labels) = try digits()
        #expect(points.rows == 1797 && points.columns == 64 && labels.count == 1797)
        #if DEBUG
        // Unoptimised builds run the gradient ~50× slower: every 6th digit (300 points, exact gradient,
        // 400 iterations of which 100 exaggerated). Release builds run the full default schedule.
        let keep = Array(stride(from: 0, to: 1797, by: 6))
        points = points.selecting(rows: keep)
        labels = keep.map { labels[$0] }
        let p = TSNEReducer.Parameters.with { $0.iterations = 400; $0.exaggerationIterations = 100 }
        #else
        // The full default schedule (1,000 iterations, perplexity 30, PCA init, cosine, Barnes-Hut).
        let p = TSNEReducer.Parameters()
        #endif
        let e = Embedding(vectors: points, metadata: MetadataTable(labels: labels))
        let out = try await TSNEReducer.reduce(e, p, context: .testing(seed: 0))
        #expect(out.axes == ["tsne-0", "tsne-1"])
        let trust = try #require(out.notes.number("trustworthiness@10"))
        #if DEBUG
        // With 300 points, 10 neighbours are a larger share of each point's neighbourhood: 0.97 here
        // (the full set in release reaches ≥ 0.98).
        #expect(trust >= 0.97, "trustworthiness@10 = \(trust)")
        #else
        #expect(trust >= 0.98, "trustworthiness@10 = \(trust)")
        #endif
        let agreement = labelAgreement(out.vectors, labels)
        #expect(agreement >= 0.9, "kNN label agreement = \(agreement)")
        let kl = try #require(out.notes.number("kl-divergence"))
        #expect(kl > 0.1 && kl < 1.5, "KL = \(kl)")
        #expect(out.notes["reducer"] == .text("reducer.tsne"))
        #expect(out.notes.number("learning-rate") == max(Double(points.rows) / 12 / 4, 50))
        #expect(out.notes.number("perplexity") == 30 && out.notes.number("iterations") == Double(p.iterations))
    }

    @Test func threeDimensionalLayoutsHaveThreeAxes() async throws {
        let e = Fixtures.random(rows: 90, columns: 6, seed: 4)
        let out = try await TSNEReducer.reduce(e, .with { $0.dims = 3; $0.perplexity = 10; $0.iterations = 300 }, context: .testing())
        #expect(out.axes == ["tsne-0", "tsne-1", "tsne-2"])
        #expect(out.vectors.columns == 3 && out.rows == e.rows && out.root === e.root)
        #expect(out.vectors.firstNonFinite() == nil)
    }

    @Test func perplexityTooLargeForThePointsNamesPerplexity() async throws {
        let e = Fixtures.random(rows: 50, columns: 4)
        await #expect {
            _ = try await TSNEReducer.reduce(e, .with { $0.perplexity = 17 }, context: .testing())
        } throws: { error in
            (error as? OrreryError)?.parameter == "perplexity"
        }
        // 3 × 16 = 48 < 50 runs.
        let out = try await TSNEReducer.reduce(e, .with { $0.perplexity = 16; $0.iterations = 20 }, context: .testing())
        #expect(out.count == 50)
    }

    @Test func fourDimensionsAreRejectedNamingDims() throws {
        let node = try YAMLSource(path: "t.yaml", text: "perplexity: 5\ndims: 4").compose()
        guard case .failure(let d) = TSNEReducer.registryEntry.prepare(node) else {
            Issue.record("dims: 4 was accepted")
            return
        }
        #expect(d.diagnostics.first?.problem == .invalidValue(parameter: "dims", reason: "must be 2 or 3, got 4"))
        #expect(d.diagnostics.first?.location?.line == 2)
        #expect(throws: TSNE.Failure.invalidDims(4)) {
            _ = try TSNE.run(Fixtures.random(rows: 20, columns: 3).vectors, TSNE.Configuration(dims: 4, perplexity: 2))
        }
    }

    @Test func emptyParametersDecodeToTheDefaults() throws {
        let node = try YAMLSource(path: "t.yaml", text: "{}").compose()
        guard case .success = TSNEReducer.registryEntry.prepare(node) else {
            Issue.record("{} was rejected")
            return
        }
        let text = "learning-rate: auto\ninit: random\nmethod: barnes-hut\nmetric: euclidean\nseed: 3"
        guard case .success = TSNEReducer.registryEntry.prepare(try YAMLSource(path: "t.yaml", text: text).compose()) else {
            Issue.record("valid parameters were rejected")
            return
        }
        let bad = try YAMLSource(path: "t.yaml", text: "learning-rate: fast").compose()
        guard case .failure = TSNEReducer.registryEntry.prepare(bad) else {
            Issue.record("learning-rate: fast was accepted")
            return
        }
    }
}
