import OrreryCore

/// `selector.sample`: a seeded random sample of `count` points or a `fraction` of them, optionally
/// stratified by a metadata column (each group keeps its share, rounded by largest remainder).
/// The sample keeps the input's row order.
public enum SampleSelector: Selector {
    public struct Parameters: ParameterSet, Equatable, ValidatingParameters {
        @Parameter(help: "points to keep (at most the input's)", .atLeast(1)) public var count: Int? = nil
        @Parameter(help: "share of the points to keep, in (0, 1] (instead of count)", .positive, .atMost(1))
        public var fraction: Double? = nil
        @Parameter(help: "a metadata column whose groups keep their proportions") public var stratifyBy: String? = nil

        public init() {}

        public func validate() throws(ParameterError) {
            switch (count, fraction) {
            case (nil, nil): throw ParameterError("count", "give `count` or `fraction`")
            case (.some, .some): throw ParameterError("fraction", "give `count` or `fraction`, not both")
            default: break
            }
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "selector.sample", kind: .selector, version: "1.0.0",
        summary: "A seeded random sample of `count` points or a `fraction`, optionally stratified by a metadata column.",
        inputs: [.embedding],
        parameters: Parameters.self,
        usesSeed: true,
        example: """
            orrery: 1
            name: sample-example
            seed: 3
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              some:
                uses: selector.sample
                from: glove
                with: { count: 1000 }
            """)

    /// - Complexity: O(n) to draw, plus O(m·d) to copy m points.
    public static func select(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> Embedding {
        let e = try inputs.embedding()
        let n = e.count
        guard n > 0 else { throw OrreryError.emptyDataset("the input has no points") }
        let wanted: Int
        if let count = p.count {
            guard count <= n else {
                throw OrreryError.invalidParameter("count", reason: "\(count) points asked of an input of \(n)")
            }
            wanted = count
        } else {
            wanted = max(1, Int((Double(n) * (p.fraction ?? 1)).rounded()))
        }
        var generator = SeededGenerator(seed: context.seed)
        let chosen: [Int]
        if let name = p.stratifyBy {
            guard let column = e.metadata.column(named: name) else {
                throw OrreryError.unknownColumn(name, known: e.metadata.columnNames)
            }
            chosen = stratified(column.values, count: wanted, &generator)
        } else {
            chosen = sample(Array(0..<n), count: wanted, &generator)
        }
        return e.subset(chosen.sorted())
    }

    /// `count` distinct items of `pool` (partial Fisher–Yates).
    /// - Complexity: O(count) swaps after the O(n) copy.
    static func sample(_ pool: [Int], count: Int, _ g: inout SeededGenerator) -> [Int] {
        var pool = pool
        let m = pool.count
        for i in 0..<min(count, m) {
            let j = i + Int(g.next() % UInt64(m - i))
            pool.swapAt(i, j)
        }
        return Array(pool.prefix(count))
    }

    /// A sample of `count` rows in which each group of equal `values` gets count·size/n rows,
    /// rounded by largest remainder (ties: the group seen first).
    /// - Complexity: O(n + g log g) for g groups.
    static func stratified(_ values: [String], count: Int, _ g: inout SeededGenerator) -> [Int] {
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        for (i, v) in values.enumerated() {
            if groups[v] == nil { order.append(v) }
            groups[v, default: []].append(i)
        }
        let n = Double(values.count)
        let exact = order.map { Double(count) * Double(groups[$0]?.count ?? 0) / n }
        var quota = exact.map { Int($0.rounded(.down)) }
        let left = count - quota.reduce(0, +)
        let byRemainder = order.indices.sorted { a, b in
            let ra = exact[a] - Double(quota[a]), rb = exact[b] - Double(quota[b])
            return ra != rb ? ra > rb : a < b
        }
        for i in byRemainder.prefix(left) { quota[i] += 1 }
        var out: [Int] = []
        for (i, v) in order.enumerated() {
            out += sample(groups[v] ?? [], count: quota[i], &g)
        }
        return out
    }
}
