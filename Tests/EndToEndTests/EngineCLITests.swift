import Foundation
import OrreryCore
import OrreryTesting
import Synchronization
import Testing

/// `orrery run` as a person uses it: cached re-runs, --dry-run, --force STEP, --check, the lock
/// file, `orrery cache clean`, and Ctrl-C during a long step.
@Suite(.serialized) struct EngineCLITests {
    let folder = Fixtures.temporaryDirectory()
    var data: String { Fixtures.workflowsDirectory.appendingPathComponent("data").path }

    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A workflow `name` over the 50,000 bundled words: `load`, its first `count` rows (`first`),
    /// a table of them (step `table`, file `<table>.tsv`), then `more` (steps, indented by two).
    func workflow(_ name: String, count: Int, table: String = "table", seed: Int = 0, more: String = "") throws -> String {
        try write("\(name).yaml", """
            orrery: 1
            name: \(name)
            seed: \(seed)
            steps:
              load:
                uses: loader.npy
                with: { path: \(data)/glove.6B.50d.top50k.npy, metadata: \(data)/glove.6B.50d.top50k.words.tsv }
              first:
                uses: selector.head
                from: load
                with: { count: \(count) }
              \(table):
                uses: exporter.tsv
                from: first
                with: { path: \(table == "table" ? "first" : table).tsv }

            """ + more)
    }

    func smallWorkflow(count: Int = 5) throws -> String { try workflow("small", count: count) }

    func orrery(_ args: [String]) throws -> (Int32, String, String) {
        try Harness.cli(args, in: folder)
    }

    @Test func rerunReportsCachedStepsAndWritesALockFile() throws {
        let w = try smallWorkflow()
        let (c1, o1, _) = try orrery(["run", w])
        #expect(c1 == 0)
        #expect(o1.contains("✓ load"))
        let (c2, o2, _) = try orrery(["run", w])
        #expect(c2 == 0)
        #expect(o2.contains("= load   loader.npy     cached"))
        #expect(o2.contains("= table  exporter.tsv   cached"))
        #expect(o2.contains("(3 of 3 steps cached)"))
        let lock = try #require(RunRecord.read(from: folder.appendingPathComponent("out/small")))
        #expect(lock.steps.map(\.id) == ["load", "first", "table"])
        #expect(lock.steps[0].rows == 50000 && lock.steps[0].columns == 50)
        #expect(lock.steps[2].files.map(\.path) == ["first.tsv"])
        let text = try String(contentsOf: folder.appendingPathComponent("out/small/orrery.lock"), encoding: .utf8)
        #expect(text.contains("\"inputFiles\""))
    }

    @Test func dryRunForceAndCheck() throws {
        let w = try smallWorkflow()
        #expect(try orrery(["run", w]).0 == 0)
        _ = try smallWorkflow(count: 7)
        let (c, o, _) = try orrery(["run", w, "--dry-run", "--force", "table"])
        #expect(c == 0)
        #expect(o.contains("cached  load   loader.npy"))
        #expect(o.contains("run     first  selector.head  parameter changed: count"))
        #expect(o.contains("run     table  exporter.tsv   forced"))
        #expect(o.contains("2 of 3 steps would run; 1 cached"))
        // Nothing ran: the record still says count 5.
        #expect(RunRecord.read(from: folder.appendingPathComponent("out/small"))?.step("first")?.parameters
            == .object(["count": .int(5)]))
        let (cf, of, _) = try orrery(["run", "--force", "first", w])
        #expect(cf == 0)
        #expect(of.contains("= load"))
        #expect(of.contains("✓ first") && of.contains("✓ table"))
        let (ca, oa, _) = try orrery(["run", "--force", w])
        #expect(ca == 0)
        #expect(oa.contains("✓ load") && !oa.contains("cached"))
        let (ck, ok, _) = try orrery(["run", w, "--check"])
        #expect(ck == 0)
        #expect(ok.contains("check passed: all 3 steps reproduce"))
        // Tamper with an output: --check names the difference and exits 1.
        try "tampered\n".write(to: folder.appendingPathComponent("out/small/first.tsv"), atomically: true, encoding: .utf8)
        var lock = try #require(RunRecord.read(from: folder.appendingPathComponent("out/small")))
        lock.steps[2].files[0].sha256 = ContentHash.of("tampered\n")
        try lock.write(to: folder.appendingPathComponent("out/small"))
        let (cb, ob, _) = try orrery(["run", w, "--check"])
        #expect(cb == 1)
        #expect(ob.contains("check failed: 1 difference(s)"))
        #expect(ob.contains("table: file first.tsv"))
        let (cu, _, eu) = try orrery(["run", w, "--force", "frist"])
        #expect(cu == 2)
        #expect(eu.contains("error: --force: no step 'frist' in \(w); did you mean 'first'?"))
    }

    @Test func cacheCleanRemovesEntries() throws {
        let w = try smallWorkflow()
        #expect(try orrery(["run", w]).0 == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".orrery/cache").path))
        let (c, o, _) = try orrery(["cache", "clean"])
        #expect(c == 0 && o.contains("removed"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".orrery/cache").path))
        let (_, o2, _) = try orrery(["run", w, "--cache", "elsewhere"])
        #expect(o2.contains("✓ load"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("elsewhere/objects").path))
    }

    /// SIGINT during a long step (all-points k=100 neighbours of 50,000 words): exit 130, no
    /// partial or temporary file anywhere, and the next run loads the finished steps from the cache.
    @Test func interruptedRunLeavesEverythingWholeAndResumes() throws {
        let w = try workflow("long", count: 10, more: """
              all:
                uses: metric.cosine
                from: first
                with: { k: 5 }
              everything:
                uses: metric.cosine
                from: load
                with: { k: 100 }
            """)
        let (stillRunning, status, seen, stopSeconds) = try interrupt(["run", w], with: SIGINT) {
            $0.contains("✓ table") && $0.contains("✓ all")
        }
        #expect(stillRunning, "the long step finished before it could be interrupted")
        #expect(status == 130)
        // The kNN checks for cancellation once per block of queries: well under a second in a
        // release build, a few seconds in a debug build on a busy 2-core machine.
        #expect(stopSeconds < 20, "did not stop promptly")
        #expect(!seen.contains("✓ everything"))
        #expect(seen.split(separator: "\n").contains { $0.hasPrefix("- everything ") && $0.hasSuffix("cancelled") })
        let leftovers = (FileManager.default.subpaths(atPath: folder.path) ?? []).filter { $0.contains(AtomicFile.temporaryPrefix) }
        #expect(leftovers.isEmpty)
        #expect(try String(contentsOf: folder.appendingPathComponent("out/long/first.tsv"), encoding: .utf8)
            .split(separator: "\n").count == 11)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/long/orrery.lock").path))
        // The next run resumes: the finished steps come from the cache.
        let (code, o, _) = try orrery(["run", w, "--dry-run"])
        #expect(code == 0)
        #expect(o.contains("run     everything  metric.cosine  no cache entry"))
        #expect(o.contains("1 of 5 steps would run; 4 cached"))
    }

    /// SIGTERM in the middle of a t-SNE: exit 130, no partial file, no lock; the next full run
    /// loads the three finished steps from the cache, runs only the t-SNE and the table after it,
    /// and its result is the same as a run never interrupted (same seed, same bytes).
    @Test func killedTSNERunFinishesFromTheCacheNextTime() throws {
        let w = try workflow("tsne", count: 1500, table: "words", seed: 3, more: """
              tsne:
                uses: reducer.tsne
                from: first
                with: { dims: 2, perplexity: 20, iterations: 1000 }
              layout:
                uses: exporter.tsv
                from: tsne
                with: { path: layout.tsv }
            """)
        let (stillRunning, status, seen, stopSeconds) = try interrupt(["run", w], with: SIGTERM) {
            $0.contains("✓ words")
        }
        #expect(stillRunning, "the t-SNE finished before it could be interrupted")
        #expect(status == 130)
        #expect(stopSeconds < 20, "did not stop promptly")
        #expect(!seen.contains("✓ tsne"))
        let out = folder.appendingPathComponent("out/tsne")
        let leftovers = (FileManager.default.subpaths(atPath: folder.path) ?? []).filter { $0.contains(AtomicFile.temporaryPrefix) }
        #expect(leftovers.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("layout.tsv").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("orrery.lock").path))

        let (code, o, e) = try orrery(["run", w])
        #expect(code == 0, "\(e)")
        for step in ["load", "first", "words"] {
            #expect(o.contains(try Regex("= \(step) +[a-z.]+ +cached")), "\(step) was not loaded from the cache:\n\(o)")
        }
        #expect(o.contains("✓ tsne") && o.contains("✓ layout"))
        #expect(o.contains("(3 of 5 steps cached)"))
        let lock = try #require(RunRecord.read(from: out))
        #expect(lock.steps.map(\.cached) == [true, true, true, false, false])
        let resumed = try Data(contentsOf: out.appendingPathComponent("layout.tsv"))
        #expect(String(decoding: resumed, as: UTF8.self).split(separator: "\n").count == 1501)

        // A run from nothing, in a fresh cache, writes the same bytes.
        let (code2, _, e2) = try orrery(["run", w, "--cache", "fresh", "--force"])
        #expect(code2 == 0, "\(e2)")
        #expect(try Data(contentsOf: out.appendingPathComponent("layout.tsv")) == resumed)
    }

    /// Starts `orrery ARGS`, waits until its standard output satisfies `ready` (at most two
    /// minutes), sends `signal` 0.3 s later, and waits for it to exit. Returns whether it was still
    /// running when signalled, its exit status, what it printed, and how long it took to stop.
    func interrupt(_ arguments: [String], with signal: Int32, when ready: @escaping (String) -> Bool) throws
        -> (stillRunning: Bool, status: Int32, output: String, stopSeconds: Double) {
        let process = Process()
        process.executableURL = Harness.executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let seen = Mutex("")
        out.fileHandleForReading.readabilityHandler = { h in
            let d = h.availableData
            seen.withLock { $0 += String(decoding: d, as: UTF8.self) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !seen.withLock({ ready($0) }) && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.02)
        }
        Thread.sleep(forTimeInterval: 0.3)
        let stillRunning = process.isRunning
        kill(process.processIdentifier, signal)
        let signalled = Date()
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        return (stillRunning, process.terminationStatus, seen.withLock { $0 }, Date().timeIntervalSince(signalled))
    }
}
