import OrreryCore

/// `selector.regex`: the points whose metadata matches a regular expression — the Projector's search.
public enum RegexSelector: Selector {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "a regular expression; slashes optional (`^bad` or `/^bad/`)", .regularExpression)
        public var pattern: String
        @Parameter(help: "the metadata column searched", defaultText: "the label column") public var column: String? = nil
        @Parameter(help: "match case") public var caseSensitive = false
        @Parameter(help: "keep the points that do not match") public var invert = false

        public init() {}

        var regex: String { Parameters.strippingSlashes(pattern) }

        static func strippingSlashes(_ pattern: String) -> String {
            pattern.count >= 2 && pattern.hasPrefix("/") && pattern.hasSuffix("/")
                ? String(pattern.dropFirst().dropLast()) : pattern
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "selector.regex", kind: .selector, version: "1.0.0",
        summary: "The points whose metadata column matches a regular expression (or does not, with `invert`).",
        inputs: [.embedding],
        parameters: Parameters.self,
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

extension ParameterConstraint {
    /// A pattern that compiles, with or without its slashes.
    static let regularExpression = ParameterConstraint("a valid regular expression") { value, _ in
        guard let pattern = value as? String else { return nil }
        do {
            _ = try Term.regex(RegexSelector.Parameters.strippingSlashes(pattern)).matcher(parameter: "pattern")
            return nil
        } catch {
            return ConstraintViolation("'\(pattern)' is not a valid regular expression")
        }
    }
}
