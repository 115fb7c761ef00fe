import Foundation
import OrreryCore
import OrreryUMAP

/// `reducer.umap`: UMAP in 2-D or 3-D with umap-learn's parameters and defaults, seeded and
/// bit-reproducible whatever the thread count.
public enum UMAPReducer: Reducer {
    public enum MetricChoice: String, ParameterEnum {
        case cosine, euclidean
    }

    public enum InitChoice: String, ParameterEnum {
        case spectral, random, pca
    }

    public struct Parameters: ParameterSet, ValidatingParameters {
        @Parameter(help: "output dimensions: 2 or 3", .oneOf([2, 3])) public var dims = 2
        @Parameter(help: "neighbours per point, the point itself included (umap-learn's n_neighbors)", .atLeast(2))
        public var nNeighbors = 15
        @Parameter(help: "smallest distance between points in the layout", .nonNegative) public var minDist = 0.1
        @Parameter(help: "scale of the embedded points (with min-dist, fixes the curve's a and b)", .positive)
        public var spread = 1.0
        @Parameter(help: "SGD epochs", defaultText: "500 up to 10,000 points, else 200", .atLeast(1))
        public var nEpochs: Int? = nil
        @Parameter(help: "initial SGD step size (falls linearly to 0)", .positive) public var learningRate = 1.0
        @Parameter(help: "negative samples per positive sample", .nonNegative) public var negativeSampleRate = 5
        @Parameter(help: "weight of the negative samples (umap-learn's gamma)", .positive)
        public var repulsionStrength = 1.0
        @Parameter(help: "input distance") public var metric: MetricChoice = .cosine
        @Parameter(key: "init", help: "starting layout: Laplacian eigenvectors (random, and noted, when the graph is disconnected), uniform random, or principal components")
        public var initialization: InitChoice = .spectral
        @Parameter(help: "seed for the initialisation and the negative samples", defaultText: "the step's seed")
        public var seed: UInt64? = nil
        @Parameter(help: "neighbour search: exact, approximate (NN-descent; recall in the notes) or auto = exact below max(30,000, 2,000·k) points, approximate from there")
        public var knnMethod: KNNMethod = .auto

        public init() {}

        public func validate() throws(ParameterError) {
            if minDist > spread { throw ParameterError("min-dist", "must not exceed spread (\(spread)), got \(minDist)") }
        }

        /// The core configuration for these parameters and `seed`.
        public func configuration(seed: UInt64) -> UMAP.Configuration {
            let start: UMAP.Initialization = switch initialization {
            case .spectral: .spectral
            case .random: .random
            case .pca: .pca
            }
            return UMAP.Configuration(dims: dims, neighbors: nNeighbors, minDist: minDist, spread: spread, epochs: nEpochs,
                               learningRate: learningRate, negativeSampleRate: negativeSampleRate,
                               repulsionStrength: repulsionStrength,
                               measure: metric == .cosine ? .cosine : .euclidean,
                               initialization: start, seed: seed, knnMethod: knnMethod)
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "reducer.umap", kind: .reducer, version: "1.2.0",
        summary: "UMAP in 2-D or 3-D: exact or approximate neighbours, fuzzy graph, spectral start, seeded reproducible SGD.",
        inputs: [.embedding],
        parameters: Parameters.self,
        usesSeed: true,
        example: """
            orrery: 1
            name: umap-example
            seed: 7
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              first:
                uses: selector.head
                from: glove
                with: { count: 500 }
              layout:
                uses: reducer.umap
                from: first
                with: { n-neighbors: 10, n-epochs: 200 }
            """)

    /// - Complexity: that of `UMAP.run`: O(n²·d) exact neighbours, then O(epochs·n·k·(1 +
    ///   negative-sample-rate)); O(n·k) memory.
    public static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
        guard input.count > 0 else { throw OrreryError.emptyDataset("reducer.umap needs at least one point") }
        let seed = p.seed ?? context.seed
        let configuration = p.configuration(seed: seed)
        let result: UMAP.Result
        do {
            result = try UMAP.run(input.vectors, configuration) { epoch, total in
                try context.checkCancellation()
                if epoch > 0, epoch % 50 == 0 { context.progress(epoch, of: total, "epoch") }
            }
        } catch let failure as UMAP.Failure {
            switch failure {
            case .invalidDims(let d): throw OrreryError.invalidParameter("dims", reason: "must be 2 or 3, got \(d)")
            case .tooFewNeighbors(let k):
                throw OrreryError.invalidParameter("n-neighbors", reason: "must be at least 2, got \(k)")
            case .minDistAboveSpread(let minDist, let spread):
                throw OrreryError.invalidParameter("min-dist", reason: "must not exceed spread (\(spread)), got \(minDist)")
            case .tooFewPoints(let n):
                throw OrreryError.emptyDataset("reducer.umap needs at least 2 points, got \(n)")
            case .identicalPoints(let n):
                throw OrreryError.shapeMismatch("all \(n) points are identical; UMAP has no neighbourhoods to lay out")
            case .layoutShape(let r, let c): throw OrreryError.shapeMismatch("initial layout is \(r) × \(c)")
            case .nonFinite(let r, let c):
                throw OrreryError.shapeMismatch("input row \(r), column \(c) is NaN or infinite; UMAP needs finite values")
            }
        }
        var notes = Notes()
        notes.set("reducer", descriptor.id)
        notes.set("n-neighbors", Double(result.neighbors))
        if result.neighbors < p.nNeighbors {
            notes.set("n-neighbors-capped", "\(p.nNeighbors) asked for; \(input.count) points allow \(result.neighbors)")
        }
        notes.set("min-dist", p.minDist)
        notes.set("spread", p.spread)
        notes.set("a", result.curve.a)
        notes.set("b", result.curve.b)
        notes.set("n-epochs", Double(result.epochs))
        notes.set("learning-rate", p.learningRate)
        notes.set("negative-sample-rate", Double(p.negativeSampleRate))
        notes.set("repulsion-strength", p.repulsionStrength)
        notes.set("metric", p.metric.rawValue)
        notes.set("init", result.initialization.name)
        if case .randomFallback(let reason) = result.initialization {
            notes.set("init-fallback", "spectral → random: \(reason)")
        }
        notes.set("graph-components", Double(result.components))
        notes.set("graph-edges", Double(result.graphEntries))
        result.knn.record(in: &notes)
        notes.set("seed", Double(seed))
        ProjectionQuality.annotate(&notes, original: input.vectors, layout: result.layout, k: 10, seed: seed,
                                   metric: configuration.measure)
        let axes = (0..<p.dims).map { "umap-\($0)" }
        var shown = Notes()
        shown.set("n-neighbors", Double(result.neighbors))
        shown.set("min-dist", p.minDist)
        return input.projected(to: result.layout, axes: axes, notes: notes,
                               projection: .umap(dimensions: p.dims, parameters: shown))
    }
}
