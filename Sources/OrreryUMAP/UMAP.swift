import Foundation
import OrreryCore

/// Uniform Manifold Approximation and Projection (McInnes, Healy & Melville 2018), following
/// umap-learn: exact kNN → fuzzy simplicial set → spectral initialisation → SGD with negative
/// sampling. Seeded and bit-reproducible whatever the thread count (see `UMAPOptimizer`).
///
/// Callable without a workflow: `UMAP.run(points, UMAP.Configuration())`.
public enum UMAP {
    public enum Initialization: Sendable, Equatable {
        /// Eigenvectors of the graph's normalised Laplacian (random when the graph is disconnected).
        case spectral
        /// Uniform in [−10, 10]^dims, from the seed.
        case random
        /// The first principal components.
        case pca
        /// A given n × dims layout, used as is (no rescaling).
        case layout(Matrix)
    }

    public struct Configuration: Sendable {
        public var dims: Int = 2
        public var neighbors: Int = 15
        public var minDist: Double = 0.1
        public var spread: Double = 1
        /// nil: 500 up to 10,000 points, 200 above (umap-learn).
        public var epochs: Int? = nil
        public var learningRate: Double = 1
        public var negativeSampleRate: Int = 5
        public var repulsionStrength: Double = 1
        public var measure: DistanceMeasure = .cosine
        public var initialization: Initialization = .spectral
        public var seed: UInt64 = 0
        /// How the neighbours are found: `.auto` is exact below
        /// `NearestNeighborSearch.autoApproximateFrom(k:)` points, NN-descent from there.
        public var knnMethod: KNNMethod = .auto

        public init(dims: Int = 2, neighbors: Int = 15, minDist: Double = 0.1, spread: Double = 1,
                    epochs: Int? = nil, learningRate: Double = 1, negativeSampleRate: Int = 5,
                    repulsionStrength: Double = 1, measure: DistanceMeasure = .cosine,
                    initialization: Initialization = .spectral, seed: UInt64 = 0, knnMethod: KNNMethod = .auto) {
            self.dims = dims
            self.neighbors = neighbors
            self.minDist = minDist
            self.spread = spread
            self.epochs = epochs
            self.learningRate = learningRate
            self.negativeSampleRate = negativeSampleRate
            self.repulsionStrength = repulsionStrength
            self.measure = measure
            self.initialization = initialization
            self.seed = seed
            self.knnMethod = knnMethod
        }

        /// The epochs used for `n` points.
        public func epochs(for n: Int) -> Int { epochs ?? (n <= 10_000 ? 500 : 200) }
    }

    /// Which initialisation ran, and why when it is not the one asked for.
    public enum InitialisationUsed: Sendable, Equatable {
        case spectral, random, pca, layout
        /// Spectral was asked for; random ran instead, for `reason`.
        case randomFallback(reason: String)

        public var name: String {
            switch self {
            case .spectral: "spectral"
            case .random: "random"
            case .pca: "pca"
            case .layout: "layout"
            case .randomFallback: "random"
            }
        }
    }

    public struct Result: Sendable {
        /// n × dims.
        public var layout: Matrix
        public var curve: UMAPCurve
        public var epochs: Int
        /// Neighbours per point actually used (n-neighbors, capped at n).
        public var neighbors: Int
        public var initialization: InitialisationUsed
        /// Connected components of the fuzzy graph.
        public var components: Int
        /// Stored (directed) entries of the fuzzy graph.
        public var graphEntries: Int
        /// How the neighbours were found (method, measured recall when approximate).
        public var knn: NearestNeighborSearch.GraphReport
    }

    public enum Failure: Error, Equatable, Sendable {
        case invalidDims(Int)
        /// n-neighbors below 2.
        case tooFewNeighbors(Int)
        /// min-dist above spread (or either not positive/finite where required).
        case minDistAboveSpread(minDist: Double, spread: Double)
        /// Fewer than 2 points.
        case tooFewPoints(Int)
        /// Every point equal: there is no neighbourhood structure to lay out.
        case identicalPoints(Int)
        case layoutShape(rows: Int, columns: Int)
        case nonFinite(row: Int, column: Int)
    }

    /// Runs UMAP on the rows of `points`.
    ///
    /// - Parameters:
    ///   - observe: called with (epoch, total) before each epoch and with (0, total) while searching
    ///     neighbours; throw from it to stop.
    /// - Complexity: O(n²·d) exact neighbours (blocked SGEMM), O(n·k log k) for the graph,
    ///   O(iterations·(nnz + n·√n)) for the spectral start, O(epochs·n·k·(1 + negative-sample-rate))
    ///   for SGD; O(n·k) memory.
    public static func run(_ points: Matrix, _ c: Configuration,
                           observe: (Int, Int) throws -> Void = { _, _ in }) throws -> Result {
        guard c.dims == 2 || c.dims == 3 else { throw Failure.invalidDims(c.dims) }
        guard c.neighbors >= 2 else { throw Failure.tooFewNeighbors(c.neighbors) }
        guard c.minDist >= 0, c.spread > 0, c.minDist <= c.spread else {
            throw Failure.minDistAboveSpread(minDist: c.minDist, spread: c.spread)
        }
        let n = points.rows
        guard n >= 2 else { throw Failure.tooFewPoints(n) }
        if let bad = points.firstNonFinite() { throw Failure.nonFinite(row: bad.row, column: bad.column) }
        let d = points.columns
        let identical = points.storage.withUnsafeBufferPointer { b in
            (1..<n).allSatisfy { r in (0..<d).allSatisfy { b[r * d + $0] == b[$0] } }
        }
        if identical { throw Failure.identicalPoints(n) }
        if case .layout(let m) = c.initialization, m.rows != n || m.columns != c.dims {
            throw Failure.layoutShape(rows: m.rows, columns: m.columns)
        }
        let epochs = c.epochs(for: n)
        let k = min(c.neighbors, n) - 1  // umap-learn's n_neighbors counts the point itself
        var stopped: (any Error)?
        guard let (knn, report) = NearestNeighborSearch.graph(of: points, k: k, measure: c.measure, method: c.knnMethod,
                                                              seed: c.seed, progress: { _, _ in
            do { try observe(0, epochs); return true } catch { stopped = error; return false }
        }) else { throw stopped ?? CancellationError() }
        let (graph, _) = UMAPGraph.fuzzyUnion(knn: knn, n: n)
        let components = graph.componentCount()
        let (start, used) = try initialLayout(points, graph: graph, components: components, c)
        let curve = UMAPCurve.fit(minDist: c.minDist, spread: c.spread)
        let layout: Matrix
        if c.dims == 2 {
            layout = try optimise(SIMD2<Float>.self, graph: graph, start: start, curve: curve, epochs: epochs, c,
                                  observe: observe)
        } else {
            layout = try optimise(SIMD3<Float>.self, graph: graph, start: start, curve: curve, epochs: epochs, c,
                                  observe: observe)
        }
        return Result(layout: layout, curve: curve, epochs: epochs, neighbors: k + 1, initialization: used,
                      components: components, graphEntries: graph.values.count, knn: report)
    }

    static func optimise<V: SIMD>(_: V.Type, graph: UMAPGraph, start: [Float], curve: UMAPCurve, epochs: Int,
                                  _ c: Configuration, observe: (Int, Int) throws -> Void) throws -> Matrix
        where V: Sendable, V.Scalar == Float {
        let n = graph.count, dims = c.dims
        var y = (0..<n).map { i in
            var v = V.zero
            for d in 0..<dims { v[d] = start[i * dims + d] }
            return v
        }
        let optimizer = UMAPOptimizer<V>(graph: graph, curve: curve, epochs: epochs, learningRate: c.learningRate,
                                         negativeSampleRate: c.negativeSampleRate,
                                         repulsionStrength: c.repulsionStrength, seed: c.seed)
        try optimizer.optimise(&y) { try observe($0, epochs) }
        var layout = Matrix(rows: n, columns: dims)
        for i in 0..<n { for d in 0..<dims { layout[i, d] = y[i][d] } }
        return layout
    }

    /// The starting layout, row-major: spectral/PCA coordinates scaled to max |x| = 10 plus N(0, 1e-4)
    /// noise, or uniform in [−10, 10]; then (all but `.layout`) each axis rescaled to [0, 10], as
    /// umap-learn's `simplicial_set_embedding`.
    static func initialLayout(_ points: Matrix, graph: UMAPGraph, components: Int,
                              _ c: Configuration) throws -> ([Float], InitialisationUsed) {
        let n = points.rows, dims = c.dims
        var g = SeededGenerator(seed: c.seed)
        func random() -> [Float] { (0..<(n * dims)).map { _ in Float(-10 + 20 * g.nextUnit()) } }
        func noisyScaled(_ x: [Float]) -> [Float] {
            let top = x.reduce(Float(0)) { max($0, abs($1)) }
            let scale: Float = top > 0 ? 10 / top : 1
            return x.map { $0 * scale + Float(1e-4 * g.nextGaussian()) }
        }
        var start: [Float]
        var used: InitialisationUsed
        switch c.initialization {
        case .layout(let m):
            return (m.storage, .layout)
        case .random:
            start = random()
            used = .random
        case .pca:
            var coordinates = [Float](repeating: 0, count: n * dims)
            let k = min(dims, points.columns, n)
            if k >= 1 {
                let projected = try PrincipalComponents.fit(points, components: k).transform(points)
                for i in 0..<n { for j in 0..<k { coordinates[i * dims + j] = projected[i, j] } }
            }
            start = noisyScaled(coordinates)
            used = .pca
        case .spectral:
            if components > 1 {
                start = random()
                used = .randomFallback(reason: "the neighbour graph has \(components) connected components")
            } else {
                do {
                    start = noisyScaled(try UMAPSpectralLayout.coordinates(graph, dims: dims))
                    used = .spectral
                } catch .tooFewPoints {
                    start = random()
                    used = .randomFallback(reason: "\(n) points are too few for \(dims + 1) eigenvectors")
                } catch .solver(let routine, let info) {
                    start = random()
                    used = .randomFallback(reason: "the eigensolver failed (\(routine) info \(info))")
                }
            }
        }
        for d in 0..<dims {
            var lo = Float.infinity, hi = -Float.infinity
            for i in 0..<n {
                lo = min(lo, start[i * dims + d])
                hi = max(hi, start[i * dims + d])
            }
            let scale: Float = hi > lo ? 10 / (hi - lo) : 0
            for i in 0..<n { start[i * dims + d] = scale * (start[i * dims + d] - lo) }
        }
        return (start, used)
    }
}
