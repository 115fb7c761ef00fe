import OrreryCore
import OrreryTesting
import ReducerSphereize
import Testing

@Suite struct SphereizeReducerTests {
    @Test func rowsAreCentredThenScaledToUnitLength() async throws {
        let e = Fixtures.random(rows: 50, columns: 6, seed: 4)
        let out = try await SphereizeReducer.reduce(e, .init(), context: .testing())
        let mean = (0..<6).map { j in (0..<50).map { Double(e.vectors[$0, j]) }.reduce(0, +) / 50 }
        for r in 0..<50 {
            let centred = (0..<6).map { Double(e.vectors[r, $0]) - mean[$0] }
            let norm = centred.map { $0 * $0 }.reduce(0, +).squareRoot()
            for j in 0..<6 { #expect(abs(Double(out.vectors[r, j]) - centred[j] / norm) < 1e-6) }
            #expect(abs(Reference.norm(out.vectors.row(r)) - 1) < 1e-6)
        }
        #expect(out.root === e.root && out.rows == e.rows && out.metadata == e.metadata)
        #expect(out.notes["sphereized"] != nil)
    }

    @Test func aVectorAtTheCentroidStaysZero() async throws {
        // The middle point is the centroid of the three.
        let e = Fixtures.embedding([("a", [0, 0]), ("b", [1, 2]), ("c", [2, 4])])
        let out = try await SphereizeReducer.reduce(e, .init(), context: .testing())
        #expect(out.vectors.row(1) == [0, 0])
        #expect(abs(out.vectors[0, 0] + 1 / 5.0.squareRoot().asFloat) < 1e-6)
        #expect(abs(out.vectors[2, 1] - 2 / 5.0.squareRoot().asFloat) < 1e-6)
    }

    @Test func unknownParametersAreReported() throws {
        let node = try YAMLSource(path: "t.yaml", text: "radius: 1").compose()
        guard case .failure = SphereizeReducer.registryEntry.prepare(node) else {
            Issue.record("an unknown key was accepted")
            return
        }
    }
}

private extension Double {
    var asFloat: Float { Float(self) }
}
