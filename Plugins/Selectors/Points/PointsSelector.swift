import OrreryCore

/// `selector.points`: the points named explicitly — by label (or /regex/) or by row index — as the
/// Projector's "isolate selection". Output order follows the list given; duplicates are kept once.
public enum PointsSelector: Selector {
    public struct Parameters: ParameterSet, Equatable, ValidatingParameters {
        @Parameter(help: "labels or /regex/ naming the points; in this order", .nonEmpty, .validRegex)
        public var labels: [Term]? = nil
        @Parameter(help: "row indices (0-based) of the input, instead of labels", .nonEmpty) public var rows: [Int]? = nil
        @Parameter(help: "the metadata column `labels` search", defaultText: "the label column")
        public var column: String? = nil

        public init() {}

        public func validate() throws(ParameterError) {
            switch (labels, rows) {
            case (nil, nil): throw ParameterError("labels", "give `labels` or `rows`")
            case (.some, .some): throw ParameterError("rows", "give `labels` or `rows`, not both")
            case (nil, let r?):
                if let (i, bad) = r.enumerated().first(where: { $0.element < 0 }) {
                    throw ParameterError(path: ["rows", String(i)], "row \(bad) is negative")
                }
            default: break
            }
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "selector.points", kind: .selector, version: "1.0.0",
        summary: "The points named by `labels` (or /regex/) or by `rows` — the Projector's \"isolate\".",
        inputs: [.embedding],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: points-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              chosen:
                uses: selector.points
                from: glove
                with: { labels: [king, queen, man, woman, /^prince/] }
            """)

    /// - Complexity: O(t·n) for t terms over n labels (O(r·d) for r rows), plus O(m·d) to copy m points.
    public static func select(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> Embedding {
        let e = try inputs.embedding()
        var chosen: [Int] = []
        var seen = Set<Int>()
        if let rows = p.rows {
            for r in rows {
                guard r < e.count else {
                    throw OrreryError.invalidParameter("rows", reason: "row \(r) is past the end; the input has \(e.count) rows")
                }
                if seen.insert(r).inserted { chosen.append(r) }
            }
        } else if let labels = p.labels {
            for term in labels {
                for r in try e.rows(matching: term, column: p.column, parameter: "labels") where seen.insert(r).inserted {
                    chosen.append(r)
                }
            }
        }
        return e.subset(chosen)
    }
}
