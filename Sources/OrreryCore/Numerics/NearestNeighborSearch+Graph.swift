/// The all-points neighbour graph, exact or approximate: the one entry point for metric steps,
/// selectors and reducers (t-SNE affinities, UMAP's fuzzy graph) that need every point's k nearest.
extension NearestNeighborSearch {
    /// `auto` picks approximate search from this many points on, for `k` neighbours:
    /// max(30,000, 2,000·k). Exact all-points search costs about n²·d whatever k, NN-descent about
    /// n·C²·d (C its candidates, 2k up to 60). Measured on this machine kind, 50,000 GloVe words
    /// (50-d), all points, seconds exact / NN-descent: k = 15 1.97 / 1.15, k = 30 2.2 / 2.59,
    /// k = 90 2.96 / 9.6 — crossings near 29k, 59k and 162k points.
    public static func autoApproximateFrom(k: Int) -> Int { max(30_000, 2_000 * k) }

    /// Queries in the seeded sample an approximate result's recall is measured on.
    public static let recallSample = 200

    /// Below this many points `approximate` runs exact search instead (and says so in the result's
    /// `note`): NN-descent needs room to sample neighbours of neighbours, and exact search on so
    /// few points costs less than building the forest.
    public static func approximateMinimum(k: Int) -> Int { max(256, 4 * (k + 1)) }

    /// The method `method` resolves to for `n` points and `k` neighbours.
    public static func resolve(_ method: KNNMethod, n: Int, k: Int) -> KNNMethod {
        switch method {
        case .exact: return .exact
        case .approximate: return n < approximateMinimum(k: k) ? .exact : .approximate
        case .auto: return n >= autoApproximateFrom(k: k) && n >= approximateMinimum(k: k) ? .approximate : .exact
        }
    }

    /// What a graph search did: the method it ran, and for approximate lists the recall measured
    /// against exact search on a seeded sample of `recallSample` rows.
    public struct GraphReport: Sendable, Equatable {
        public var method: KNNMethod
        public var recall: Double?
        /// Why the method differs from the one asked for, if it does.
        public var note: String?
        /// NN-descent iterations run (0 for exact search).
        public var iterations: Int

        public init(method: KNNMethod, recall: Double?, note: String?, iterations: Int) {
            self.method = method
            self.recall = recall
            self.note = note
            self.iterations = iterations
        }

        /// The report as step notes: `knn-method`, `knn-recall`, `knn-recall-sample`, `knn-note`.
        public func record(in notes: inout Notes) {
            notes.set("knn-method", method.rawValue)
            if let recall {
                notes.set("knn-recall", recall)
                notes.set("knn-recall-sample", Double(NearestNeighborSearch.recallSample))
            }
            if let note { notes.set("knn-note", note) }
        }
    }

    /// Every point's k nearest other points (never itself), nearest first, exact or approximate.
    ///
    /// The lists have the same shape as `search(points:queries:…)`'s (`n × k`, -1 padding, distances
    /// in the measure's reported unit). `k` above n − 1 is lowered to n − 1 (the result's `k` says).
    /// Approximate lists come from NN-descent (`NNDescent`): seeded, and the same bytes whatever the
    /// number of workers; their recall is measured on a seeded sample of rows against exact search.
    ///
    /// - Parameters:
    ///   - method: `.exact`, `.approximate` or `.auto` (see `resolve`).
    ///   - seed: the seed of the forest and of every sampling choice (unused by exact search).
    ///   - options: NN-descent's settings (default `NNDescentOptions.defaults(n:k:)`).
    ///   - workers: parallel workers for NN-descent (the result does not depend on it).
    ///   - progress: called with (done, total) — query rows for exact search, iterations for
    ///     NN-descent; return false to stop (the result is then nil).
    /// - Complexity: exact O(n²·d); approximate about O(n·(trees·leaf + iterations·C²)·d) with
    ///   C = min(60, k) candidates, plus O(recallSample·n·d) for the recall; O(n·(d + k)) memory.
    public static func graph(of points: Matrix, k requested: Int, measure: DistanceMeasure,
                             method: KNNMethod = .auto, seed: UInt64, options: NNDescentOptions? = nil,
                             workers: Int = Parallel.workers,
                             progress: (Int, Int) -> Bool = { _, _ in true }) -> (Result, GraphReport)? {
        let n = points.rows
        let k = max(0, min(requested, n - 1))
        let chosen = resolve(method, n: n, k: k)
        var note: String?
        if method == .approximate && chosen == .exact {
            note = "approximate search needs at least \(approximateMinimum(k: k)) points for k = \(k); "
                + "exact search was used on these \(n)"
        }
        guard chosen == .approximate, k >= 1 else {
            guard let r = search(points: points, queries: points, queryRows: Array(0..<n), k: k, measure: measure,
                                 onBlock: progress) else { return nil }
            return (r, GraphReport(method: .exact, recall: nil, note: note, iterations: 0))
        }
        guard let g = NNDescent.graph(points: points, k: k, kernel: measure.kernel, seed: seed, options: options,
                                      workers: workers, shouldContinue: progress) else { return nil }
        let report = measure.report
        let euclidean = measure.kernel == .squaredEuclidean
        let distances = g.keys.map { key in key.isFinite ? report(euclidean ? max(0, key) : -key) : Float.nan }
        let result = Result(k: k, indices: g.ids, distances: distances)
        let recall = measuredRecall(of: result, points: points, measure: measure, seed: seed)
        return (result, GraphReport(method: .approximate, recall: recall, note: nil, iterations: g.iterations))
    }

    /// Mean share of each sampled row's exact k nearest that `result` lists, over a seeded sample of
    /// `recallSample` rows (every row when there are fewer).
    ///
    /// - Complexity: O(recallSample·n·d).
    public static func measuredRecall(of result: Result, points: Matrix, measure: DistanceMeasure,
                                      seed: UInt64) -> Double {
        let n = points.rows, k = result.k
        guard n > 0, k > 0 else { return 1 }
        let sample = ProjectionQuality.sampleRows(count: n, limit: recallSample, seed: seed ^ 0x7265_6361_6c6c)
        guard let exact = search(points: points, queries: points.selecting(rows: sample), queryRows: sample, k: k,
                                 measure: measure) else { return 0 }
        var found = 0, wanted = 0
        for (qi, row) in sample.enumerated() {
            let truth = Set((0..<k).map { exact.indices[qi * k + $0] }.filter { $0 >= 0 })
            wanted += truth.count
            found += (0..<k).filter { truth.contains(result.indices[row * k + $0]) }.count
        }
        return wanted == 0 ? 1 : Double(found) / Double(wanted)
    }
}
