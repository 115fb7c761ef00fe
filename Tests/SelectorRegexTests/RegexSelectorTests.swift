import OrreryCore
import OrreryTesting
import SelectorRegex
import Testing

@Suite struct RegexSelectorTests {
    let e = Fixtures.embedding([("Red", [1]), ("green", [2]), ("reddish", [3]), ("blue", [4])])

    func select(_ p: RegexSelector.Parameters) async throws -> [String] {
        let out = try await RegexSelector.select(StepInputs(["input": [.embedding(e)]]), p, context: .testing())
        return out.metadata.labelColumn?.values ?? []
    }

    @Test func caseInsensitiveByDefault() async throws {
        #expect(try await select(.with { $0.pattern = "^red" }) == ["Red", "reddish"])
        #expect(try await select(.with { $0.pattern = "/^red/"; $0.caseSensitive = true }) == ["reddish"])
    }

    @Test func invertKeepsTheOthers() async throws {
        #expect(try await select(.with { $0.pattern = "^red"; $0.invert = true }) == ["green", "blue"])
    }

    @Test func emptySelectionIsAnError() async {
        await #expect(throws: OrreryError.invalidParameter("pattern", reason: "selects no point: nothing in column 'label' matches /^z/")) {
            try await select(.with { $0.pattern = "^z" })
        }
    }

    @Test func unknownColumnListsTheColumns() async {
        await #expect(throws: OrreryError.unknownColumn("word", known: ["label"])) {
            try await select(.with { $0.pattern = "x"; $0.column = "word" })
        }
    }

    @Test func invalidPatternIsRejectedAtValidation() throws {
        let node = try YAMLSource(path: "w.yaml", text: "pattern: \"(unclosed\"").compose()
        guard case .failure(let d) = RegexSelector.registryEntry.prepare(node) else {
            Issue.record("accepted an invalid regex")
            return
        }
        #expect(d.diagnostics.map(\.problem) == [.invalidValue(parameter: "pattern", reason: "'(unclosed' is not a valid regular expression")])
    }
}
