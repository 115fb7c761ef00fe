/// The parameters every metric step takes.
public struct MetricParameters: ParameterSet, Equatable {
    @Parameter(help: "labels or /regex/ naming the points whose neighbours are wanted", defaultText: "every point",
               .nonEmpty, .validRegex)
    public var queries: [Term]? = nil
    @Parameter(help: "neighbours per query", .atLeast(1)) public var k = 10
    @Parameter(help: "keep each query in its own list") public var includeSelf = false
    @Parameter(help: "the metadata column `queries` search", defaultText: "the label column")
    public var column: String? = nil

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
        return try neighbors(of: queryRows, in: e, k: p.k, measure: measure, includeSelf: p.includeSelf, context: context)
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
    public static func neighbors(of queryRows: [Int], in e: Embedding, k: Int, measure: DistanceMeasure,
                                 includeSelf: Bool, context: StepContext) throws -> Neighbors {
        if let bad = e.vectors.firstNonFinite() {
            throw OrreryError.shapeMismatch("row \(bad.row) ('\(e.label(bad.row))') holds a NaN or infinite value")
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
                         k: k, indices: result.indices, distances: result.distances)
    }
}
