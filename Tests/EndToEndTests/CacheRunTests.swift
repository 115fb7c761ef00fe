import Foundation
import Synchronization
import OrreryCore
import OrreryPlugins
import OrreryTesting
import Testing

/// The workflow engine with its cache: re-runs recompute only what changed, the run record,
/// dry runs, forced steps, reproducibility checks and interruption.
@Suite struct CacheRunTests {
    /// A folder with a small generated data set and a three-step workflow over it.
    struct Project {
        let folder = Fixtures.temporaryDirectory()
        var workflow: URL { folder.appendingPathComponent("w.yaml") }
        var data: URL { folder.appendingPathComponent("v.npy") }
        var cache: StepCache { StepCache(directory: folder.appendingPathComponent("cache")) }
        var output: URL { folder.appendingPathComponent("out") }

        init(count: Int = 3) throws {
            let e = Fixtures.random(rows: 30, columns: 4, seed: 5)
            try NPYFormat.write(e.vectors).write(to: data)
            try MetadataTSV.write(MetadataTable(labels: (0..<30).map { "w\($0)" })).text
                .write(to: folder.appendingPathComponent("v.tsv"), atomically: true, encoding: .utf8)
            try write(count: count)
        }

        func write(count: Int) throws {
            try """
                orrery: 1
                name: cached
                seed: 7
                steps:
                  load:
                    uses: loader.npy
                    with: { path: v.npy, metadata: v.tsv }
                  first:
                    uses: selector.head
                    from: load
                    with: { count: \(count) }
                  table:
                    uses: exporter.tsv
                    from: first
                    with: { path: first.tsv }
                """.write(to: workflow, atomically: true, encoding: .utf8)
        }

        func plan() throws -> WorkflowPlan {
            try WorkflowPlan.load(path: workflow.path, registry: .builtIn).get()
        }

        func run(force: Set<String> = []) async throws -> Runner.Outcome {
            try await Runner(registry: .builtIn).run(try plan(), options: .init(outputDirectory: output, cache: cache, force: force))
        }
    }

    func cached(_ o: Runner.Outcome) -> [String: Bool] {
        Dictionary(uniqueKeysWithValues: o.records.map { ($0.id, $0.cached) })
    }

    @Test func secondRunIsCachedAndIdentical() async throws {
        let p = try Project()
        let first = try await p.run()
        #expect(cached(first) == ["load": false, "first": false, "table": false])
        let second = try await p.run()
        #expect(cached(second) == ["load": true, "first": true, "table": true])
        #expect(first.records.map(\.output) == second.records.map(\.output))
        #expect(first.records.map(\.key) == second.records.map(\.key))
        guard case .embedding(let e) = second.values["first"] else { throw Failure("no embedding") }
        #expect(e.count == 3 && e.label(0) == "w0" && e.root.count == 30)
    }

    @Test func aChangedParameterRerunsThatStepAndItsDependantsOnly() async throws {
        let p = try Project()
        _ = try await p.run()
        try p.write(count: 5)
        let again = try await p.run()
        #expect(cached(again) == ["load": true, "first": false, "table": false])
        #expect(try String(contentsOf: p.output.appendingPathComponent("first.tsv"), encoding: .utf8)
            .split(separator: "\n").count == 6)
    }

    /// The flagship study, run twice with every plugin counting its executions: after the last
    /// step's `count` changes, that step alone is executed again.
    @Test func politicsStudyRerunsOnlyTheChangedLastStep() async throws {
        let folder = Fixtures.temporaryDirectory()
        let original = try String(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("politics-best-worst.yaml"),
                                  encoding: .utf8)
        let data = Fixtures.workflowsDirectory.appendingPathComponent("data").path
        let executions = Mutex<[String: Int]>([:])
        let registry = PluginRegistry(entries: PluginRegistry.builtIn.entries.map {
            $0.instrumented { id in executions.withLock { $0[id, default: 0] += 1 } }
        })
        let workflow = folder.appendingPathComponent("politics.yaml")
        func run(_ text: String) async throws -> (executed: [String: Int], outcome: Runner.Outcome) {
            try text.replacingOccurrences(of: "path: data/", with: "path: \(data)/")
                .replacingOccurrences(of: "metadata: data/", with: "metadata: \(data)/")
                .write(to: workflow, atomically: true, encoding: .utf8)
            executions.withLock { $0 = [:] }
            let plan = try WorkflowPlan.load(path: workflow.path, registry: registry).get()
            let outcome = try await Runner(registry: registry).run(plan, options: .init(outputDirectory: folder.appendingPathComponent("out"), cache: StepCache(directory: folder.appendingPathComponent("cache"))))
            return (executions.withLock { $0 }, outcome)
        }
        let first = try await run(original)
        #expect(first.executed == ["glove": 1, "near-politics": 1, "best-worst": 1, "table": 1, "ends": 1, "figure": 1])
        let lastStep = "    with: { axis: linear-x, count: 10 }"
        #expect(original.contains(lastStep + "\n"), "the study's 'ends' step changed; update this test")
        let second = try await run(original.replacingOccurrences(of: lastStep, with: "    with: { axis: linear-x, count: 3 }"))
        #expect(second.executed == ["ends": 1])
        #expect(second.outcome.records.map(\.cached) == [true, true, true, true, false, true])
        let unchanged = try await run(original)
        #expect(unchanged.executed == [:])
    }

    /// The sweep study, run twice with every plugin counting its executions: after one matrix
    /// value changes (perplexity 50 → 40), only its two combinations and the two exporters run
    /// again; the run record has one entry per combination, each with its parameters and seed.
    @Test func sweepStudyRerunsOnlyTheChangedCombination() async throws {
        let folder = Fixtures.temporaryDirectory()
        let original = try String(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("digits-sweep.yaml"),
                                  encoding: .utf8)
        let data = Fixtures.workflowsDirectory.appendingPathComponent("data").path
        let executions = Mutex<[String: Int]>([:])
        let registry = PluginRegistry(entries: PluginRegistry.builtIn.entries.map {
            $0.instrumented { id in executions.withLock { $0[id, default: 0] += 1 } }
        })
        let workflow = folder.appendingPathComponent("sweep.yaml")
        let output = folder.appendingPathComponent("out")
        func run(_ text: String) async throws -> (executed: [String: Int], outcome: Runner.Outcome) {
            try text.replacingOccurrences(of: "path: data/", with: "path: \(data)/")
                .replacingOccurrences(of: "metadata: data/", with: "metadata: \(data)/")
                .write(to: workflow, atomically: true, encoding: .utf8)
            executions.withLock { $0 = [:] }
            let plan = try WorkflowPlan.load(path: workflow.path, registry: registry).get()
            let outcome = try await Runner(registry: registry).run(plan, options: .init(outputDirectory: output, cache: StepCache(directory: folder.appendingPathComponent("cache"))))
            return (executions.withLock { $0 }, outcome)
        }
        let ids = WorkflowStudiesTests.digitsSweepIDs
        let first = try await run(original)
        #expect(first.executed == Dictionary(uniqueKeysWithValues: (["digits", "umap", "figure", "page"] + ids).map { ($0, 1) }))
        // The lock: one entry per combination, each with its own key, parameters and seed.
        try RunRecord(orrery: OrreryVersion.current, workflow: .init(name: "digits-sweep", path: workflow.path, sha256: ""),
                      steps: first.outcome.records).write(to: output)
        let lock = try #require(RunRecord.read(from: output))
        let swept = lock.steps.filter { $0.id.hasPrefix("tsne[") }
        #expect(swept.map(\.id) == ids)
        #expect(Set(swept.map(\.key)).count == 6)
        #expect(swept.map(\.seed) == [1, 2, 1, 2, 1, 2])
        #expect(swept.allSatisfy { $0.plugin == "reducer.tsne" })
        let matrix = "matrix: { perplexity: [5, 30, 50], seed: [1, 2] }"
        #expect(original.contains(matrix), "the study's matrix changed; update this test")
        let second = try await run(original.replacingOccurrences(of: matrix, with: "matrix: { perplexity: [5, 30, 40], seed: [1, 2] }"))
        #expect(second.executed == ["tsne[perplexity=40,seed=1]": 1, "tsne[perplexity=40,seed=2]": 1, "figure": 1, "page": 1])
    }

    @Test func aChangedInputFileRerunsTheLoader() async throws {
        let p = try Project()
        let before = try await p.run()
        var m = Fixtures.random(rows: 30, columns: 4, seed: 6).vectors
        m[0, 0] = 42
        try NPYFormat.write(m).write(to: p.data)
        let after = try await p.run()
        #expect(cached(after) == ["load": false, "first": false, "table": false])
        #expect(before.records[0].key != after.records[0].key)
        #expect(after.records[0].inputFiles.map(\.path) == ["v.npy", "v.tsv"])
    }

    @Test func aDeletedOutputFileIsWrittenAgain() async throws {
        let p = try Project()
        _ = try await p.run()
        try FileManager.default.removeItem(at: p.output.appendingPathComponent("first.tsv"))
        let again = try await p.run()
        #expect(cached(again) == ["load": true, "first": true, "table": false])
        #expect(FileManager.default.fileExists(atPath: p.output.appendingPathComponent("first.tsv").path))
    }

    @Test func forcingAStepRerunsItAndItsDependants() async throws {
        let p = try Project()
        _ = try await p.run()
        let plan = try p.plan()
        #expect(plan.withDependants(["first"]) == ["first", "table"])
        let again = try await p.run(force: plan.withDependants(["first"]))
        #expect(cached(again) == ["load": true, "first": false, "table": false])
    }

    @Test func dryRunSaysWhatWouldRunAndWhy() async throws {
        let p = try Project()
        var forecast = RunForecast.make(try p.plan(), cache: p.cache, force: [], outputDirectory: p.output, previous: nil)
        #expect(forecast.entries.map(\.reason) == ["no cache entry", "input step 'load' re-runs", "input step 'first' re-runs"])
        let outcome = try await p.run()
        let record = RunRecord(orrery: OrreryVersion.current, workflow: .init(name: "cached", path: "w.yaml", sha256: ""),
                               steps: outcome.records)
        forecast = RunForecast.make(try p.plan(), cache: p.cache, force: [], outputDirectory: p.output, previous: record)
        #expect(forecast.entries.map(\.runs) == [false, false, false])
        #expect(forecast.text.hasSuffix("0 of 3 steps would run; 3 cached"))
        try p.write(count: 4)
        forecast = RunForecast.make(try p.plan(), cache: p.cache, force: [], outputDirectory: p.output, previous: record)
        #expect(forecast.entries.map(\.reason) == ["cached", "parameter changed: count", "input step 'first' re-runs"])
        try p.write(count: 3)
        try Data([0x93]).write(to: p.data)
        forecast = RunForecast.make(try p.plan(), cache: p.cache, force: ["table"], outputDirectory: p.output, previous: record)
        #expect(forecast.entries.map(\.reason) == ["input file changed: \(p.data.path)", "input step 'load' re-runs", "forced"])
    }

    @Test func runRecordIsStableJSON() async throws {
        let p = try Project()
        let outcome = try await p.run()
        let record = RunRecord(orrery: OrreryVersion.current, workflow: .init(name: "cached", path: "w.yaml", sha256: "x"),
                               steps: outcome.records)
        try record.write(to: p.output)
        let back = try #require(RunRecord.read(from: p.output))
        #expect(back == record)
        #expect(back.step("first")?.parameters == .object(["count": .int(3)]))
        #expect(back.step("first")?.inputs == [.init(port: "input", step: "load", key: outcome.records[0].key)])
        #expect(back.step("table")?.files.map(\.path) == ["first.tsv"])
        #expect(back.differences(from: record).isEmpty)
        var changed = record
        changed.steps[2].files[0].sha256 = "0000"
        #expect(record.differences(from: changed) == ["table: file first.tsv \(record.steps[2].files[0].sha256.prefix(12)) → 0000"])
    }

    @Test func checkDifferencesNameTheParameterAndBothValues() async throws {
        let p = try Project()
        let before = try await p.run()
        try p.write(count: 2)
        let after = try await p.run()
        let record = RunRecord(orrery: OrreryVersion.current, workflow: .init(name: "cached", path: "w.yaml", sha256: "x"),
                               steps: before.records)
        let rerun = RunRecord(orrery: OrreryVersion.current, workflow: .init(name: "cached", path: "w.yaml", sha256: "x"),
                              steps: after.records)
        let first = try #require(record.step("first")), again = try #require(rerun.step("first"))
        #expect(first.changes(to: again) == ["parameter 'count': 3 → 2"])
        let table = try #require(record.step("table")), tableAgain = try #require(rerun.step("table"))
        #expect(table.changes(to: tableAgain) == ["input 'first' changed"])
        #expect(record.differences(from: rerun).contains { $0.hasPrefix("first: cache key ") && $0.hasSuffix("(parameter 'count': 3 → 2)") })
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}
