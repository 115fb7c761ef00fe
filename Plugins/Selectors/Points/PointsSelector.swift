import OrreryCore

/// `selector.points`: the points named explicitly — by label (or /regex/) or by row index — as the
/// Projector's "isolate selection". Output order follows the list given; duplicates are kept once.
public enum PointsSelector: Selector {
    public struct Parameters: Codable, Sendable, Equatable, ValidatingParameters {
        /// Labels or /regex/ terms, searched in `column`.
        public var labels: [Term]?
        /// Row indices of the input (0-based).
        public var rows: [Int]?
        /// The metadata column `labels` search (default: the label column).
        public var column: String?

        public init(labels: [Term]? = nil, rows: [Int]? = nil, column: String? = nil) {
            self.labels = labels
            self.rows = rows
            self.column = column
        }

        enum CodingKeys: String, CodingKey { case labels, rows, column }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            labels = try c(.labels)
            rows = try c(.rows)
            column = try c(.column)
        }

        public func validate() throws(ParameterError) {
            switch (labels, rows) {
            case (nil, nil): throw ParameterError("labels", "give `labels` or `rows`")
            case (.some, .some): throw ParameterError("rows", "give `labels` or `rows`, not both")
            case (let l?, nil) where l.isEmpty: throw ParameterError("labels", "is empty")
            case (nil, let r?) where r.isEmpty: throw ParameterError("rows", "is empty")
            case (nil, let r?):
                if let bad = r.first(where: { $0 < 0 }) { throw ParameterError("rows", "row \(bad) is negative") }
            default: break
            }
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "selector.points", kind: .selector, version: "1.0.0",
        summary: "The points named by `labels` (or /regex/) or by `rows` — the Projector's \"isolate\".",
        inputs: [.embedding],
        parameters: [
            ParameterDescriptor("labels", "list of terms", default: "none", "labels or /regex/ naming the points; in this order"),
            ParameterDescriptor("rows", "list of integers", default: "none", "row indices (0-based) of the input, instead of labels"),
            ParameterDescriptor("column", "string", default: "the label column", "the metadata column `labels` search"),
        ],
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
