import Foundation
import OrreryCore

/// `reducer.tsne`: exact-input, seeded t-SNE in 2-D or 3-D — the Projector's t-SNE without its caps
/// (no 10,000-point sample, runs a fixed number of iterations, same seed → same layout).
public enum TSNEReducer: Reducer {
    public enum MetricChoice: String, ParameterEnum {
        case cosine, euclidean
    }

    public enum InitChoice: String, ParameterEnum {
        case pca, random
    }

    public enum MethodChoice: String, ParameterEnum {
        case auto, exact
        case barnesHut = "barnes-hut"
        case fft
    }

    /// `auto` or a number.
    public enum LearningRate: ParameterValue, Equatable {
        public static var parameterType: String { "number or 'auto'" }
        case auto
        case fixed(Double)

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let x = try? c.decode(Double.self) {
                self = .fixed(x)
                return
            }
            guard let s = try? c.decode(String.self), s == "auto" else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "expected 'auto' or a number"))
            }
            self = .auto
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .auto: try c.encode("auto")
            case .fixed(let x): try c.encode(x)
            }
        }
    }

    public struct Parameters: ParameterSet, Equatable, ValidatingParameters {
        @Parameter(help: "output dimensions", .oneOf([2, 3])) public var dims = 2
        @Parameter(help: "effective number of neighbours, below the number of points (neighbours: min(n − 1, 3·perplexity))", .positive)
        public var perplexity = 30.0
        @Parameter(help: "step size; auto = max(n / early-exaggeration / 4, 50)") public var learningRate: LearningRate = .auto
        @Parameter(help: "gradient-descent iterations", .atLeast(1)) public var iterations = 1000
        @Parameter(help: "P is multiplied by this at first", .positive) public var earlyExaggeration = 12.0
        @Parameter(help: "iterations with early exaggeration and momentum 0.5 (then 0.8)", .nonNegative)
        public var exaggerationIterations = 250
        @Parameter(help: "input distance (the Projector uses cosine)") public var metric: MetricChoice = .cosine
        @Parameter(key: "init", help: "starting layout: first principal components scaled to std 1e-4, or seeded Gaussian")
        public var initialization: InitChoice = .pca
        @Parameter(help: "repulsion: all pairs (O(n²) per iteration), Barnes-Hut, or FFT interpolation (FIt-SNE's, 2-D only); auto = exact up to 1000 points, then FFT in 2-D from 50,000 points, else Barnes-Hut")
        public var method: MethodChoice = .auto
        @Parameter(help: "Barnes-Hut angle (smaller is more exact)", .range(0...2)) public var theta = 0.5
        @Parameter(help: "fft: interpolation boxes per unit of layout width in wide layouts (1 as FIt-SNE and openTSNE; smaller is faster and coarser)", .range(0.1...4))
        public var fftBoxesPerUnit = 1.0
        @Parameter(help: "seed for the random initialisation and the approximate neighbour search", defaultText: "the step's seed")
        public var seed: UInt64? = nil
        @Parameter(help: "input neighbours: exact, approximate (NN-descent; recall in the notes) or auto = exact below max(30,000, 2,000·k) points, approximate from there")
        public var knnMethod: KNNMethod = .auto

        public init() {}

        public func validate() throws(ParameterError) {
            if case .fixed(let rate) = learningRate, !(rate > 0 && rate.isFinite) {
                throw ParameterError("learning-rate", "must be 'auto' or a positive number, got \(rate)")
            }
        }

        /// The core configuration for these parameters and `seed`.
        public func configuration(seed: UInt64) -> TSNE.Configuration {
            let rate: Double? = if case .fixed(let x) = learningRate { x } else { nil }
            let method: TSNE.Method? = switch self.method {
            case .auto: nil
            case .exact: .exact
            case .barnesHut: .barnesHut
            case .fft: .fft
            }
            var c = TSNE.Configuration(dims: dims, perplexity: perplexity, learningRate: rate, iterations: iterations,
                                      earlyExaggeration: earlyExaggeration,
                                      exaggerationIterations: exaggerationIterations,
                                      measure: metric == .cosine ? .cosine : .euclidean,
                                      initialization: initialization == .pca ? .pca : .random,
                                      method: method, theta: theta, seed: seed, knnMethod: knnMethod)
            c.fftBoxesPerUnit = fftBoxesPerUnit
            return c
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "reducer.tsne", kind: .reducer, version: "1.0.0",
        summary: "t-SNE in 2-D or 3-D: exact or approximate input neighbours, Barnes-Hut, FFT or exact gradient, seeded.",
        inputs: [.embedding],
        parameters: Parameters.self,
        usesSeed: true,
        example: """
            orrery: 1
            name: tsne-example
            seed: 7
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              first:
                uses: selector.head
                from: glove
                with: { count: 200 }
              layout:
                uses: reducer.tsne
                from: first
                with: { perplexity: 15, iterations: 300, exaggeration-iterations: 100 }
            """)

    /// - Complexity: O(n²·d) for the exact input neighbours, then per iteration O(n·k + n log n)
    ///   (Barnes-Hut) or O(n·k + n²) (exact); O(n·k) memory, k = 3·perplexity.
    public static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
        guard input.count > 0 else { throw OrreryError.emptyDataset("reducer.tsne needs at least one point") }
        let seed = p.seed ?? context.seed
        let configuration = p.configuration(seed: seed)
        let result: TSNE.Result
        do {
            result = try TSNE.run(input.vectors, configuration) { iteration, kl in
                try context.checkCancellation()
                if let kl { context.progress(iteration, of: p.iterations, "KL \(Notes.Value.number(kl))") }
            }
        } catch let failure as TSNE.Failure {
            switch failure {
            case .invalidDims(let d): throw OrreryError.invalidParameter("dims", reason: "must be 2 or 3, got \(d)")
            case .fftNeedsTwoDimensions(let d):
                throw OrreryError.invalidParameter("method", reason: "fft is 2-D only (dims is \(d)); use barnes-hut")
            case .perplexityTooLarge(let perplexity, let n):
                throw OrreryError.invalidParameter(
                    "perplexity", reason: "must be below the number of points (\(n)), got "
                        + "\(Notes.Value.number(perplexity))")
            case .layoutShape(let r, let c):
                throw OrreryError.shapeMismatch("initial layout is \(r) × \(c)")
            case .nonFinite(let r, let c):
                throw OrreryError.shapeMismatch("input row \(r), column \(c) is NaN or infinite; t-SNE needs finite values")
            }
        }
        var notes = Notes()
        notes.set("reducer", descriptor.id)
        notes.set("perplexity", p.perplexity)
        notes.set("iterations", Double(p.iterations))
        notes.set("learning-rate", result.learningRate)
        notes.set("kl-divergence", result.klDivergence)
        let klMethod = switch result.method {
        case .exact: "exact"
        case .barnesHut: "barnes-hut estimate of Z"
        case .fft: "interpolated Z"
        }
        notes.set("kl-divergence-method", klMethod)
        notes.set("method", result.method.rawValue)
        if result.method == .barnesHut { notes.set("theta", p.theta) }
        if result.method == .fft { notes.set("fft-boxes-per-unit", p.fftBoxesPerUnit) }
        notes.set("metric", p.metric.rawValue)
        notes.set("init", p.initialization.rawValue)
        notes.set("early-exaggeration", p.earlyExaggeration)
        notes.set("exaggeration-iterations", Double(p.exaggerationIterations))
        notes.set("seed", Double(seed))
        result.knn.record(in: &notes)
        ProjectionQuality.annotate(&notes, original: input.vectors, layout: result.layout, k: 10, seed: seed,
                                   metric: configuration.measure)
        let axes = (0..<p.dims).map { "tsne-\($0)" }
        var shown = Notes()
        shown.set("perplexity", p.perplexity)
        shown.set("iterations", Double(p.iterations))
        shown.set("learning-rate", result.learningRate)
        return input.projected(to: result.layout, axes: axes, notes: notes,
                               projection: .tsne(dimensions: p.dims, parameters: shown))
    }
}
