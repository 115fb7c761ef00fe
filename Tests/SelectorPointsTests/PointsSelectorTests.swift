import OrreryCore
import OrreryTesting
import SelectorPoints
import Testing

@Suite struct PointsSelectorTests {
    static func run(_ e: Embedding, _ p: PointsSelector.Parameters) async throws -> Embedding {
        try await PointsSelector.select(StepInputs(["input": [.embedding(e)]]), p, context: .testing())
    }

    @Test func labelsAreKeptInTheOrderGivenWithRegexMatchesAndNoDuplicates() async throws {
        let glove = try await Bundled.glove()
        let labels = try #require(glove.metadata.labelColumn?.values)
        let out = try await Self.run(glove, .with { $0.labels = [.label("queen"), .label("KING"), .regex("^princes?$"),
                                                           .label("queen")] })
        #expect(out.metadata.labelColumn?.values == ["queen", "king", "prince", "princes"])
        #expect(out.rows == ["queen", "king", "prince", "princes"].compactMap { labels.firstIndex(of: $0) })
        #expect(out.vectors.row(1) == glove.vectors.row(out.rows[1]))
    }

    @Test func rowsSelectByIndex() async throws {
        let e = Fixtures.grid(rows: 10, columns: 2).subset([9, 8, 7, 6, 5])
        let out = try await Self.run(e, .with { $0.rows = [4, 0] })
        #expect(out.rows == [5, 9])
        #expect(out.vectors.row(0) == [5, 5.1])
    }

    @Test func unknownLabelIsAnErrorWithASuggestion() async throws {
        let e = Fixtures.embedding([("music", [1]), ("musical", [2]), ("art", [3])])
        await #expect(throws: OrreryError.labelNotFound("musik", column: "label", suggestion: "music")) {
            try await Self.run(e, .with { $0.labels = [.label("art"), .label("musik")] })
        }
    }

    @Test func rowPastTheEndNamesRows() async throws {
        await #expect(throws: OrreryError.invalidParameter("rows", reason: "row 3 is past the end; the input has 3 rows")) {
            try await Self.run(Fixtures.grid(rows: 3, columns: 1), .with { $0.rows = [0, 3] })
        }
    }

    @Test(arguments: ["{}", "{ labels: [a], rows: [0] }", "{ rows: [-1] }", "{ labels: [] }"])
    func neitherOrBothOrBadListsAreRejected(_ yaml: String) throws {
        let node = try YAMLSource(path: "t.yaml", text: yaml).compose()
        guard case .failure = PointsSelector.registryEntry.prepare(node) else {
            Issue.record("\(yaml) was accepted")
            return
        }
    }
}
