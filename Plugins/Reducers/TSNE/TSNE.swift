import Foundation
import OrreryCore

/// Exact-input, seeded t-SNE (van der Maaten & Hinton 2008; Barnes-Hut: van der Maaten 2014), with
/// the optimiser of scikit-learn: early exaggeration, momentum 0.5 → 0.8, delta-bar-delta gains.
///
/// Callable without a workflow: `TSNE.run(points, TSNE.Configuration(dims: 2))`.
public enum TSNE {
    /// How repulsive forces are computed.
    public enum Method: String, Sendable, Equatable {
        /// All pairs, O(n²) per iteration; the reported KL divergence is exact.
        case exact
        /// Barnes-Hut quad/octree, O(n log n) per iteration; the KL divergence uses the tree's Z.
        case barnesHut = "barnes-hut"
        /// FIt-SNE's interpolation on a grid with FFT convolution, 2-D only, O(n) per iteration plus
        /// the grid's FFTs; the KL divergence uses the interpolated Z.
        case fft
    }

    /// The starting layout.
    public enum Initialization: Sendable, Equatable {
        /// The first principal components, scaled so the first has standard deviation 1e-4.
        case pca
        /// Gaussian with standard deviation 1e-4, from the seed.
        case random
        /// A given n × dims layout (used as is).
        case layout(Matrix)
    }

    public struct Configuration: Sendable, Equatable {
        public var dims: Int = 2
        public var perplexity: Double = 30
        /// nil: max(n / early-exaggeration / 4, 50) (scikit-learn's `auto`).
        public var learningRate: Double? = nil
        public var iterations: Int = 1000
        public var earlyExaggeration: Double = 12
        /// Iterations with exaggeration and momentum 0.5; momentum 0.8 after them.
        public var exaggerationIterations: Int = 250
        public var initialMomentum: Double = 0.5
        public var finalMomentum: Double = 0.8
        /// `.cosine` or `.euclidean`.
        public var measure: DistanceMeasure = .cosine
        public var initialization: Initialization = .pca
        /// nil: exact for n ≤ `exactLimit`; above, FFT in 2-D from `fftLimit` points, else Barnes-Hut.
        public var method: Method? = nil
        public var theta: Double = 0.5
        /// `.fft`: interpolation boxes per unit of layout width once the layout is wider than 50 boxes
        /// (1, FIt-SNE's and openTSNE's default; the interpolation error grows as the cube of the
        /// box width, the transforms' cost falls as its square).
        public var fftBoxesPerUnit: Double = 1
        public var seed: UInt64 = 0
        /// How the input neighbours are found: `.auto` is exact below
        /// `NearestNeighborSearch.autoApproximateFrom(k:)` points, NN-descent from there.
        public var knnMethod: KNNMethod = .auto

        /// `auto` uses the exact gradient up to this many points.
        public static let exactLimit = 1000
        /// `auto` uses the FFT gradient in 2-D from this many points. Below it the grid's cost,
        /// which grows with the layout's width rather than with n, exceeds Barnes-Hut's: measured
        /// on the GloVe words, 1000 iterations, 2 threads, whole processes, a quiet machine:
        /// 10,000 words Barnes-Hut 8.1 s, FFT 24.5 s; 50,000 words 41.2 s and 40.4 s.
        public static let fftLimit = 50_000

        public init(dims: Int = 2, perplexity: Double = 30, learningRate: Double? = nil, iterations: Int = 1000,
                    earlyExaggeration: Double = 12, exaggerationIterations: Int = 250,
                    measure: DistanceMeasure = .cosine, initialization: Initialization = .pca,
                    method: Method? = nil, theta: Double = 0.5, seed: UInt64 = 0, knnMethod: KNNMethod = .auto) {
            self.dims = dims
            self.perplexity = perplexity
            self.learningRate = learningRate
            self.iterations = iterations
            self.earlyExaggeration = earlyExaggeration
            self.exaggerationIterations = exaggerationIterations
            self.measure = measure
            self.initialization = initialization
            self.method = method
            self.theta = theta
            self.seed = seed
            self.knnMethod = knnMethod
        }

        public static func == (a: Configuration, b: Configuration) -> Bool {
            a.dims == b.dims && a.perplexity == b.perplexity && a.learningRate == b.learningRate
                && a.iterations == b.iterations && a.earlyExaggeration == b.earlyExaggeration
                && a.exaggerationIterations == b.exaggerationIterations && a.initialMomentum == b.initialMomentum
                && a.finalMomentum == b.finalMomentum && a.measure.name == b.measure.name
                && a.initialization == b.initialization && a.method == b.method && a.theta == b.theta
                && a.fftBoxesPerUnit == b.fftBoxesPerUnit
                && a.seed == b.seed && a.knnMethod == b.knnMethod
        }

        /// The method used for `n` points.
        public func method(for n: Int) -> Method {
            if let method { return method }
            if n <= Self.exactLimit { return .exact }
            return dims == 2 && n >= Self.fftLimit ? .fft : .barnesHut
        }

        /// The learning rate used for `n` points.
        public func learningRate(for n: Int) -> Double {
            learningRate ?? max(Double(n) / earlyExaggeration / 4, 50)
        }
    }

    /// What a run produced.
    public struct Result: Sendable {
        /// n × dims.
        public var layout: Matrix
        /// KL(P‖Q) at the last iteration (exact for `.exact`, Barnes-Hut estimate otherwise).
        public var klDivergence: Double
        public var learningRate: Double
        public var method: Method
        /// Stored entries of P.
        public var affinityEntries: Int
        /// How the input neighbours were found (method, measured recall when approximate).
        public var knn: NearestNeighborSearch.GraphReport
    }

    /// What can stop a run.
    public enum Failure: Error, Equatable, Sendable {
        /// dims not 2 or 3.
        case invalidDims(Int)
        /// `.fft` asked for in 3-D.
        case fftNeedsTwoDimensions(dims: Int)
        /// perplexity ≥ n (or perplexity ≤ 0).
        case perplexityTooLarge(perplexity: Double, points: Int)
        /// The `.layout` initialisation has the wrong shape.
        case layoutShape(rows: Int, columns: Int)
        /// A value in the input is NaN or infinite.
        case nonFinite(row: Int, column: Int)
    }

    /// Runs t-SNE on the rows of `points`.
    ///
    /// - Parameters:
    ///   - observe: called before every iteration with (iteration, nil) and every 50 iterations and
    ///     at the end with (iteration, KL divergence); throw from it to stop (cancellation).
    /// - Complexity: O(n²·d) for the exact input neighbours (blocked SGEMM), then per iteration
    ///   O(n·k + n log n) with Barnes-Hut or O(n·k + n²) exact; O(n·k) memory.
    public static func run(_ points: Matrix, _ configuration: Configuration,
                           observe: (Int, Double?) throws -> Void = { _, _ in }) throws -> Result {
        guard configuration.dims == 2 || configuration.dims == 3 else {
            throw Failure.invalidDims(configuration.dims)
        }
        if configuration.method == .fft, configuration.dims != 2 {
            throw Failure.fftNeedsTwoDimensions(dims: configuration.dims)
        }
        let n = points.rows
        // As scikit-learn: any perplexity below n; neighbours are capped at n − 1, which makes the
        // affinities exact (every pair) when the cap binds.
        guard configuration.perplexity > 0, configuration.perplexity < Double(n) else {
            throw Failure.perplexityTooLarge(perplexity: configuration.perplexity, points: n)
        }
        if let bad = points.firstNonFinite() { throw Failure.nonFinite(row: bad.row, column: bad.column) }
        var stopped: (any Error)?
        guard let (affinities, knn) = TSNEAffinities.compute(
            points: points, perplexity: configuration.perplexity, measure: configuration.measure,
            knnMethod: configuration.knnMethod, seed: configuration.seed, shouldContinue: {
                do { try observe(0, nil); return true } catch { stopped = error; return false }
            }) else {
            throw stopped ?? CancellationError()
        }
        let start = try initialLayout(points, configuration)
        if configuration.dims == 2 {
            return try optimise(SIMD2<Double>.self, affinities: affinities, knn: knn, start: start, configuration,
                                observe: observe)
        }
        return try optimise(SIMD3<Double>.self, affinities: affinities, knn: knn, start: start, configuration,
                            observe: observe)
    }

    /// The starting n × dims layout, row-major, in Double.
    static func initialLayout(_ points: Matrix, _ configuration: Configuration) throws -> [Double] {
        let n = points.rows, dims = configuration.dims
        switch configuration.initialization {
        case .random:
            var g = SeededGenerator(seed: configuration.seed)
            return (0..<(n * dims)).map { _ in 1e-4 * g.nextGaussian() }
        case .layout(let m):
            guard m.rows == n, m.columns == dims else { throw Failure.layoutShape(rows: m.rows, columns: m.columns) }
            return m.storage.map(Double.init)
        case .pca:
            return try pcaLayout(points, dims: dims, seed: configuration.seed)
        }
    }

    /// Optimises the layout; generic over the point type so 2-D and 3-D get specialised loops.
    static func optimise<V: SIMD>(_: V.Type, affinities: TSNEAffinities, knn: NearestNeighborSearch.GraphReport,
                                  start: [Double], _ c: Configuration,
                                  observe: (Int, Double?) throws -> Void) throws -> Result where V: Sendable, V.Scalar == Double {
        let n = affinities.count
        let dims = V.scalarCount
        var y = (0..<n).map { i in
            var v = V.zero
            for d in 0..<dims { v[d] = start[i * dims + d] }
            return v
        }
        let method = c.method(for: n)
        let repulsion: TSNEGradient<V>.Repulsion = switch method {
        case .exact: .exact
        case .barnesHut: .barnesHut(theta: c.theta)
        case .fft: .fft
        }
        var gradient = TSNEGradient<V>(affinities: affinities, repulsion: repulsion)
        gradient.boxesPerUnit = c.fftBoxesPerUnit
        let workspace = TSNEInterpolation.Workspace()
        let rate = c.learningRate(for: n)
        var grad = [V](repeating: .zero, count: n)
        var update = [V](repeating: .zero, count: n)
        var gains = [V](repeating: V(repeating: 1), count: n)
        var kl = Double.nan
        let exaggerationEnd = min(c.exaggerationIterations, c.iterations)
        for iteration in 0..<c.iterations {
            try observe(iteration, nil)
            if iteration == exaggerationEnd, iteration > 0 {
                // scikit-learn restarts its optimiser for the second stage.
                update = [V](repeating: .zero, count: n)
                gains = [V](repeating: V(repeating: 1), count: n)
            }
            let early = iteration < exaggerationEnd
            let report = (iteration + 1) % 50 == 0 || iteration == c.iterations - 1
            let value = gradient.evaluate(y, exaggeration: early ? c.earlyExaggeration : 1, gradient: &grad,
                                          divergence: report, workspace: workspace)
            let momentum = early ? c.initialMomentum : c.finalMomentum
            for i in 0..<n {
                let g = grad[i]
                var gain = gains[i]
                let increase = (update[i] * g) .< V.zero
                gain = (gain * 0.8).replacing(with: gain + 0.2, where: increase)
                gain = pointwiseMax(gain, V(repeating: 0.01))
                gains[i] = gain
                update[i] = momentum * update[i] - rate * (gain * g)
                y[i] += update[i]
            }
            if let value {
                kl = value
                try observe(iteration + 1, value)
            }
        }
        var layout = Matrix(rows: n, columns: dims)
        for i in 0..<n { for d in 0..<dims { layout[i, d] = Float(y[i][d]) } }
        return Result(layout: layout, klDivergence: kl, learningRate: rate, method: method,
                      affinityEntries: affinities.entryCount, knn: knn)
    }
}
