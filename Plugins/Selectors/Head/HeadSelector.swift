import OrreryCore

/// `selector.head`: the first N rows — a quick way to cut a large set down.
public enum HeadSelector: Selector {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "rows to keep (all, when the input has fewer)", .atLeast(1)) public var count = 1000

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "selector.head", kind: .selector, version: "1.0.0",
        summary: "The first `count` rows (all of them when there are fewer).",
        inputs: [.embedding],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: head-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              first:
                uses: selector.head
                from: glove
                with: { count: 1000 }
            """)

    /// - Complexity: O(count·d).
    public static func select(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> Embedding {
        let e = try inputs.embedding()
        return e.subset(Array(0..<min(p.count, e.count)))
    }
}
