import Foundation
import OrreryCore

/// scikit-learn's `check_estimator` for any Orrery plugin — built in, in another package, or a
/// process plugin's entry: the checks return what fails, each with its reason, so a test (or
/// `orrery plugin check`) can print them.
public enum PluginConformance {
    /// One failed check.
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public var check: String
        public var reason: String
        public var description: String { "\(check): \(reason)" }

        public init(check: String, reason: String) {
            self.check = check
            self.reason = reason
        }
    }

    /// Runs every check on `entry` with the parameters of `with` (YAML, default `{}`) on `inputs`
    /// (the first is the ordinary case; the edge cases are derived from it). `plugins` completes
    /// the registry (metrics a plugin looks up by name).
    public static func check(_ entry: PluginEntry, with parameters: String = "{}", on input: Embedding,
                             plugins: [PluginEntry] = []) async -> [Failure] {
        var failures: [Failure] = []
        func fail(_ check: String, _ reason: String) { failures.append(Failure(check: check, reason: reason)) }
        let registry = PluginRegistry(entries: [entry] + plugins.filter { $0.descriptor.id != entry.descriptor.id })
        let environment = ParameterEnvironment(registry: registry)
        // `{}` decodes to the defaults, unless a parameter is required.
        let defaults = entry.prepare(.mapping([], SourceLocation(file: "<check>", line: 1, column: 1)), environment: environment)
        let required = entry.descriptor.parameters.filter(\.isRequired).map(\.name)
        if case .failure(let d) = defaults, required.isEmpty {
            fail("defaults", "`{}` does not decode although no parameter is required: \(d)")
        }
        let step: PreparedStep
        do {
            let node = try YAMLSource(path: "<check>", text: parameters).compose()
            step = try entry.prepare(node, environment: environment).get()
        } catch {
            fail("parameters", "'\(parameters)' does not decode: \(error)")
            return failures
        }
        func run(_ e: Embedding, seed: UInt64) async throws -> StepValue {
            let context = StepContext(stepID: "check", seed: seed, inputDirectory: Fixtures.workflowsDirectory,
                                      outputDirectory: Fixtures.temporaryDirectory(), registry: registry)
            let port = entry.descriptor.inputs.first?.name ?? "input"
            return try await step.run(StepInputs(entry.descriptor.inputs.isEmpty ? [:] : [port: [.embedding(e)]]),
                                      context: context)
        }
        // Same seed, same bytes; the input is not changed.
        let before = input
        do {
            let a = try await run(input, seed: 11), b = try await run(input, seed: 11)
            if !same(a, b) { fail("same seed, same output", "two runs with seed 11 differ") }
            if input.vectors != before.vectors || input.rows != before.rows { fail("input not mutated", "the input changed") }
            check(a, rows: input.count, kind: entry.descriptor.kind, fail: fail)
        } catch {
            fail("ordinary input", "threw \(error)")
        }
        // Edge cases: a correct result or a declared error.
        var constant = input
        for r in 0..<constant.count { constant.vectors[r, 0] = 0.5 }
        var withNaN = input
        if withNaN.count > 1, withNaN.dimensions > 0 { withNaN.vectors[1, 0] = .nan }
        for (name, e) in [("one row", input.subset([0])), ("constant column", constant), ("NaN", withNaN)] {
            do {
                let value = try await run(e, seed: 3)
                if name != "NaN" { check(value, rows: e.count, kind: entry.descriptor.kind, fail: fail) }
                else if case .embedding(let out) = value, out.vectors.firstNonFinite() != nil {
                    fail("NaN", "a NaN input gave NaN output without an error")
                }
            } catch is OrreryError {
                // A declared error is a correct answer.
            } catch {
                fail(name, "threw an undeclared error: \(error)")
            }
        }
        return failures
    }

    static func check(_ value: StepValue, rows: Int, kind: PluginKind, fail: (String, String) -> Void) {
        guard case .embedding(let out) = value else { return }
        if kind == .reducer, out.count != rows { fail("rows kept", "a reducer gave \(out.count) rows for \(rows)") }
        if out.vectors.firstNonFinite() != nil { fail("finite output", "the output has NaN or infinite values") }
        if out.metadata.count != out.count || out.rows.count != out.count {
            fail("metadata follows rows", "\(out.count) rows but \(out.metadata.count) metadata rows")
        }
    }

    static func same(_ a: StepValue, _ b: StepValue) -> Bool {
        switch (a, b) {
        case (.embedding(let x), .embedding(let y)): return x.vectors == y.vectors && x.rows == y.rows
        case (.neighbors(let x), .neighbors(let y)): return x.indices == y.indices && x.distances == y.distances
        case (.files(let x), .files(let y)): return x == y
        default: return false
        }
    }
}
