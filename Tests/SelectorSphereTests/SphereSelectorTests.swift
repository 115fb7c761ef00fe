import OrreryCore
import OrreryTesting
import SelectorSphere
import Testing

@Suite struct SphereSelectorTests {
    static let context = StepContext.testing(registry: MeasureRegistry.standard)

    static func run(_ e: Embedding, _ p: SphereSelector.Parameters) async throws -> Embedding {
        try await SphereSelector.select(StepInputs(["input": [.embedding(e)]]), p, context: context)
    }

    /// Rows of `points` within `radius` of `centre` by `distance`, in double precision; rows within
    /// 1e-5 of the boundary are returned separately (float rounding may put them on either side).
    static func bruteForce(_ points: Matrix, centre: [Float], radius: Double,
                           _ distance: ([Float], [Float]) -> Double) -> (inside: Set<Int>, boundary: Set<Int>) {
        var inside = Set<Int>(), boundary = Set<Int>()
        for r in 0..<points.rows {
            let d = distance(points.row(r), centre)
            if abs(d - radius) < 1e-5 { boundary.insert(r) } else if d < radius { inside.insert(r) }
        }
        return (inside, boundary)
    }

    static func check(_ out: Embedding, against reference: (inside: Set<Int>, boundary: Set<Int>)) {
        let got = Set(out.rows)
        #expect(got.subtracting(reference.boundary) == reference.inside)
    }

    @Test func cosineSphereAroundALabelEqualsBruteForce() async throws {
        let glove = try await Bundled.glove().subset(Array(0..<5_000))
        let out = try await Self.run(glove, .with { $0.centre = .label("music"); $0.radius = 0.4 })
        let music = try #require(glove.metadata.labelColumn?.values.firstIndex(of: "music"))
        let reference = Self.bruteForce(glove.vectors, centre: glove.vectors.row(music), radius: 0.4,
                                        Reference.cosineDistance)
        Self.check(out, against: reference)
        #expect(out.rows.contains(music))
        #expect(out.count > 3 && out.count < 200)
        #expect(out.rows == out.rows.sorted())
    }

    @Test func regexCentreIsTheCentroidOfItsMatches() async throws {
        let glove = try await Bundled.glove().subset(Array(0..<5_000))
        let out = try await Self.run(glove, .with { $0.centre = .regex("^(king|queen)$"); $0.radius = 5; $0.metric = "euclidean" })
        let labels = try #require(glove.metadata.labelColumn?.values)
        let rows = [try #require(labels.firstIndex(of: "king")), try #require(labels.firstIndex(of: "queen"))]
        let centre = (0..<50).map { j in (glove.vectors[rows[0], j] + glove.vectors[rows[1], j]) / 2 }
        Self.check(out, against: Self.bruteForce(glove.vectors, centre: centre, radius: 5, Reference.euclidean))
        #expect(!out.rows.isEmpty)
    }

    @Test func originalSpaceOfAProjectionUsesTheRootVectorsAndFindsACentreOutsideTheInput() async throws {
        let glove = try await Bundled.glove()
        // A 2-D "projection" of the first 3,000 words (their first two coordinates).
        let subset = glove.subset(Array(0..<3_000))
        let projected = subset.projected(to: subset.vectors.selecting(columns: [0, 1]), axes: ["x", "y"], notes: Notes())
        let labels = try #require(glove.metadata.labelColumn?.values)
        let outside = try #require(labels.firstIndex(of: "saxophone"))
        #expect(outside >= 3_000)
        let out = try await Self.run(projected, .with { $0.centre = .label("saxophone"); $0.radius = 0.5; $0.metric = "cosine" })
        Self.check(out, against: Self.bruteForce(subset.vectors, centre: glove.vectors.row(outside), radius: 0.5,
                                                 Reference.cosineDistance))
        #expect(out.dimensions == 2)
    }

    @Test func projectionSpaceMeasuresTheInputsOwnAxes() async throws {
        var g = SeededGenerator(seed: 11)
        let points = (0..<500).map { i in ("p\(i)", [Float(g.nextGaussian()), Float(g.nextGaussian())]) }
        let e = Fixtures.embedding(points)
        let out = try await Self.run(e, .with { $0.centre = .label("p0"); $0.radius = 1; $0.metric = "euclidean"; $0.space = .projection })
        Self.check(out, against: Self.bruteForce(e.vectors, centre: e.vectors.row(0), radius: 1, Reference.euclidean))
    }

    @Test func dotRadiusIsTheSmallestProductKept() async throws {
        let e = Fixtures.embedding([("a", [1, 0]), ("b", [2, 0]), ("c", [0, 1]), ("d", [-1, 0])])
        let out = try await Self.run(e, .with { $0.centre = .label("a"); $0.radius = 1; $0.metric = "dot" })
        #expect(out.rows == [0, 1])
    }

    @Test func emptySphereIsAnErrorNamingRadius() async throws {
        let e = Fixtures.embedding([("a", [1, 0]), ("b", [0, 1])])
        do {
            _ = try await Self.run(e, .with { $0.centre = .label("a"); $0.radius = -1; $0.metric = "euclidean" })
            Issue.record("an empty sphere was accepted")
        } catch let error as OrreryError {
            #expect(error.parameter == "radius")
            #expect("\(error)".contains("the nearest is at 0"))
        }
    }

    @Test func unknownCentreAndMetricAreReported() async throws {
        let e = Fixtures.embedding([("apple", [1, 0]), ("pear", [0, 1])])
        await #expect(throws: OrreryError.labelNotFound("appel", column: "label", suggestion: "apple")) {
            try await Self.run(e, .with { $0.centre = .label("appel"); $0.radius = 1 })
        }
        await #expect(throws: OrreryError.self) {
            try await Self.run(e, .with { $0.centre = .label("apple"); $0.radius = 1; $0.metric = "manhattan" })
        }
    }
}
