import OrreryCore

/// `selector.neighbors`: a point and its k nearest neighbours, by any metric in the registry — the
/// Projector's "isolate neighbours".
public enum NeighborsSelector: Selector {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the query: a label, or /regex/ over `column` (every match is a query; their lists are merged)",
                   .validRegex)
        public var of: Term
        @Parameter(help: "neighbours per query", .atLeast(1)) public var k = 100
        @Parameter(help: "a metric plugin by name: cosine, angle, euclidean, dot", .metric) public var metric = "cosine"
        @Parameter(help: "keep the query itself, first") public var includeQuery = true
        @Parameter(help: "exact, approximate (NN-descent over every point; recall in the notes) or auto")
        public var method: KNNMethod = .exact
        @Parameter(help: "the metadata column `of` searches", defaultText: "the label column")
        public var column: String? = nil

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "selector.neighbors", kind: .selector, version: "1.0.0",
        summary: "A point (or every /regex/ match) and its k nearest neighbours, by any metric.",
        inputs: [.embedding],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: neighbors-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              near-politics:
                uses: selector.neighbors
                from: glove
                with: { of: politics, k: 100, metric: cosine }
            """)

    /// Adds a `distance` metadata column (to the first query) and notes `neighbors-of`, `metric`.
    ///
    /// - Complexity: O(q·n·d) for q query points (exact search).
    public static func select(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> Embedding {
        let e = try inputs.embedding()
        let measure: DistanceMeasure
        do { measure = try context.measure(named: p.metric) } catch {
            throw OrreryError.invalidParameter("metric", reason: error.description)
        }
        let queries = try e.rows(matching: p.of, column: p.column, parameter: "of")
        let lists = try MetricStep.neighbors(of: queries, in: e, k: p.k, measure: measure, includeSelf: false,
                                             method: p.method,
                                             context: context)
        var chosen: [Int] = []
        var distance: [Int: Float] = [:]
        var seen: Set<Int> = []
        if p.includeQuery {
            for q in queries where seen.insert(q).inserted {
                chosen.append(q)
                distance[q] = measure.distance(e.vectors.row(q), e.vectors.row(queries[0]))
            }
        }
        for qi in queries.indices {
            for (row, d) in lists.list(qi) where seen.insert(row).inserted {
                chosen.append(row)
                distance[row] = qi == 0 ? d : measure.distance(e.vectors.row(row), e.vectors.row(queries[0]))
            }
        }
        var out = e.subset(chosen)
        out.metadata.set(.init(name: "\(measure.name)-distance",
                               values: chosen.map { distance[$0].map { "\($0)" } ?? "" }))
        out.notes.set("neighbors-of", p.of.description)
        out.notes.set("metric", "metric." + measure.name)
        out.notes.merge(lists.notes)
        return out
    }
}
