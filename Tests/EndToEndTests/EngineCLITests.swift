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

    func smallWorkflow(count: Int = 5) throws -> String {
        try write("w.yaml", """
            orrery: 1
            name: small
            steps:
              load:
                uses: loader.npy
                with: { path: \(data)/glove.6B.50d.top50k.npy, metadata: \(data)/glove.6B.50d.top50k.words.tsv }
              first:
                uses: selector.head
                from: load
                with: { count: \(count) }
              table:
                uses: exporter.tsv
                from: first
                with: { path: first.tsv }
            """)
    }

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
        let w = try write("long.yaml", """
            orrery: 1
            name: long
            steps:
              load:
                uses: loader.npy
                with: { path: \(data)/glove.6B.50d.top50k.npy, metadata: \(data)/glove.6B.50d.top50k.words.tsv }
              first:
                uses: selector.head
                from: load
                with: { count: 10 }
              table:
                uses: exporter.tsv
                from: first
                with: { path: first.tsv }
              all:
                uses: metric.cosine
                from: first
                with: { k: 5 }
              everything:
                uses: metric.cosine
                from: load
                with: { k: 100 }
            """)
        let process = Process()
        process.executableURL = Harness.executable
        process.arguments = ["run", w]
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
        while !seen.withLock({ $0.contains("✓ table") && $0.contains("✓ all") }) && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.02)
        }
        Thread.sleep(forTimeInterval: 0.3)
        let stillRunning = process.isRunning
        kill(process.processIdentifier, SIGINT)
        let killedAt = Date()
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        #expect(stillRunning, "the long step finished before it could be interrupted")
        #expect(process.terminationStatus == 130)
        // The kNN checks for cancellation once per block of queries: well under a second in a
        // release build, a few seconds in a debug build on a busy 2-core machine.
        #expect(Date().timeIntervalSince(killedAt) < 20, "did not stop promptly")
        #expect(!seen.withLock { $0.contains("everything") })
        let leftovers = (FileManager.default.subpaths(atPath: folder.path) ?? []).filter { $0.hasSuffix(".tmp") }
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
}
