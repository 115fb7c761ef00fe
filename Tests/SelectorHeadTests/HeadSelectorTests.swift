import OrreryCore
import OrreryTesting
import SelectorHead
import Testing

@Suite struct HeadSelectorTests {
    @Test func keepsTheFirstRowsWithTheirRootIndices() async throws {
        let e = Fixtures.grid(rows: 10, columns: 3)
        let out = try await HeadSelector.select(StepInputs(["input": [.embedding(e)]]), .with { $0.count = 4 },
                                                context: .testing())
        #expect(out.count == 4)
        #expect(out.rows == [0, 1, 2, 3])
        #expect(out.vectors.row(3) == e.vectors.row(3))
        #expect(out.root === e.root)
    }

    @Test func countLargerThanTheDataKeepsEverything() async throws {
        let e = Fixtures.grid(rows: 3, columns: 2)
        let out = try await HeadSelector.select(StepInputs(["input": [.embedding(e)]]), .with { $0.count = 99 },
                                                context: .testing())
        #expect(out.count == 3)
    }

    @Test func zeroCountIsRejectedAtValidation() {
        let node = try! YAMLSource(path: "t.yaml", text: "count: 0").compose()
        guard case .failure(let d) = HeadSelector.registryEntry.prepare(node) else {
            Issue.record("count: 0 was accepted")
            return
        }
        #expect(d.diagnostics.first?.problem == .invalidValue(parameter: "count", reason: "must be at least 1, got 0"))
        #expect(d.diagnostics.first?.location?.line == 1)
    }
}
