import OrreryCore

/// `selector.sphere`: every point within `radius` of a centre — a point named by a label, or the
/// centroid of the points a /regex/ matches — by any registered metric.
///
/// With `space: original` (the default) distances are measured in the original vectors (the root
/// dataset's rows of the input; the centre is searched in the root too, so it may lie outside the
/// input); with `space: projection` in the input's own coordinates (its axes), centre searched in
/// the input. For an inner-product metric (`dot`, larger is nearer) "within" means a value of at least `radius`.
public enum SphereSelector: Selector {
    public enum Space: String, ParameterEnum {
        case original, projection
    }

    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "a label, or a /regex/ whose matches' centroid is the centre", .validRegex) public var centre: Term
        @Parameter(help: "the largest distance kept (for `dot`: the smallest product kept)", .finite)
        public var radius: Double
        @Parameter(help: "the distance, any registered metric", .metric) public var metric = "cosine"
        @Parameter(help: "original vectors (the root dataset's), or the input's own coordinates")
        public var space: Space = .original
        @Parameter(help: "the metadata column `centre` searches", defaultText: "the label column")
        public var column: String? = nil

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "selector.sphere", kind: .selector, version: "1.0.0",
        summary: "Every point within `radius` of a centre (a label, or the centroid of a /regex/ match), by any metric.",
        inputs: [.embedding],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: sphere-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              near-music:
                uses: selector.sphere
                from: glove
                with: { centre: music, radius: 0.3, metric: cosine }
            """)

    /// - Complexity: O(n·d) for n input points of d dimensions (one distance each), plus O(N) to
    ///   search the centre among the N rows of the searched table.
    public static func select(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> Embedding {
        let e = try inputs.embedding()
        guard e.count > 0 else { throw OrreryError.emptyDataset("the input has no points") }
        let measure = try context.measure(named: p.metric)
        let points: Matrix
        let centreRows: [Int]
        let centreSource: Matrix
        switch p.space {
        case .original:
            let root = e.root
            let rootEmbedding = Embedding(vectors: root.vectors, metadata: root.metadata, axes: [],
                                          rows: Array(0..<root.count), root: root, notes: Notes())
            centreRows = try rootEmbedding.rows(matching: p.centre, column: p.column, parameter: "centre")
            centreSource = root.vectors
            points = e.isWholeRoot ? root.vectors : root.vectors.selecting(rows: e.rows)
        case .projection:
            centreRows = try e.rows(matching: p.centre, column: p.column, parameter: "centre")
            centreSource = e.vectors
            points = e.vectors
        }
        let centre = centroid(of: centreRows, in: centreSource)
        let distances = distances(from: centre, to: points, measure: measure)
        let inside = distances.indices.filter { within(distances[$0], p.radius, measure) }
        guard !inside.isEmpty else {
            let nearest = measure.kernel == .innerProduct ? distances.max() : distances.min()
            throw OrreryError.invalidParameter(
                "radius",
                reason: "no point lies within \(p.radius) of \(p.centre) by \(measure.name)"
                    + (nearest.map { "; the nearest is at \($0)\(measure.unit)" } ?? ""))
        }
        return e.subset(inside)
    }

    /// Whether a distance (or, for larger-is-nearer measures, a similarity) is inside the radius.
    static func within(_ value: Float, _ radius: Double, _ measure: DistanceMeasure) -> Bool {
        measure.kernel == .innerProduct ? Double(value) >= radius : Double(value) <= radius
    }

    /// The mean of `rows` of `m` (double-precision accumulation).
    /// - Complexity: O(r·d).
    static func centroid(of rows: [Int], in m: Matrix) -> [Float] {
        var c = [Double](repeating: 0, count: m.columns)
        for r in rows { for j in c.indices { c[j] += Double(m[r, j]) } }
        return c.map { Float($0 / Double(max(1, rows.count))) }
    }

    /// The distance from `centre` to every row of `points`, rows split across cores.
    /// - Complexity: O(n·d).
    static func distances(from centre: [Float], to points: Matrix, measure: DistanceMeasure) -> [Float] {
        let n = points.rows, d = points.columns
        var out = [Float](repeating: 0, count: n)
        centre.withUnsafeBufferPointer { cb in
            points.storage.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { ob in
                    guard let ca = cb.baseAddress, let pa = pb.baseAddress, let oa = ob.baseAddress else { return }
                    let c = SharedReads(ca), p = SharedReads(pa), o = DisjointWrites(oa)
                    Parallel.forEachChunk(n, minimumChunk: 1024) { range in
                        for r in range {
                            o[r] = measure.distance(UnsafeBufferPointer(start: c.base, count: d),
                                                    UnsafeBufferPointer(start: p.base + r * d, count: d))
                        }
                    }
                }
            }
        }
        return out
    }
}
