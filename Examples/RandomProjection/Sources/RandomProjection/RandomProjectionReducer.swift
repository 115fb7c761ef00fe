import OrreryCore

/// `reducer.random-projection`: the Johnson–Lindenstrauss projection. The vectors are multiplied
/// by a d × k matrix of independent N(0, 1/k) entries drawn from the seed, so distances are kept
/// within a factor 1 ± ε with high probability for k ≳ 8 ln(n) / ε².
public enum RandomProjectionReducer: Reducer {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "output dimensions", .atLeast(1), .atMost(10_000)) public var dims = 2
        @Parameter(help: "seed of the projection matrix", defaultText: "the step's seed") public var seed: UInt64? = nil

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "reducer.random-projection", kind: .reducer, version: "1.0.0",
        summary: "A seeded Gaussian random projection (Johnson–Lindenstrauss) to `dims` axes.",
        inputs: [.embedding], parameters: Parameters.self, usesSeed: true,
        example: """
            orrery: 1
            name: random-projection-example
            seed: 7
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              first:
                uses: selector.head
                from: glove
                with: { count: 1000 }
              projected:
                uses: reducer.random-projection
                from: first
                with: { dims: 2 }
            """)

    /// - Complexity: O(n·d·k) time (one SGEMM), O(d·k + n·k) memory.
    public static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
        guard input.count > 0 else { throw OrreryError.emptyDataset("reducer.random-projection needs at least one point") }
        if let (r, c) = input.vectors.firstNonFinite() {
            throw OrreryError.shapeMismatch("input row \(r), column \(c) is NaN or infinite; a projection needs finite values")
        }
        let seed = p.seed ?? context.seed
        var generator = SeededGenerator(seed: seed)
        let scale = 1 / Double(p.dims).squareRoot()
        let d = input.dimensions
        let projection = Matrix(rows: d, columns: p.dims,
                                storage: (0..<(d * p.dims)).map { _ in Float(generator.nextGaussian() * scale) })
        let layout = BLAS.product(input.vectors, projection)
        var notes = Notes()
        notes.set("reducer", descriptor.id)
        notes.set("seed", Double(seed))
        ProjectionQuality.annotate(&notes, original: input.vectors, layout: layout, k: 10, seed: seed)
        return input.projected(to: layout, axes: (0..<p.dims).map { "random-\($0)" }, notes: notes)
    }
}
