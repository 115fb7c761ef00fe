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
