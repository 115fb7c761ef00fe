import Foundation
import OrreryCore
import OrreryTesting
import Testing

/// Validation with a registry of test plugins (no built-ins: this target depends on OrreryCore only).
@Suite struct WorkflowValidatorTests {
    let registry = PluginRegistry([TestLoader.self, TestReducer.self, TestExporter.self, TestNeighborsExporter.self,
                                   TestMetric.self])

    func validate(_ yaml: String) -> Result<WorkflowPlan, WorkflowDiagnostics> {
        WorkflowLoader.parse(yaml, path: "w.yaml", directory: URL(fileURLWithPath: "/tmp"))
            .flatMap { WorkflowValidator.validate($0, registry: registry) }
    }

    func problems(_ yaml: String) -> [(WorkflowProblem, Int, Int)] {
        guard case .failure(let d) = validate(yaml) else { return [] }
        return d.diagnostics.map { ($0.problem, $0.location?.line ?? 0, $0.location?.column ?? 0) }
    }

    @Test func validWorkflowIsOrderedByDependencies() throws {
        let plan = try validate("""
            orrery: 1
            name: ok
            steps:
              out:
                uses: exporter.test
                from: shrink
                with: { path: a.tsv }
              shrink:
                uses: reducer.test
                from: load
                with: { factor: 2 }
              load:
                uses: loader.test
            """).get()
        #expect(plan.steps.map(\.id) == ["load", "shrink", "out"])
        #expect(plan.step("shrink")?.bindings.first?.steps == ["load"])
    }

    @Test func everyMistakeIsReportedAtOnceWithItsPlace() {
        let found = problems("""
            orrery: 1
            name: bad
            steps:
              load:
                uses: loader.tset
              shrink:
                uses: reducer.test
                from: load
                with: { factr: 2 }
              shrink2:
                uses: reducer.test
                from: load
                with: { factor: lots }
              out:
                uses: exporter.test
                from: lod
                with: { path: a.tsv }
              a:
                uses: reducer.test
                from: b
              b:
                uses: reducer.test
                from: a
            """)
        #expect(found.count == 5)
        #expect(found[0].0 == .unknownPlugin("loader.tset", suggestion: "loader.test"))
        #expect((found[0].1, found[0].2) == (5, 11))
        #expect(found[1].0 == .unknownParameter("factr", plugin: "reducer.test", known: ["factor"], suggestion: "factor"))
        #expect((found[1].1, found[1].2) == (9, 13))
        #expect(found[2].0 == .typeMismatch(parameter: "factor", expected: "a number", found: "a string"))
        #expect((found[2].1, found[2].2) == (13, 21))
        #expect(found[3].0 == .unknownStep("lod", suggestion: "load"))
        #expect((found[3].1, found[3].2) == (16, 11))
        #expect(found[4].0 == .cycle(["a", "b", "a"]))
        #expect(found[4].1 == 18)
    }

    @Test func wrongPortTypeIsCaughtBeforeRunning() {
        let found = problems("""
            orrery: 1
            name: ports
            steps:
              load: { uses: loader.test }
              write: { uses: exporter.neighbors-test, from: load, with: {} }
            """)
        #expect(found.map(\.0) == [.wrongPortType(step: "load", produces: "an embedding", port: "input",
                                                  expects: "neighbour lists")])
    }

    @Test func missingInputAndSelfLoop() {
        let found = problems("""
            orrery: 1
            name: inputs
            steps:
              shrink: { uses: reducer.test }
              loop: { uses: reducer.test, from: loop }
            """)
        #expect(found.map(\.0) == [.missingInput(port: "input", plugin: "reducer.test"), .cycle(["loop", "loop"])])
    }

    @Test func yamlSyntaxErrorHasItsPlace() {
        let found = problems("orrery: 1\nname: x\nsteps:\n  a: { uses: loader.test\n")
        #expect(found.count == 1)
        guard case .yamlSyntax = found.first?.0 else {
            Issue.record("expected a YAML syntax error, got \(found)")
            return
        }
        #expect(found[0].1 >= 4)
    }

    @Test func headerMistakes() {
        let found = problems("orrery: 2\nnme: x\nsteps: {}\n")
        #expect(found.map(\.0) == [
            .unknownField("nme", in: "the workflow", known: ["orrery", "name", "description", "seed", "plugins", "steps"], suggestion: "name"),
            .unsupportedSchemaVersion("2"),
            .noSteps,
        ])
    }

    @Test func duplicateStepIdsAreAYAMLError() {
        let found = problems("orrery: 1\nname: d\nsteps:\n  a: { uses: loader.test }\n  a: { uses: loader.test }\n")
        #expect(found.first?.0 == .yamlSyntax("duplicate key 'a' in one mapping"))
    }

    @Test func overridesReplaceParametersAndUnknownStepsAreReported() throws {
        let yaml = "orrery: 1\nname: o\nsteps:\n  load: { uses: loader.test }\n  r: { uses: reducer.test, from: load, with: { factor: 2 } }\n"
        let wf = try WorkflowLoader.parse(yaml, path: "w.yaml", directory: URL(fileURLWithPath: "/tmp"),
                                          overrides: ["r.factor=5"]).get()
        let plan = try WorkflowValidator.validate(wf, registry: registry).get()
        #expect(plan.step("r")?.prepared.canonicalParameters == #"{"factor":5}"#)
        guard case .failure(let d) = WorkflowLoader.parse(yaml, path: "w.yaml", directory: URL(fileURLWithPath: "/tmp"),
                                                          overrides: ["rr.factor=5"]) else {
            Issue.record("unknown step accepted")
            return
        }
        #expect(d.diagnostics.first?.problem == .invalidOverride("no step 'rr'; did you mean 'r'?"))
    }

    @Test func diagnosticPrintsLikeACompiler() {
        guard case .failure(let d) = validate("orrery: 1\nname: x\nsteps:\n  load:\n    uses: loader.tset\n") else {
            Issue.record("accepted")
            return
        }
        #expect(d.diagnostics[0].description == """
            w.yaml:5:11: error: unknown plugin 'loader.tset'; did you mean 'loader.test'?
                uses: loader.tset
                      ^
            """)
    }

    @Test func runnerRunsIndependentBranchesAndPassesTheSeed() async throws {
        let plan = try validate("""
            orrery: 1
            name: run
            seed: 42
            steps:
              load: { uses: loader.test }
              a: { uses: reducer.test, from: load, with: { factor: 2 } }
              b: { uses: reducer.test, from: load, with: { factor: 3 }, seed: 5 }
            """).get()
        let outcome = try await Runner(registry: registry).run(plan, options: .init(outputDirectory: Fixtures.temporaryDirectory()))
        guard case .embedding(let a)? = outcome.values["a"], case .embedding(let b)? = outcome.values["b"] else {
            Issue.record("missing outputs")
            return
        }
        #expect(a.vectors.storage == [2, 4, 6])
        #expect(b.vectors.storage == [3, 6, 9])
        #expect(a.notes.number("seed") == 42)
        #expect(b.notes.number("seed") == 5)
    }

    @Test func failingStepIsNamedWithItsPlace() async throws {
        let plan = try validate("""
            orrery: 1
            name: fail
            steps:
              load: { uses: loader.test }
              r:
                uses: reducer.test
                from: load
                with: { factor: -1 }
            """).get()
        do {
            _ = try await Runner(registry: registry).run(plan, options: .init(outputDirectory: Fixtures.temporaryDirectory()))
            Issue.record("did not fail")
        } catch let f as StepFailure {
            #expect(f.step == "r")
            #expect(f.location?.line == 8)
            #expect(f.description.hasPrefix("w.yaml:8:21: error: step 'r' (reducer.test) failed: invalid value for 'factor'"))
        }
    }
}
