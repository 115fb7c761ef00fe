import Foundation
import OrreryCore
import OrreryUMAP

/// `reducer.place`: new or held-out points placed into a finished 2-D or 3-D layout (t-SNE, UMAP or
/// any other) without moving it — UMAP's `transform`, which openTSNE's `transform` resembles.
///
/// Each new point's k nearest reference points (in the space the layout was made from) get UMAP
/// membership weights (ρ = 0, σ by binary search to log2 k); the point starts at the weighted mean of
/// their layout positions and is then refined by UMAP's SGD against the fixed layout — attraction to
/// those neighbours, repulsion from negative samples of the layout — with the layout's own curve
/// (UMAP's a and b from its notes; 1/(1 + d²), a = b = 1, for t-SNE).
public enum PlaceReducer: Reducer {
    public enum MetricChoice: String, ParameterEnum {
        case cosine, euclidean
    }

    public struct Parameters: ParameterSet {
        @Parameter(help: "reference neighbours per new point", .atLeast(1)) public var nNeighbors = 15
        @Parameter(help: "SGD epochs against the fixed layout (0: weighted mean only)",
                   defaultText: "100 up to 10,000 new points, else 30", .nonNegative)
        public var nEpochs: Int? = nil
        @Parameter(help: "initial SGD step size (umap-learn's transform uses a quarter of fit's 1)", .positive)
        public var learningRate = 0.25
        @Parameter(help: "negative samples per positive sample", .nonNegative) public var negativeSampleRate = 5
        @Parameter(help: "input distance (use the layout's)") public var metric: MetricChoice = .cosine
        @Parameter(help: "seed for the negative samples", defaultText: "the step's seed") public var seed: UInt64? = nil

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "reducer.place", kind: .reducer, version: "1.0.0",
        summary: "Places new points into a finished t-SNE or UMAP layout without moving it (UMAP's transform).",
        inputs: [
            PortDescriptor("input", accepts: [.embedding], summary: "the new points, in the space the layout was made from"),
            PortDescriptor("layout", accepts: [.embedding], summary: "the finished 2-D or 3-D layout"),
            PortDescriptor("reference", accepts: [.embedding],
                           summary: "the vectors the layout was made from, row for row (default: the layout's rows of its root)",
                           required: false),
        ],
        parameters: Parameters.self,
        usesSeed: true,
        example: """
            orrery: 1
            name: place-example
            seed: 7
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              first:
                uses: selector.head
                from: glove
                with: { count: 600 }
              fitted:
                uses: selector.head
                from: first
                with: { count: 500 }
              layout:
                uses: reducer.umap
                from: fitted
                with: { n-neighbors: 10, n-epochs: 200 }
              placed:
                uses: reducer.place
                from: { input: first, layout: layout }
            """)

    public static var registryEntry: PluginEntry {
        .make(Self.self) { params, inputs, context in
            .embedding(try await place(try inputs.embedding("input"), into: try inputs.embedding("layout"),
                                       reference: inputs.optionalEmbedding("reference"), params, context: context))
        }
    }

    /// One input: refuse (the layout port is required, so the runner never calls this).
    public static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
        throw OrreryError.missingInput("layout")
    }

    /// - Complexity: O(m·N·d) exact neighbours of the m new points among the N layout points, then
    ///   O(epochs·m·k·(1 + negative-sample-rate)).
    public static func place(_ input: Embedding, into layout: Embedding, reference: Embedding?, _ p: Parameters,
                             context: StepContext) async throws -> Embedding {
        let dims = layout.dimensions
        guard dims == 2 || dims == 3 else {
            throw OrreryError.shapeMismatch("the layout has \(dims) axes; reducer.place needs a 2-D or 3-D layout")
        }
        guard layout.count > 0 else { throw OrreryError.emptyDataset("reducer.place needs a layout with points") }
        let space: Matrix
        if let reference {
            guard reference.count == layout.count else {
                throw OrreryError.shapeMismatch("reference has \(reference.count) rows, the layout \(layout.count)")
            }
            space = reference.vectors
        } else {
            space = layout.root.vectors.selecting(rows: layout.rows)
        }
        guard space.columns == input.dimensions else {
            throw OrreryError.shapeMismatch("the new points have \(input.dimensions) dimensions, the layout's reference "
                + "vectors \(space.columns); connect `reference` to the vectors the layout was made from")
        }
        let seed = p.seed ?? context.seed
        let isUMAP = layout.axes.first?.hasPrefix("umap-") == true
        let curve: UMAPCurve = if isUMAP, let a = layout.notes.number("a"), let b = layout.notes.number("b") {
            UMAPCurve(a: a, b: b)
        } else if isUMAP {
            UMAPCurve.fit(minDist: 0.1, spread: 1)
        } else {
            UMAPCurve(a: 1, b: 1)
        }
        var c = UMAPPlacement.Configuration(neighbors: p.nNeighbors, measure: p.metric == .cosine ? .cosine : .euclidean,
                                            curve: curve, seed: seed)
        c.epochs = p.nEpochs
        c.learningRate = p.learningRate
        c.negativeSampleRate = p.negativeSampleRate
        let placed = try UMAPPlacement.place(input.vectors, reference: space, layout: layout.vectors, c) { _ in
            try context.checkCancellation()
        }
        var notes = Notes()
        notes.set("reducer", descriptor.id)
        notes.set("layout-points", Double(layout.count))
        notes.set("n-neighbors", Double(min(p.nNeighbors, layout.count)))
        notes.set("n-epochs", Double(c.epochs(for: input.count)))
        notes.set("a", curve.a)
        notes.set("b", curve.b)
        notes.set("metric", p.metric.rawValue)
        notes.set("seed", Double(seed))
        return input.projected(to: placed, axes: layout.axes, notes: notes)
    }
}
