import Foundation
import OrreryCore
import OrreryTesting
import Testing

/// A reducer that waits until it is cancelled.
enum TestSlowReducer: Reducer {
    typealias Parameters = TestLoader.Parameters
    static let descriptor = PluginDescriptor(id: "reducer.slow", kind: .reducer, version: "1", summary: "waits",
                                             inputs: [.embedding], parameters: Parameters.self, example: "")
    static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
        while true {
            try await Task.sleep(nanoseconds: 5_000_000)
            try context.checkCancellation()
        }
    }
}

/// A reducer that fails after a moment (so that the slow one has started).
enum TestFailingReducer: Reducer {
    typealias Parameters = TestLoader.Parameters
    static let descriptor = PluginDescriptor(id: "reducer.fail", kind: .reducer, version: "1", summary: "fails",
                                             inputs: [.embedding], parameters: Parameters.self, example: "")
    static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
        try await Task.sleep(nanoseconds: 50_000_000)
        throw OrreryError.shapeMismatch("broken on purpose")
    }
}

/// An exporter whose path is declared an output path.
enum TestPathExporter: Exporter {
    struct Parameters: ParameterSet {
        @Parameter(help: "the file", .outputPath) var path: String
        init() {}
    }
    static let descriptor = PluginDescriptor(id: "exporter.path", kind: .exporter, version: "1", summary: "writes",
                                             inputs: [.embedding], parameters: Parameters.self, example: "")
    static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        ExportResult(files: [try context.write("x\n", to: p.path)])
    }
}

@Suite struct RunnerFailureTests {
    let registry = PluginRegistry([TestLoader.self, TestExporter.self, TestSlowReducer.self, TestFailingReducer.self,
                                   TestPathExporter.self])

    func plan(_ yaml: String) throws -> WorkflowPlan {
        try WorkflowLoader.parse(yaml, path: "w.yaml", directory: URL(fileURLWithPath: "/tmp"))
            .flatMap { WorkflowValidator.validate($0, registry: registry) }.get()
    }

    @Test func stepsStillRunningWhenOneFailsAreReportedCancelled() async throws {
        let p = try plan("""
            orrery: 1
            name: c
            steps:
              load: { uses: loader.test }
              slow-a: { uses: reducer.slow, from: load }
              bad: { uses: reducer.fail, from: load }
              slow-b: { uses: reducer.slow, from: load }
              after: { uses: reducer.slow, from: bad }
            """)
        let log = WarningLog()
        await #expect(throws: StepFailure.self) {
            _ = try await Runner(registry: registry).run(p, options: .init(outputDirectory: Fixtures.temporaryDirectory(),
                                                                            events: log.record))
        }
        let cancelled = log.all.compactMap { if case .stepCancelled(let s, _) = $0 { return s } else { return nil } }
        #expect(cancelled == ["slow-a", "slow-b"])  // not 'bad' (it failed), not 'after' (it never started)
    }

    @Test func staleTemporariesAreRemovedWithANotice() async throws {
        let out = Fixtures.temporaryDirectory()
        let stale = ".orrery-tmp-2147483646-0A1B-a.tsv"
        try "partial".write(to: out.appendingPathComponent(stale), atomically: false, encoding: .utf8)
        let p = try plan("""
            orrery: 1
            name: t
            steps:
              load: { uses: loader.test }
              out: { uses: exporter.test, from: load, with: { path: a.tsv } }
            """)
        let log = WarningLog()
        _ = try await Runner(registry: registry).run(p, options: .init(outputDirectory: out, events: log.record))
        let notices = log.all.compactMap { if case .notice(let m) = $0 { return m } else { return nil } }
        #expect(notices == ["removed 1 temporary file left by an interrupted run: \(stale)"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["a.tsv"])
    }

    @Test func staleCacheTemporariesAreRemovedAndALiveWritersKept() async throws {
        let out = Fixtures.temporaryDirectory()
        let cache = StepCache(directory: Fixtures.temporaryDirectory())
        let fm = FileManager.default
        let objects = cache.directory.appendingPathComponent("objects/ab")
        let manifests = cache.directory.appendingPathComponent("manifests")
        try fm.createDirectory(at: objects, withIntermediateDirectories: true)
        try fm.createDirectory(at: manifests, withIntermediateDirectories: true)
        // A dead writer's (pid 2147483646 cannot exist on Linux: pid_max is at most 2^22), a live
        // one's (this process), and a file of the user's that only looks similar.
        let dead = ".orrery-tmp-2147483646-0A1B-abcdef"
        let deadManifest = ".orrery-tmp-2147483646-0A1C-p1.json"
        let alive = ".orrery-tmp-\(getpid())-0A1D-abcd01"
        let other = "orrery-tmp-2147483646-not-ours"
        for (folder, name) in [(objects, dead), (manifests, deadManifest), (objects, alive), (objects, other)] {
            try "partial".write(to: folder.appendingPathComponent(name), atomically: false, encoding: .utf8)
        }
        let p = try plan("orrery: 1\nname: t\nsteps:\n  load: { uses: loader.test }\n")
        let log = WarningLog()
        _ = try await Runner(registry: registry).run(p, options: .init(outputDirectory: out, events: log.record, cache: cache))
        let notices = log.all.compactMap { if case .notice(let m) = $0 { return m } else { return nil } }
        #expect(notices == ["removed 2 temporary files left in the cache \(cache.directory.path) by an interrupted run: "
                            + "manifests/\(deadManifest), objects/ab/\(dead)"])
        #expect(!fm.fileExists(atPath: objects.appendingPathComponent(dead).path))
        #expect(!fm.fileExists(atPath: manifests.appendingPathComponent(deadManifest).path))
        #expect(fm.fileExists(atPath: objects.appendingPathComponent(alive).path))
        #expect(fm.fileExists(atPath: objects.appendingPathComponent(other).path))
        // A second run finds nothing more to remove.
        #expect(cache.removeStaleTemporaries().isEmpty)
    }

    @Test func anUnusableOutputFolderFailsBeforeAnyStep() async throws {
        let base = Fixtures.temporaryDirectory()
        let file = base.appendingPathComponent("file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        let p = try plan("orrery: 1\nname: t\nsteps:\n  load: { uses: loader.test }\n")
        let log = WarningLog()
        await #expect(throws: OrreryError.writeFailed(path: file.path, reason: "it is a file, not a folder")) {
            _ = try await Runner(registry: registry).run(p, options: .init(outputDirectory: file, events: log.record))
        }
        #expect(log.all.isEmpty)
    }

    @Test func twoExportersClaimingOneFileAreRejectedNamingBoth() throws {
        let result = WorkflowLoader.parse("""
            orrery: 1
            name: t
            steps:
              load: { uses: loader.test }
              a: { uses: exporter.path, from: load, with: { path: x.tsv } }
              b: { uses: exporter.path, from: load, with: { path: ./x.tsv } }
              c: { uses: exporter.path, from: load, with: { path: ../x.tsv } }
              d: { uses: exporter.test, from: load, with: { path: x.tsv } }
            """, path: "w.yaml", directory: URL(fileURLWithPath: "/tmp")).flatMap { WorkflowValidator.validate($0, registry: registry) }
        guard case .failure(let d) = result else { Issue.record("validated"); return }
        // 'd' writes x.tsv too, but its path is not declared an output path: it claims nothing.
        #expect(d.diagnostics.map(\.problem) == [
            .invalidValue(parameter: "path", reason: "goes up with '..'; exporter paths must stay inside the output folder"),
            .sharedOutput(path: "./x.tsv", first: "a", second: "b"),
        ])
        #expect(d.diagnostics.map { $0.location?.line ?? 0 } == [7, 6])
    }
}
