import Foundation
import OrreryCore
import OrreryPlugins
import OrreryTesting
import Testing

/// scikit-learn's `check_estimator`, for Orrery plugins: every built-in plugin (but loaders, which
/// have their own hostile-input tests) is run with its descriptor example's parameters on edge-case
/// inputs, and must give a correct result or a declared `OrreryError` — never crash, never NaN.
/// Its example must also reproduce bit for bit (same seed, same output).
@Suite struct PluginConformanceTests {
    static let ids = PluginRegistry.builtIn.sortedDescriptors.filter { $0.kind != .loader }.map(\.id)

    /// The example's step that uses `id`, prepared.
    func prepared(_ id: String) throws -> (PreparedStep, WorkflowStep, Workflow) {
        let d = try #require(PluginRegistry.builtIn[id]).descriptor
        let wf = try WorkflowLoader.parse(d.example, path: "<example>", directory: Fixtures.workflowsDirectory).get()
        let step = try #require(wf.steps.first { $0.uses == id })
        let p = try #require(PluginRegistry.builtIn[id]).prepare(step.parameters).get()
        return (p, step, wf)
    }

    /// Edge cases: subsets of the bundled GloVe (their root is the whole set, so axis words resolve).
    static func edgeCases() async throws -> [(String, Embedding)] {
        let glove = try await Bundled.glove()
        let words = glove.metadata.labelColumn?.values ?? []
        let named = ["politics", "blue", "music", "red", "orange", "economy", "the", "of"].compactMap { words.firstIndex(of: $0) }
        let few = glove.subset(named)
        var constant = few
        for r in 0..<constant.count { constant.vectors[r, 0] = 0.5 }
        var withNaN = few
        withNaN.vectors[1, 3] = .nan
        return [("few", few), ("one-row", glove.subset([named[0]])), ("constant-column", constant), ("nan", withNaN)]
    }

    func inputs(for d: PluginDescriptor, _ e: Embedding) throws -> StepInputs {
        guard let port = d.inputs.first else { return StepInputs([:]) }
        if port.accepts.contains(.embedding) { return StepInputs([port.name: [.embedding(e)]]) }
        var p = MetricParameters()
        p.k = min(3, max(1, e.count - 1))
        let n = try MetricStep.run(.cosine, p, on: e, context: .testing())
        return StepInputs([port.name: [.neighbors(n)]])
    }

    @Test(arguments: ids)
    func edgeCasesGiveAResultOrADeclaredError(_ id: String) async throws {
        let (step, _, _) = try prepared(id)
        for (name, e) in try await Self.edgeCases() {
            let context = StepContext.testing(seed: 3, registry: .builtIn)
            do {
                let value = try await step.run(try inputs(for: step.descriptor, e), context: context)
                if case .embedding(let out) = value {
                    #expect(out.vectors.firstNonFinite() == nil || name == "nan", "\(id) on \(name) gave NaN")
                    #expect(out.metadata.count == out.count && out.rows.count == out.count)
                }
            } catch is OrreryError {
                // A declared error is a correct answer to a hostile input.
            } catch {
                Issue.record("\(id) on \(name) threw an undeclared error: \(error)")
            }
        }
    }

    @Test(arguments: ids)
    func sameSeedSameOutput(_ id: String) async throws {
        let (_, _, workflow) = try prepared(id)
        let plan = try WorkflowValidator.validate(workflow, registry: .builtIn).get()
        let a = try await Harness.run(plan), b = try await Harness.run(plan)
        for s in plan.steps {
            switch (a.outcome.values[s.id], b.outcome.values[s.id]) {
            case (.embedding(let x)?, .embedding(let y)?):
                #expect(x.vectors == y.vectors && x.rows == y.rows, "\(s.id) differs between runs")
            case (.neighbors(let x)?, .neighbors(let y)?):
                #expect(x.indices == y.indices && x.distances == y.distances)
            case (.files(let x)?, .files(let y)?):
                for f in x.files {
                    let dx = try Data(contentsOf: a.output.appendingPathComponent(f))
                    let dy = try Data(contentsOf: b.output.appendingPathComponent(f))
                    #expect(dx == dy, "\(f) differs between runs")
                }
                #expect(x.files == y.files)
            default:
                Issue.record("\(s.id) produced different kinds of value")
            }
        }
    }

    @Test(arguments: PluginRegistry.builtIn.ids)
    func descriptorListsExactlyTheParametersTheDecoderReads(_ id: String) throws {
        // With the example's (valid) parameters plus one undocumented key, decoding reaches the end,
        // so the keys it asked for are all it reads: they must equal the documented parameters.
        let (_, step, _) = try prepared(id)
        let entry = try #require(PluginRegistry.builtIn[id])
        guard case .mapping(var entries, let location) = step.parameters else {
            Issue.record("\(id): example parameters are not a mapping")
            return
        }
        entries.append(ConfigEntry(key: "no-such-parameter", keyLocation: location,
                                   value: .scalar("1", plain: true, location)))
        guard case .failure(let d) = entry.prepare(.mapping(entries, location)) else {
            Issue.record("\(id) accepted an unknown parameter")
            return
        }
        #expect(d.diagnostics.count == 1)
        guard case .unknownParameter("no-such-parameter", _, let known, _)? = d.diagnostics.first?.problem else {
            Issue.record("\(id): \(d)")
            return
        }
        #expect(Set(known) == Set(entry.descriptor.parameters.map(\.name)),
                "\(id): the decoder reads \(known) but the descriptor documents \(entry.descriptor.parameters.map(\.name))")
    }
}
