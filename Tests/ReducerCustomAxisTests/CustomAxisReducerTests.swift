import OrreryCore
import OrreryTesting
import ReducerCustomAxis
import Testing

@Suite struct CustomAxisReducerTests {
    /// A subset that lacks the axis words, so centroids must come from the root.
    func politicsSubset() async throws -> Embedding {
        let glove = try await Bundled.glove()
        let words = glove.metadata.labelColumn?.values ?? []
        let rows = ["politics", "economy", "election", "debate"].compactMap { words.firstIndex(of: $0) }
        return glove.subset(rows)
    }

    @Test func coordinateIsTheDotProductWithTheCentroidDifferenceFromTheRoot() async throws {
        let subset = try await politicsSubset()
        let p = CustomAxisReducer.Parameters.with { $0.x = .init(from: .label("worst"), to: .label("best")); $0.y = .axis(.init(from: .regex("^(bad|poor)$"), to: .regex("^(good|great)$"))) }
        let out = try await CustomAxisReducer.reduce(subset, p, context: .testing())
        let root = subset.root
        let words = root.metadata.labelColumn?.values ?? []
        func vector(_ w: String) throws -> [Float] { root.vectors.row(try #require(words.firstIndex(of: w))) }
        let x = zip(try vector("best"), try vector("worst")).map { Double($0) - Double($1) }
        let good = zip(try vector("good"), try vector("great")).map { (Double($0) + Double($1)) / 2 }
        let bad = zip(try vector("bad"), try vector("poor")).map { (Double($0) + Double($1)) / 2 }
        let y = zip(good, bad).map { $0 - $1 }
        #expect(out.axes == ["linear-x", "linear-y"])
        for i in 0..<subset.count {
            let v = subset.vectors.row(i).map(Double.init)
            let ex = zip(v, x).reduce(0) { $0 + $1.0 * $1.1 }
            let ey = zip(v, y).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(Double(out.vectors[i, 0]) - ex) < 1e-4 * max(1, abs(ex)), "\(subset.label(i)) x")
            #expect(abs(Double(out.vectors[i, 1]) - ey) < 1e-4 * max(1, abs(ey)), "\(subset.label(i)) y")
        }
        #expect(out.notes["x-from"] == .text("worst"))
        #expect(out.notes["y-to"] == .text("/^(good|great)$/"))
        #expect(out.rows == subset.rows)
    }

    @Test func normalizedAxesHaveUnitLength() async throws {
        let subset = try await politicsSubset()
        var p = CustomAxisReducer.Parameters.with { $0.x = .init(from: .label("worst"), to: .label("best")) }
        let raw = try await CustomAxisReducer.reduce(subset, p, context: .testing(seed: 3))
        p.normalize = true
        let unit = try await CustomAxisReducer.reduce(subset, p, context: .testing(seed: 3))
        // Same direction, scaled by 1/‖d‖: the ratio is constant across points.
        let ratios = (0..<subset.count).map { raw.vectors[$0, 0] / unit.vectors[$0, 0] }
        for r in ratios { #expect(abs(r - ratios[0]) < 1e-3 * abs(ratios[0])) }
        #expect(ratios[0] > 1)
        // Random y is a unit direction in both and equal for equal seeds.
        #expect(raw.vectors.column(1) == unit.vectors.column(1))
    }

    @Test func randomYIsSeeded() async throws {
        let subset = try await politicsSubset()
        let p = CustomAxisReducer.Parameters.with { $0.x = .init(from: .label("worst"), to: .label("best")) }
        let a = try await CustomAxisReducer.reduce(subset, p, context: .testing(seed: 1))
        let b = try await CustomAxisReducer.reduce(subset, p, context: .testing(seed: 1))
        let c = try await CustomAxisReducer.reduce(subset, p, context: .testing(seed: 2))
        #expect(a.vectors == b.vectors)
        #expect(a.vectors.column(1) != c.vectors.column(1))
    }

    @Test func termThatMatchesNothingIsAnErrorNamingTheParameter() async throws {
        let subset = try await politicsSubset()
        let p = CustomAxisReducer.Parameters.with { $0.x = .init(from: .label("qqqzzz"), to: .label("best")) }
        await #expect(throws: OrreryError.invalidParameter(
            "x.from", reason: "qqqzzz matches no point in column 'label' of the root dataset (set on-empty: random to use a random direction)")) {
            try await CustomAxisReducer.reduce(subset, p, context: .testing())
        }
    }

    @Test func onEmptyRandomWarnsAndUsesARandomDirection() async throws {
        let subset = try await politicsSubset()
        var p = CustomAxisReducer.Parameters.with { $0.x = .init(from: .label("qqqzzz"), to: .label("best")) }
        p.onEmpty = .random
        let warnings = WarningLog()
        let out = try await CustomAxisReducer.reduce(subset, p, context: .testing(events: warnings.record))
        #expect(out.count == subset.count)
        #expect(warnings.messages.count == 1)
    }
}
