import OrreryCore
import OrreryTesting
import Testing

/// The exact search against brute force, across tile boundaries (64 query rows, 2048 points).
@Suite struct NearestNeighborSearchTests {
    static var measures: [(DistanceMeasure, @Sendable ([Float], [Float]) -> Double)] { [
        (.cosine, Reference.cosineDistance), (.euclidean, Reference.euclidean), (.dot, Reference.negativeDot),
    ] }

    @Test(arguments: [0, 1, 2])
    func exactListsEqualBruteForceAcrossTiles(measureIndex: Int) throws {
        let (measure, reference) = Self.measures[measureIndex]
        // 2,500 points (two point tiles, the second partial), 13 columns (not a SIMD multiple),
        // 150 queries (three query tiles, the last partial).
        let e = Fixtures.random(rows: 2_500, columns: 13, seed: 5)
        let queryRows = Array(stride(from: 3, to: 2_500, by: 16.6).map { Int($0) }.prefix(150))
        let r = try #require(NearestNeighborSearch.search(points: e.vectors, queries: e.vectors.selecting(rows: queryRows),
                                                          queryRows: queryRows, k: 9, measure: measure))
        #expect(r.k == 9)
        for (qi, row) in queryRows.enumerated() {
            let expected = Reference.neighbors(of: row, in: e.vectors, k: 9, distance: reference)
            #expect(Array(r.indices[(qi * 9)..<((qi + 1) * 9)]) == expected.map { Int32($0.row) }, "query \(row)")
            let d0 = Double(r.distances[qi * 9])
            #expect(abs(d0 - (measure.name == "dot" ? -expected[0].distance : expected[0].distance)) < 1e-4)
        }
    }

    @Test func kAboveTheNumberOfPointsIsLoweredToIt() throws {
        let e = Fixtures.random(rows: 20, columns: 3)
        let r = try #require(NearestNeighborSearch.search(points: e.vectors, queries: e.vectors,
                                                          queryRows: Array(0..<20), k: 100_000, measure: .cosine))
        #expect(r.k == 20)
        #expect(r.indices.count == 20 * 20)
        // Self excluded: 19 neighbours, then one -1 pad.
        #expect(r.indices[19] == -1 && r.indices[18] >= 0)
    }

    @Test func graphKAboveNMinusOneIsLoweredToIt() throws {
        let e = Fixtures.random(rows: 30, columns: 4)
        let (r, report) = try #require(NearestNeighborSearch.graph(of: e.vectors, k: 500, measure: .euclidean, seed: 1))
        #expect(r.k == 29 && report.method == .exact)
        #expect(!r.indices.contains(-1))
    }
}

/// NN-descent: recall on real data, reproducibility, and its fall-backs.
@Suite struct ApproximateNeighborsTests {
    /// The first 10,000 words of the bundled 50k GloVe set.
    static func glove10k() async throws -> Matrix {
        let e = try await Bundled.glove()
        return e.vectors.selecting(rows: Array(0..<10_000))
    }

    @Test(arguments: [15, 40])
    func recallOnTenThousandGloVeWordsIsAtLeast95Percent(k: Int) async throws {
        let x = try await Self.glove10k()
        let (r, report) = try #require(NearestNeighborSearch.graph(of: x, k: k, measure: .cosine, method: .approximate,
                                                                   seed: 3))
        #expect(report.method == .approximate)
        let reported = try #require(report.recall)
        #expect(reported >= 0.95)
        // An independent check on other rows, against brute force in Double precision.
        var found = 0
        let rows = Array(stride(from: 7, to: 10_000, by: 97))
        for row in rows {
            let truth = Set(Reference.neighbors(of: row, in: x, k: k, distance: Reference.cosineDistance).map { Int32($0.row) })
            found += r.indices[(row * k)..<((row + 1) * k)].filter(truth.contains).count
        }
        let recall = Double(found) / Double(rows.count * k)
        #expect(recall >= 0.95, "independent recall \(recall)")
        #expect(abs(recall - reported) < 0.03)
        // Lists are sorted, never hold the point itself, and distances are the measure's.
        for row in rows.prefix(10) {
            let list = r.indices[(row * k)..<((row + 1) * k)]
            #expect(!list.contains(Int32(row)) && !list.contains(-1))
            let d = Array(r.distances[(row * k)..<((row + 1) * k)])
            #expect(d == d.sorted())
            let direct = DistanceMeasure.cosine.distance(x.row(row), x.row(Int(list[list.startIndex])))
            #expect(abs(d[0] - direct) < 1e-5)
        }
    }

    @Test(arguments: [DistanceMeasure.cosine, .euclidean])
    func sameSeedGivesTheSameBytesWhateverTheWorkerCount(measure: DistanceMeasure) throws {
        let x = Fixtures.random(rows: 3_000, columns: 12, seed: 9).vectors
        let one = try #require(NearestNeighborSearch.graph(of: x, k: 10, measure: measure, method: .approximate,
                                                           seed: 42, workers: 1))
        let three = try #require(NearestNeighborSearch.graph(of: x, k: 10, measure: measure, method: .approximate,
                                                             seed: 42, workers: 3))
        let again = try #require(NearestNeighborSearch.graph(of: x, k: 10, measure: measure, method: .approximate,
                                                             seed: 42, workers: 2))
        #expect(one.0.indices == three.0.indices && one.0.indices == again.0.indices)
        #expect(one.0.distances.map(\.bitPattern) == three.0.distances.map(\.bitPattern))
        #expect(one.1 == three.1)
        let other = try #require(NearestNeighborSearch.graph(of: x, k: 10, measure: measure, method: .approximate,
                                                             seed: 43, workers: 2))
        #expect((other.1.recall ?? 0) > 0.9)
    }

    @Test func approximateOnTenPointsRunsExactWithANote() throws {
        let e = Fixtures.random(rows: 10, columns: 3)
        let log = WarningLog()
        let n = try MetricStep.neighbors(of: Array(0..<10), in: e, k: 3, measure: .cosine, includeSelf: false,
                                         method: .approximate, context: .testing(events: log.record))
        #expect(n.notes["knn-method"] == .text("exact"))
        #expect(n.notes["knn-note"]?.description.contains("exact search was used on these 10") == true)
        #expect(log.messages.count == 1)
        for q in 0..<10 {
            let expected = Reference.neighbors(of: q, in: e.vectors, k: 3, distance: Reference.cosineDistance)
            #expect(n.list(q).map(\.row) == expected.map(\.row))
        }
    }

    @Test func autoIsExactBelowTheCrossoverAndForQuerySubsets() {
        #expect(NearestNeighborSearch.resolve(.auto, n: 1_000, k: 15) == .exact)
        #expect(NearestNeighborSearch.resolve(.auto, n: 1_000_000, k: 15) == .approximate)
        #expect(NearestNeighborSearch.resolve(.approximate, n: 10, k: 3) == .exact)
        #expect(NearestNeighborSearch.resolve(.exact, n: 1_000_000, k: 15) == .exact)
    }
}

/// `k` above what the data holds is lowered, with a warning, and memory follows the data.
@Suite struct MetricStepClampingTests {
    @Test func kAboveNMinusOneIsClampedWithAWarning() throws {
        let e = Fixtures.random(rows: 200, columns: 5)
        let log = WarningLog()
        var p = MetricParameters()
        p.k = 100_000
        let n = try MetricStep.run(.cosine, p, on: e, context: .testing(events: log.record))
        #expect(n.k == 199)
        #expect(n.indices.count == 200 * 199)
        #expect(!n.indices.contains(-1))
        #expect(log.messages == ["k = 100000 is more than the 199 other points; using k = 199"])
    }

    @Test func withIncludeSelfTheLimitIsN() throws {
        let e = Fixtures.random(rows: 40, columns: 5)
        let log = WarningLog()
        var p = MetricParameters()
        p.k = 41
        p.includeSelf = true
        let n = try MetricStep.run(.euclidean, p, on: e, context: .testing(events: log.record))
        #expect(n.k == 40)
        #expect(n.list(3).first?.row == 3)
        #expect(log.messages.count == 1)
    }
}
