import OrreryCore

/// `selector.regex`: the points whose metadata matches a regular expression — the Projector's search.
public enum RegexSelector: Selector {
    public struct Parameters: Codable, Sendable, Equatable, ValidatingParameters {
        /// A regular expression (slashes optional: `^bad` or `/^bad/`).
        public var pattern: String
        /// The metadata column searched (default: the label column).
        public var column: String?
        public var caseSensitive: Bool = false
        /// Keep the points that do NOT match.
        public var invert: Bool = false

        public init(pattern: String, column: String? = nil, caseSensitive: Bool = false, invert: Bool = false) {
            self.pattern = pattern
            self.column = column
            self.caseSensitive = caseSensitive
            self.invert = invert
        }

        enum CodingKeys: String, CodingKey {
            case pattern, column, invert
            case caseSensitive = "case-sensitive"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            pattern = try c.decode(String.self, forKey: .pattern)
            column = try c(.column)
            caseSensitive = try c(.caseSensitive, default: caseSensitive)
            invert = try c(.invert, default: invert)
        }

        var regex: String {
            pattern.count >= 2 && pattern.hasPrefix("/") && pattern.hasSuffix("/")
                ? String(pattern.dropFirst().dropLast()) : pattern
        }

        public func validate() throws(ParameterError) {
            do { _ = try Term.regex(regex).matcher(parameter: "pattern") } catch {
                throw ParameterError("pattern", "'\(pattern)' is not a valid regular expression")
            }
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "selector.regex", kind: .selector, version: "1.0.0",
        summary: "The points whose metadata column matches a regular expression (or does not, with `invert`).",
        inputs: [.embedding],
        parameters: [
            ParameterDescriptor("pattern", "string", "a regular expression; slashes optional"),
            ParameterDescriptor("column", "string", default: "the label column", "the metadata column searched"),
            ParameterDescriptor("case-sensitive", "boolean", default: "false", "match case"),
            ParameterDescriptor("invert", "boolean", default: "false", "keep the points that do not match"),
        ],
        example: """
            orrery: 1
            name: regex-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              colours:
                uses: selector.regex
                from: glove
                with: { pattern: "^(red|green|blue|yellow|purple|orange)s?$" }
            """)

    /// - Complexity: O(n) regex evaluations.
    public static func select(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> Embedding {
        let e = try inputs.embedding()
        let column = try e.searchColumn(p.column)
        let matcher = try Term.regex(p.regex).matcher(parameter: "pattern", caseSensitive: p.caseSensitive)
        let rows = column.values.indices.filter { matcher.matches(column.values[$0]) != p.invert }
        guard !rows.isEmpty else {
            throw OrreryError.invalidParameter("pattern", reason: "selects no point: nothing in column '\(column.name)' "
                                               + (p.invert ? "fails to match" : "matches") + " /\(p.regex)/")
        }
        var out = e.subset(rows)
        out.notes.set("selected-by", "/\(p.regex)/" + (p.invert ? " (inverted)" : ""))
        return out
    }
}
