import Foundation
import OrreryCore
import OrreryTesting
import Synchronization
import Testing

/// An exporter taking several embeddings (as exporter.svg does), recording what it was given.
enum TestGalleryExporter: Exporter {
    struct Parameters: ParameterSet {
        @Parameter(help: "the file") var path = "gallery.txt"
        init() {}
    }
    static let descriptor = PluginDescriptor(
        id: "exporter.gallery", kind: .exporter, version: "1", summary: "writes the first value of each input",
        inputs: [PortDescriptor("input", accepts: [.embedding], summary: "panels", multiple: true)],
        parameters: Parameters.self, example: "")
    static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        let text = inputs.embeddings().map { "\($0.vectors[0, 0]) seed \($0.notes["seed"]?.description ?? "-") (\($0.notes["sweep"]?.description ?? "-"))" }
            .joined(separator: "\n")
        return ExportResult(files: [try context.write(text, to: p.path)])
    }
}

/// `matrix:` sweeps: expansion in the loader, ids, order, seeds, errors at their places, graph,
/// `--set`, and the runner's cache (one entry per combination).
@Suite struct StepMatrixTests {
    let registry = PluginRegistry([TestLoader.self, TestReducer.self, TestExporter.self, TestGalleryExporter.self])

    static let sweep = """
        orrery: 1
        name: sweep
        seed: 9
        steps:
          load:
            uses: loader.test
          scale:
            uses: reducer.test
            from: load
            matrix: { factor: [2, 3, 5], seed: [1, 2] }
          gallery:
            uses: exporter.gallery
            from: scale
        """

    func validate(_ yaml: String, overrides: [String] = []) -> Result<WorkflowPlan, WorkflowDiagnostics> {
        WorkflowLoader.parse(yaml, path: "w.yaml", directory: URL(fileURLWithPath: "/tmp"), overrides: overrides)
            .flatMap { WorkflowValidator.validate($0, registry: registry) }
    }

    func problems(_ yaml: String, overrides: [String] = []) -> [(WorkflowProblem, Int, Int)] {
        guard case .failure(let d) = validate(yaml, overrides: overrides) else { return [] }
        return d.diagnostics.map { ($0.problem, $0.location?.line ?? 0, $0.location?.column ?? 0) }
    }

    static let ids = ["scale[factor=2,seed=1]", "scale[factor=2,seed=2]", "scale[factor=3,seed=1]",
                      "scale[factor=3,seed=2]", "scale[factor=5,seed=1]", "scale[factor=5,seed=2]"]

    @Test func matrixExpandsFirstKeySlowestWithReadableIDs() throws {
        let plan = try validate(Self.sweep).get()
        #expect(plan.steps.map(\.id) == ["load"] + Self.ids + ["gallery"])
        #expect(plan.combinations(of: "scale") == Self.ids)
        let third = try #require(plan.step("scale[factor=3,seed=1]"))
        #expect(third.prepared.canonicalParameters.contains("3"))
        #expect(third.step.seed == 1)
        #expect(third.step.sweep?.title == "factor 3 · seed 1")
        // The consumer reads every combination, in matrix order, on its one port.
        #expect(plan.step("gallery")?.bindings.map(\.port) == ["input"])
        #expect(plan.step("gallery")?.bindings.first?.steps == Self.ids)
    }

    @Test func runGivesTheConsumerEveryResultInOrderAndCachesEachCombination() async throws {
        let plan = try validate(Self.sweep).get()
        let cache = StepCache(directory: Fixtures.temporaryDirectory())
        let output = Fixtures.temporaryDirectory()
        let outcome = try await Runner(registry: registry).run(plan, options: .init(outputDirectory: output, cache: cache))
        let text = try String(contentsOf: output.appendingPathComponent("gallery.txt"), encoding: .utf8)
        // Row 0 of the loader is 1: factor × 1, with the combination's seed.
        #expect(text.split(separator: "\n") == ["2.0 seed 1 (factor 2 · seed 1)", "2.0 seed 2 (factor 2 · seed 2)",
                                                 "3.0 seed 1 (factor 3 · seed 1)", "3.0 seed 2 (factor 3 · seed 2)",
                                                 "5.0 seed 1 (factor 5 · seed 1)", "5.0 seed 2 (factor 5 · seed 2)"])
        #expect(outcome.records.map(\.id) == ["load"] + Self.ids + ["gallery"])
        #expect(Set(outcome.records.map(\.key)).count == 8)
        // Changing one value re-runs that value's combinations only (and the consumer).
        let changed = Self.sweep.replacingOccurrences(of: "[2, 3, 5]", with: "[2, 4, 5]")
        let again = try await Runner(registry: registry).run(try validate(changed).get(),
                                                             options: .init(outputDirectory: output, cache: cache))
        let ran = again.records.filter { !$0.cached }.map(\.id)
        #expect(ran == ["scale[factor=4,seed=1]", "scale[factor=4,seed=2]", "gallery"])
    }

    @Test func setOnTheSweptIDSetsEveryCombinationAndOnOneIDOnlyThatOne() throws {
        let yaml = Self.sweep.replacingOccurrences(of: "reducer.test\n    from: load\n    matrix: { factor: [2, 3, 5], seed: [1, 2] }",
                                                   with: "reducer.test\n    from: load\n    matrix: { seed: [1, 2] }")
        let all = try validate(yaml, overrides: ["scale.factor=7"]).get()
        #expect(all.combinations(of: "scale").allSatisfy { all.step($0)?.prepared.canonicalParameters.contains("7") == true })
        let one = try validate(yaml, overrides: ["scale[seed=2].factor=7"]).get()
        #expect(one.step("scale[seed=2]")?.prepared.canonicalParameters.contains("7") == true)
        #expect(one.step("scale[seed=1]")?.prepared.canonicalParameters.contains("7") == false)
        let found = problems(Self.sweep, overrides: ["scale.factor=7"])
        #expect(found.map(\.0) == [.overrideOfMatrixKey(key: "factor", step: "scale")])
    }

    @Test func badValueIsReportedOnceAtItsPlaceInTheList() {
        let found = problems(Self.sweep.replacingOccurrences(of: "[2, 3, 5]", with: "[2, lots, 5]"))
        #expect(found.count == 1)
        #expect(found.first?.1 == 10 && found.first?.2 == 27, "\(found)")
    }

    @Test func unknownKeyInTheMatrixSuggestsTheParameter() {
        let found = problems(Self.sweep.replacingOccurrences(of: "factor: [2, 3, 5]", with: "factr: [2, 3, 5]"))
        #expect(found.count == 1)
        if case .unknownParameter(let key, _, _, let suggestion)? = found.first?.0 {
            #expect(key == "factr" && suggestion == "factor")
        } else { Issue.record("\(found)") }
        #expect(found.first?.1 == 10 && found.first?.2 == 15)
    }

    @Test func emptyListConflictsAndBadShapesAreErrors() {
        #expect(problems(Self.sweep.replacingOccurrences(of: "[2, 3, 5]", with: "[]")).map(\.0)
                == [.emptyMatrix(step: "scale", key: "factor")])
        #expect(problems(Self.sweep.replacingOccurrences(of: "{ factor: [2, 3, 5], seed: [1, 2] }", with: "{}")).map(\.0)
                == [.emptyMatrix(step: "scale", key: nil)])
        let both = problems(Self.sweep.replacingOccurrences(of: "    from: load\n    matrix:",
                                                            with: "    from: load\n    with: { factor: 2 }\n    matrix:"))
        #expect(both.map(\.0) == [.matrixConflict(key: "factor", step: "scale", line: 10)])
        let seeds = problems(Self.sweep.replacingOccurrences(of: "    from: load\n    matrix:",
                                                             with: "    from: load\n    seed: 4\n    matrix:"))
        #expect(seeds.map(\.0) == [.matrixConflict(key: "seed", step: "scale", line: 10)])
        let scalar = problems(Self.sweep.replacingOccurrences(of: "[2, 3, 5]", with: "7"))
        #expect(scalar.count == 1 && scalar.first.map { "\($0.0)" }?.contains("a list of values for 'factor'") == true)
        let badSeed = problems(Self.sweep.replacingOccurrences(of: "seed: [1, 2]", with: "seed: [1, -2]"))
        #expect(badSeed.count == 1 && badSeed.first?.1 == 10 && badSeed.first?.2 == 44)
    }

    @Test func tooManyCombinationsIsAnErrorThatSaysTheCap() {
        let big = (1...20).map(String.init).joined(separator: ", ")
        let found = problems(Self.sweep.replacingOccurrences(of: "{ factor: [2, 3, 5], seed: [1, 2] }",
                                                             with: "{ factor: [\(big)], seed: [\(big)] }"))
        #expect(found.map(\.0) == [.tooManyCombinations(step: "scale", count: 400, maximum: StepMatrix.maximumCombinations)])
    }

    @Test func sweepIntoAPortTakingOneInputIsAClearError() {
        let found = problems(Self.sweep.replacingOccurrences(of: "uses: exporter.gallery\n    from: scale",
                                                             with: "uses: exporter.test\n    from: scale\n    with: { path: a.tsv }"))
        #expect(found.map(\.0) == [.sweepIntoSingleInput(sweep: "scale", count: 6, port: "input", plugin: "exporter.test",
                                                       first: "scale[factor=2,seed=1]")])
        #expect(found.first?.1 == 13)
        #expect("\(found.first?.0 ?? .noSteps)".contains("takes exactly one input"))
    }

    @Test func unsafeValuesAreNamedByTheirPlace() throws {
        let yaml = Self.sweep.replacingOccurrences(of: "{ factor: [2, 3, 5], seed: [1, 2] }",
                                                   with: "{ factor: [2, 3], seed: [1] }")
        let plan = try validate(yaml).get()
        #expect(plan.combinations(of: "scale") == ["scale[factor=2,seed=1]", "scale[factor=3,seed=1]"])
        #expect(StepMatrix.maximumCombinations == 256)
        let odd = WorkflowLoader.parse(Self.sweep.replacingOccurrences(of: "[2, 3, 5]", with: "[\"a b\", \"c,d\"]"),
                                       path: "w.yaml", directory: URL(fileURLWithPath: "/tmp"))
        let ids = (try? odd.get())?.steps.map(\.id) ?? []
        #expect(ids.contains("scale[factor=#1,seed=1]") && ids.contains("scale[factor=#2,seed=2]"))
    }

    @Test func graphGroupsTheCombinations() throws {
        let workflow = try WorkflowLoader.parse(Self.sweep, path: "w.yaml", directory: URL(fileURLWithPath: "/tmp")).get()
        let mermaid = WorkflowGraph.render(workflow, format: .mermaid)
        #expect(mermaid.contains("subgraph scale_matrix[\"scale · matrix of 6\"]"))
        #expect(mermaid.contains("[\"scale[factor=2,seed=1]<br/><small>reducer.test</small>\"]"))
        // Every Mermaid node id is made of letters, digits and '_' only.
        let nodeLines = mermaid.split(separator: "\n").filter { $0.contains("-->") }
        #expect(nodeLines.count == 6 + 6)
        for line in nodeLines {
            let parts = line.split(separator: " ").filter { $0 != "-->" }
            #expect(parts.allSatisfy { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }, "\(line)")
        }
        let dot = WorkflowGraph.render(workflow, format: .dot)
        #expect(dot.contains("subgraph \"cluster_scale\""))
        #expect(dot.contains("\"scale[factor=5,seed=2]\" -> \"gallery\";"))
    }
}
