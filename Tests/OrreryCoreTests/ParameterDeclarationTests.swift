import Foundation
import OrreryCore
import OrreryTesting
import Testing

/// One `@Parameter` declaration gives the key, default, docs, constraints and cache-key JSON.
@Suite struct ParameterDeclarationTests {
    enum Shape: String, ParameterEnum { case round, square }

    struct Sample: ParameterSet, Equatable, ValidatingParameters {
        @Parameter(help: "how many", .atLeast(1)) var count = 10
        @Parameter(help: "step size", .positive) var learningRate = 0.5
        @Parameter(key: "init", help: "the start") var initialization: Shape = .round
        @Parameter(help: "the query", .validRegex) var of: Term
        @Parameter(help: "a seed", defaultText: "the step's seed") var seed: UInt64? = nil
        @Parameter(help: "labels", .nonEmpty) var labels: [String]? = nil
        init() {}
        func validate() throws(ParameterError) {
            if count > 100, initialization == .square { throw ParameterError("init", "square needs count ≤ 100") }
        }
    }

    func decode(_ yaml: String) -> Result<Sample, WorkflowDiagnostics> {
        let source = YAMLSource(path: "p.yaml", text: yaml)
        guard let node = try? source.compose() else { return .failure(WorkflowDiagnostics([])) }
        return ParameterDecoder.decode(Sample.self, from: node, plugin: "reducer.sample", source: source)
    }

    func problems(_ yaml: String) -> [String] {
        guard case .failure(let d) = decode(yaml) else { return [] }
        return d.diagnostics.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.problem.description)" }
    }

    @Test func keysAreKebabCaseUnlessOverridden() {
        #expect(Sample.descriptors.map(\.name) == ["count", "learning-rate", "init", "of", "seed", "labels"])
    }

    @Test func descriptorsComeFromTheDeclarations() {
        let d = Sample.descriptors
        #expect(d.map(\.type) == ["integer", "number", "round | square", "term", "integer", "list of strings"])
        #expect(d.map(\.defaultValue) == ["10", "0.5", "round", nil, "the step's seed", "none"])
        #expect(d[0].constraints == [">= 1"] && d[1].constraints == ["> 0"])
        #expect(d[3].isRequired && !d[0].isRequired)
        #expect(d[1].summary == "step size")
    }

    @Test func valuesDecodeAndDefaultsFillIn() throws {
        let p = try decode("{ of: /^bad$/, learning-rate: 2, init: square }").get()
        #expect(p.of == .regex("^bad$") && p.learningRate == 2 && p.initialization == .square && p.count == 10)
        #expect(p.seed == nil)
    }

    @Test func canonicalJSONIsTheSameForADefaultWrittenOrLeftOut() throws {
        let a = try decode("{ of: x }").get(), b = try decode("{ of: x, count: 10 }").get()
        #expect(a.canonicalJSON == b.canonicalJSON)
        #expect(a.canonicalJSON == #"{"count":10,"init":"round","learning-rate":0.5,"of":"x"}"#)
        #expect(try decode("{ of: x, count: 11 }").get().canonicalJSON != a.canonicalJSON)
    }

    @Test func everyValueErrorOfTheStepIsReportedInOnePass() {
        #expect(problems("{ of: '/(/', count: 0, learning-rate: -1, init: oval, labels: [] }") == [
            "1:21 invalid value for 'count': must be at least 1, got 0",
            "1:39 invalid value for 'learning-rate': must be a positive number, got -1",
            "1:49 invalid value for 'init': 'oval' is not one of 'round', 'square'",
            "1:7 invalid value for 'of': '/(/' is not a valid regular expression (write a plain label, or a regex such as /^bad$/)",
            "1:63 invalid value for 'labels': is empty",
        ])
    }

    @Test func unknownKeysAndMissingRequiredTogether() {
        #expect(problems("{ cuont: 3 }") == [
            "1:3 unknown parameter 'cuont' for 'reducer.sample'; did you mean 'count'?; known parameters: count, init, labels, learning-rate, of, seed",
            "1:1 'reducer.sample' needs parameter 'of'",
        ])
    }

    @Test func crossFieldRulesRunAfterTheFieldsAreValid() {
        #expect(problems("{ of: x, count: 200, init: square }") == ["1:28 invalid value for 'init': square needs count ≤ 100"])
        // A field error first: validate() is not reached.
        #expect(problems("{ of: x, count: 0, init: square }").count == 1)
    }

    @Test func anEmptyStructRejectsEveryKey() {
        struct None: ParameterSet { init() {} }
        let source = YAMLSource(path: "p.yaml", text: "{ k: 1 }")
        guard let node = try? source.compose() else { Issue.record("YAML did not parse"); return }
        let result = ParameterDecoder.decode(None.self, from: node, plugin: "x.none", source: source)
        guard case .failure(let d) = result else { Issue.record("accepted an unknown key"); return }
        #expect(d.diagnostics.count == 1)
    }
}
