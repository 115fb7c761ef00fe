import OrreryCore

/// `reducer.custom-axis`: the Projector's custom projection. Each axis runs from the centroid of the
/// points a `from` term names to the centroid of those a `to` term names; a point's coordinate is its
/// dot product with centroid(to) − centroid(from), exactly as the Projector computes it (or with the
/// unit direction, `normalize: true`).
///
/// Centroids are searched in the input's **root** dataset, with its raw vectors, so a subset (say the
/// 100 neighbours of "politics") can be placed on an axis between words it does not contain.
public enum CustomAxisReducer: Reducer {
    /// One axis: from one term to another.
    public struct Axis: ParameterValue, Equatable, ContainsTerms {
        public static var parameterType: String { "{from: term, to: term}" }
        public var containedTerms: [(path: [String], term: Term)] { [(["from"], from), (["to"], to)] }

        public var from: Term
        public var to: Term

        public init(from: Term, to: Term) {
            self.from = from
            self.to = to
        }

        enum CodingKeys: String, CodingKey { case from, to }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            from = try c.decode(Term.self, forKey: .from)
            to = try c.decode(Term.self, forKey: .to)
        }
    }

    /// The y axis: a second term axis, or a seeded random direction.
    public enum YAxis: ParameterValue, Equatable, ContainsTerms {
        public static var parameterType: String { "random | {from: term, to: term}" }
        public var containedTerms: [(path: [String], term: Term)] {
            if case .axis(let a) = self { return a.containedTerms } else { return [] }
        }

        case random
        case axis(Axis)

        public init(from decoder: any Decoder) throws {
            if let word = try? decoder.singleValueContainer().decode(String.self) {
                guard word == "random" else {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                            debugDescription: "expected 'random' or { from: …, to: … }, found '\(word)'"))
                }
                self = .random
            } else {
                self = .axis(try Axis(from: decoder))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .random:
                var c = encoder.singleValueContainer()
                try c.encode("random")
            case .axis(let a): try a.encode(to: encoder)
            }
        }
    }

    /// What to do when a term matches no point of the root.
    public enum OnEmpty: String, ParameterEnum {
        case error, random
    }

    public struct Parameters: ParameterSet, Equatable, ValidatingParameters {
        @Parameter(help: "the x axis: from the centroid of `from` to that of `to`; a term is a label or /regex/",
                   .validRegex)
        public var x: Axis
        @Parameter(help: "the y axis, or a seeded random direction", .validRegex) public var y: YAxis = .random
        @Parameter(help: "use unit directions instead of the Projector's raw dot products") public var normalize = false
        @Parameter(help: "the metadata column terms search, in the root dataset", defaultText: "the label column")
        public var column: String? = nil
        @Parameter(help: "a term that matches nothing: an error, or a random direction") public var onEmpty: OnEmpty = .error

        public init() {}

        public func validate() throws(ParameterError) {
            if x.from == x.to {
                throw ParameterError("x.to", "is the same term as x.from ('\(x.from)'): the axis would be zero for every point; name two different ends")
            }
            if case .axis(let axis) = y {
                if axis.from == axis.to {
                    throw ParameterError("y.to", "is the same term as y.from ('\(axis.from)'): the axis would be zero for every point; name two different ends")
                }
                if axis == x {
                    throw ParameterError("y", "is the same axis as x: the layout would be a line; give y other ends, or 'random'")
                }
            }
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "reducer.custom-axis", kind: .reducer, version: "1.0.0",
        summary: "Places points on axes between groups of words (centroid(to) − centroid(from)), as the Projector's custom projection.",
        inputs: [.embedding],
        parameters: Parameters.self,
        usesSeed: true,
        example: """
            orrery: 1
            name: custom-axis-example
            seed: 7
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              near:
                uses: selector.neighbors
                from: glove
                with: { of: politics, k: 100 }
              axis:
                uses: reducer.custom-axis
                from: near
                with:
                  x: { from: worst, to: best }
                  y: { from: /^bad$/, to: /^good$/ }
            """)

    /// - Complexity: O(m·d) for the centroids of m matched root points, plus O(n·d) for the coordinates.
    public static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
        guard input.count > 0 else { throw OrreryError.emptyDataset("the input has no points") }
        let root = input.root
        guard input.dimensions == root.vectors.columns else {
            throw OrreryError.shapeMismatch(
                "the input has \(input.dimensions) dimensions but its root dataset has \(root.vectors.columns); "
                    + "place raw (or sphereized) vectors on custom axes, not a projection")
        }
        var generator = SeededGenerator(seed: context.seed)
        var notes = input.notes
        notes.set("reducer", descriptor.id)
        let x = try direction(p.x, parameter: "x", root: root, p: p, generator: &generator, context: context)
        notes.set("x-from", p.x.from.description)
        notes.set("x-to", p.x.to.description)
        let y: [Float]
        switch p.y {
        case .random:
            y = randomDirection(root.vectors.columns, &generator)
            notes.set("y-from", "")
            notes.set("y-to", "")
            notes.set("y", "random")
        case .axis(let a):
            y = try direction(a, parameter: "y", root: root, p: p, generator: &generator, context: context)
            notes.set("y-from", a.from.description)
            notes.set("y-to", a.to.description)
        }
        // y along x (x equal to y, or its reverse): the plot would collapse onto a line.
        let dot = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let nx = x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let ny = y.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        if nx > 0, ny > 0, abs(dot / (nx * ny)) > 1 - 1e-6 {
            throw OrreryError.invalidParameter("y", reason: "the y axis points along the x axis (cosine \(NumberText.fixed(dot / (nx * ny), 3))), "
                                               + "so every point would fall on one line; choose a y axis with other points or sets")
        }
        var axes = Matrix(rows: input.dimensions, columns: 2)
        for j in 0..<input.dimensions {
            axes[j, 0] = x[j]
            axes[j, 1] = y[j]
        }
        notes.set("normalize", p.normalize ? "true" : "false")
        notes.set("seed", Double(context.seed))
        let ends: Projection.Ends?
        if case .axis(let a) = p.y { ends = Projection.Ends(from: a.from, to: a.to) } else { ends = nil }
        return input.projected(to: BLAS.product(input.vectors, axes), axes: ["linear-x", "linear-y"], notes: notes,
                               projection: .custom([Projection.Ends(from: p.x.from, to: p.x.to), ends], column: p.column))
    }

    /// centroid(to) − centroid(from) over the root's raw vectors (normalised if asked).
    static func direction(_ axis: Axis, parameter: String, root: Dataset, p: Parameters,
                          generator: inout SeededGenerator, context: StepContext) throws -> [Float] {
        let column = try root.metadata.searchColumn(p.column)
        func centroid(_ term: Term, _ end: String) throws -> [Float]? {
            let rows = try term.matches(in: column.values, parameter: "\(parameter).\(end)")
            guard !rows.isEmpty else {
                if p.onEmpty == .random {
                    context.warn("'\(parameter).\(end)': \(term) matches nothing in column '\(column.name)'; using a random direction")
                    return nil
                }
                throw OrreryError.invalidParameter("\(parameter).\(end)",
                                                   reason: "\(term) matches no point in column '\(column.name)' of the root dataset "
                                                       + "(set on-empty: random to use a random direction)")
            }
            var c = [Double](repeating: 0, count: root.vectors.columns)
            for r in rows { for j in c.indices { c[j] += Double(root.vectors[r, j]) } }
            return c.map { Float($0 / Double(rows.count)) }
        }
        guard let to = try centroid(axis.to, "to"), let from = try centroid(axis.from, "from") else {
            return randomDirection(root.vectors.columns, &generator)
        }
        var v = zip(to, from).map { $0 - $1 }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        // from and to at one place: the axis has no direction and every coordinate would be 0.
        guard norm > 0 else {
            throw OrreryError.invalidParameter(parameter, reason: "'from' (\(axis.from)) and 'to' (\(axis.to)) have the same centroid, "
                                               + "so the axis has no direction and every coordinate on it would be 0; choose two different points or sets")
        }
        if p.normalize { v = v.map { $0 / norm } }
        return v
    }

    /// A seeded random unit direction.
    static func randomDirection(_ d: Int, _ g: inout SeededGenerator) -> [Float] {
        let v = (0..<d).map { _ in g.nextGaussian() }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { Float(norm > 0 ? $0 / norm : 0) }
    }
}
