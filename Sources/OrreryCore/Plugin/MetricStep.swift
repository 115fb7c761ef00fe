/// The parameters every metric step takes.
public struct MetricParameters: ParameterSet, Equatable {
    @Parameter(help: "labels or /regex/ naming the points whose neighbours are wanted", defaultText: "every point",
               .nonEmpty, .validRegex)
    public var queries: [Term]? = nil
    @Parameter(help: "neighbours per query", .atLeast(1)) public var k = 10
    @Parameter(help: "keep each query in its own list") public var includeSelf = false
    @Parameter(help: "the metadata column `queries` search", defaultText: "the label column")
    public var column: String? = nil
    @Parameter(help: "exact, approximate (NN-descent; recall in the notes) or auto (approximate for all points from max(30,000, 2,000·k))")
    public var method: KNNMethod = .exact

    public init() {}
}

/// What a metric step does, for every metric: resolve the queries, run the exact search.
public enum MetricStep {
    /// - Complexity: O(q·n·d) time, O(n·d + q·k) memory (see `NearestNeighborSearch`).
    public static func run(_ measure: DistanceMeasure, _ p: MetricParameters, on e: Embedding,
                           context: StepContext) throws -> Neighbors {
        guard e.count > 0 else { throw OrreryError.emptyDataset("the input has no points") }
        if measure.kernel == .cosine { warnAboutZeroVectors(e, measure: measure, context: context) }
        var queryRows: [Int]
        if let terms = p.queries {
            queryRows = []
            for (i, t) in terms.enumerated() {
                queryRows += try e.rows(matching: t, column: p.column, parameter: "queries.\(i)")
            }
        } else {
            queryRows = Array(0..<e.count)
        }
        return try neighbors(of: queryRows, in: e, k: p.k, measure: measure, includeSelf: p.includeSelf,
                             method: p.method, context: context)
    }

    /// A zero vector has no direction: under cosine (and angle) it is at the same distance from
    /// every point, and its neighbour list is arbitrary. A warning, not an error: the other points'
    /// lists are right (zero vectors sit at the end of them).
    ///
    /// - Complexity: O(n·d).
    static func warnAboutZeroVectors(_ e: Embedding, measure: DistanceMeasure, context: StepContext) {
        let v = e.vectors
        var zero: [Int] = []
        v.storage.withUnsafeBufferPointer { b in
            for i in 0..<v.rows where (0..<v.columns).allSatisfy({ b[i * v.columns + $0] == 0 }) { zero.append(i) }
        }
        guard let first = zero.first else { return }
        context.warn("\(zero.count) point\(zero.count == 1 ? " is a zero vector" : "s are zero vectors") (first: '\(e.label(first))'); "
                     + "\(measure.name) gives \(zero.count == 1 ? "it" : "them") no direction: equally far from every point, with arbitrary neighbours")
    }

    /// The k nearest rows of `e` to each of `queryRows`, as `Neighbors`.
    ///
    /// `k` above the number of other points (n − 1, or n with `includeSelf`) is lowered to it with a
    /// warning, so memory is bounded by the data, not by `k`. `method` picks exact or approximate
    /// search (`KNNMethod`); `auto` runs approximate search only when every point is a query and
    /// there are at least `NearestNeighborSearch.autoApproximateFrom(k:)` of them. The lists' notes say
    /// the method used and, for approximate lists, their measured recall.
    public static func neighbors(of queryRows: [Int], in e: Embedding, k requested: Int, measure: DistanceMeasure,
                                 includeSelf: Bool, method: KNNMethod = .exact,
                                 context: StepContext) throws -> Neighbors {
        if let bad = e.vectors.firstNonFinite() {
            throw OrreryError.shapeMismatch("row \(bad.row) ('\(e.label(bad.row))') holds a NaN or infinite value")
        }
        let n = e.count
        let available = includeSelf ? n : n - 1
        var k = requested
        if k > available {
            k = max(0, available)
            context.warn("k = \(requested) is more than the \(available) \(includeSelf ? "" : "other ")points; "
                         + "using k = \(k)")
        }
        let allPoints = queryRows == Array(0..<n)
        let asked: KNNMethod = method == .auto && !allPoints ? .exact : method
        let inner = includeSelf ? k - 1 : k
        var notes = Notes()
        notes.set("knn-method", KNNMethod.exact.rawValue)
        if inner >= 1, NearestNeighborSearch.resolve(asked, n: n, k: inner) == .approximate {
            var cancelled = false
            let found = NearestNeighborSearch.graph(of: e.vectors, k: inner, measure: measure, method: .approximate,
                                                    seed: context.seed) { done, total in
                context.progress(done, of: total, "iterations")
                cancelled = Task.isCancelled
                return !cancelled
            }
            guard let (graph, report) = found else { throw OrreryError.cancelled }
            report.record(in: &notes)
            var indices: [Int32] = [], distances: [Float] = []
            indices.reserveCapacity(queryRows.count * k)
            distances.reserveCapacity(queryRows.count * k)
            for row in queryRows {
                if includeSelf {
                    indices.append(Int32(row))
                    distances.append(measure.distance(e.vectors.row(row), e.vectors.row(row)))
                }
                indices += graph.indices[(row * inner)..<((row + 1) * inner)]
                distances += graph.distances[(row * inner)..<((row + 1) * inner)]
            }
            return Neighbors(metric: "metric." + measure.name, unit: measure.unit, embedding: e, queries: queryRows,
                             k: k, indices: indices, distances: distances, notes: notes)
        }
        if asked == .approximate {
            let note = "approximate search needs at least \(NearestNeighborSearch.approximateMinimum(k: max(1, inner))) "
                + "points for k = \(k); exact search was used on these \(n)"
            context.warn(note)
            notes.set("knn-note", note)
        }
        let queries = e.vectors.selecting(rows: queryRows)
        var cancelled = false
        let result = NearestNeighborSearch.search(
            points: e.vectors, queries: queries, queryRows: queryRows, k: k, measure: measure,
            excludeSelf: !includeSelf
        ) { done, total in
            context.progress(done, of: total, "queries")
            cancelled = Task.isCancelled
            return !cancelled
        }
        guard let result else { throw OrreryError.cancelled }
        return Neighbors(metric: "metric." + measure.name, unit: measure.unit, embedding: e, queries: queryRows,
                         k: result.k, indices: result.indices, distances: result.distances, notes: notes)
    }
}
