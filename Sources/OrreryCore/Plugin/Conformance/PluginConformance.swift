import Foundation

/// The checks every plugin should pass, runnable on any registry entry (built-in, Swift package
/// or process plugin) — scikit-learn's `check_estimator` for Orrery: `{}` decodes to the
/// defaults; the same seed gives the same bytes; the input is not mutated; one row, a constant
/// column and a NaN give a declared error or a correct (finite, right-sized) result; the example
/// workflow validates and, given the folder its paths are relative to, runs.
public enum PluginConformance {
    /// One failed check: its name and what went wrong.
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public var check: String
        public var reason: String
        public init(check: String, reason: String) {
            self.check = check
            self.reason = reason
        }
        public var description: String { "\(check): \(reason)" }
    }

    /// Runs every check that applies to `entry`'s kind; returns the failures (empty: it conforms).
    /// `registry` resolves the example's other plugins. With `exampleDirectory` (the folder the
    /// example's paths are relative to), the example is also run, into a temporary output folder.
    public static func check(_ entry: PluginEntry, registry: PluginRegistry,
                             workingDirectory: URL = FileManager.default.temporaryDirectory,
                             exampleDirectory: URL? = nil) async -> [Failure] {
        let failures = await checks(entry, registry: registry, workingDirectory: workingDirectory)
        return failures + (await exampleFailures(entry.descriptor, registry: registry, directory: exampleDirectory))
    }

    /// The checks on seeded runs of the plugin itself.
    static func checks(_ entry: PluginEntry, registry: PluginRegistry, workingDirectory: URL) async -> [Failure] {
        var failures: [Failure] = []
        let d = entry.descriptor
        let here = SourceLocation(file: "<check>", line: 1, column: 1)
        let step: PreparedStep
        switch entry.prepare(.mapping([], here), environment: ParameterEnvironment(registry: registry)) {
        case .success(let s): step = s
        case .failure(let diags):
            let required = d.parameters.filter(\.isRequired).map(\.name)
            if required.isEmpty {
                failures.append(Failure(check: "defaults", reason: "{} does not decode: \(diags.diagnostics.map(\.problem))"))
            }
            return failures
        }
        guard let port = d.inputs.first(where: { $0.accepts.contains(.embedding) }),
              [.reducer, .selector, .metric].contains(d.kind) else {
            return failures
        }
        func run(_ e: Embedding, seed: UInt64) async throws -> StepValue {
            let context = StepContext(stepID: "check", seed: seed, inputDirectory: workingDirectory,
                                      outputDirectory: workingDirectory, registry: registry)
            return try await step.run(StepInputs([port.name: [.embedding(e)]]), context: context)
        }
        let input = sample(rows: 40, columns: 12)  // 12 columns: PCA's default 10 components fit
        let pristine = input.vectors
        do {
            let a = try await run(input, seed: 7)
            let b = try await run(input, seed: 7)
            if let problem = resultProblem(a, input: input, kind: d.kind) {
                failures.append(Failure(check: "output", reason: problem))
            } else if bytes(a) != bytes(b) {
                failures.append(Failure(check: "same seed, same bytes",
                                        reason: "two runs with seed 7 gave different output"))
            }
            if input.vectors != pristine {
                failures.append(Failure(check: "input not mutated", reason: "the input's vectors changed"))
            }
        } catch {
            failures.append(Failure(check: "runs", reason: "failed on a 40 × 12 input: \(error)"))
            return failures
        }
        var constant = input
        for i in 0..<constant.count { constant.vectors[i, 2] = 1.5 }
        var nan = input
        nan.vectors[3, 1] = .nan
        for (name, e) in [("one row", input.subset([0])), ("constant column", constant), ("NaN input", nan)] {
            do {
                let out = try await run(e, seed: 7)
                if name == "NaN input", d.kind == .reducer, case .embedding(let r) = out, r.vectors.firstNonFinite() != nil {
                    failures.append(Failure(check: name, reason: "passed NaN through instead of a declared error"))
                } else if name != "NaN input", let problem = resultProblem(out, input: e, kind: d.kind) {
                    failures.append(Failure(check: name, reason: problem))
                }
            } catch let e as OrreryError {
                _ = e  // a declared error
            } catch let e as ProcessPluginError {
                switch e {
                case .exitedNonZero, .pythonModuleMissing: break  // the program refused the input: declared
                default: failures.append(Failure(check: name, reason: "\(e)"))
                }
            } catch {
                failures.append(Failure(check: name, reason: "undeclared error \(type(of: error)): \(error)"))
            }
        }
        return failures
    }

    /// The example workflow, when there is one, must validate against `registry`, and, given
    /// `directory`, run to the end (into a temporary output folder, removed afterwards) with a
    /// value from every step that uses the plugin.
    static func exampleFailures(_ d: PluginDescriptor, registry: PluginRegistry, directory: URL?) async -> [Failure] {
        guard !d.example.isEmpty else { return [] }
        let base = directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let loaded = WorkflowLoader.parse(d.example, path: "<example of \(d.id)>", directory: base)
        let plan: WorkflowPlan
        switch loaded.flatMap({ WorkflowValidator.validate($0, registry: registry) }) {
        case .success(let p): plan = p
        case .failure(let diags): return [Failure(check: "example", reason: diags.description)]
        }
        if !plan.workflow.steps.contains(where: { $0.uses == d.id }) {
            return [Failure(check: "example", reason: "the example does not use \(d.id)")]
        }
        guard directory != nil else { return [] }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("orrery-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        do {
            let outcome = try await Runner(registry: registry).run(plan, options: .init(outputDirectory: output))
            for step in plan.steps where step.descriptor.id == d.id && outcome.values[step.id] == nil {
                return [Failure(check: "example runs", reason: "step '\(step.id)' produced nothing")]
            }
            return []
        } catch {
            return [Failure(check: "example runs", reason: "\(error)")]
        }
    }

    static func resultProblem(_ value: StepValue, input: Embedding, kind: PluginKind) -> String? {
        switch value {
        case .embedding(let e):
            if let (r, c) = e.vectors.firstNonFinite() { return "NaN or infinity at row \(r), column \(c)" }
            if kind == .reducer, e.count != input.count { return "\(e.count) rows for \(input.count) input rows" }
            return nil
        case .neighbors(let n):
            return n.distances.contains(where: { !$0.isFinite }) ? "a distance is NaN or infinite" : nil
        case .files: return nil
        }
    }

    static func bytes(_ value: StepValue) -> [Float] {
        switch value {
        case .embedding(let e): return e.vectors.storage
        case .neighbors(let n): return n.distances + n.indices.map(Float.init)
        case .files: return []
        }
    }

    /// A fixed, seeded test input: `rows` × `columns` values in [-1, 1).
    static func sample(rows: Int, columns: Int) -> Embedding {
        var g = SeededGenerator(seed: 42)
        let values = (0..<(rows * columns)).map { _ in Float.random(in: -1..<1, using: &g) }
        let labels = MetadataTable.Column(name: "label", values: (0..<rows).map { "p\($0)" })
        return Embedding(vectors: Matrix(rows: rows, columns: columns, storage: values),
                         metadata: MetadataTable(count: rows, columns: [labels]))
    }
}
