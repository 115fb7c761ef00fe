import Foundation
import OrreryCore
import OrreryPlugins
import OrreryTesting
import Testing

@Suite struct ProcessPluginTests {
    @Test func manifestUnknownKeyIsLocatedWithSuggestion() throws {
        let text = "orrery-plugin: 1\nid: reducer.x\nkind: reducer\nversion: \"1\"\nsummery: oops\nrun: [python3, x.py]\n"
        let result = PluginManifest.parse(text, path: "x.orrery-plugin.yaml", directory: Fixtures.temporaryDirectory())
        guard case .failure(let d) = result else { Issue.record("parsed"); return }
        #expect(d.diagnostics.map { "\($0.location.map { "\($0)" } ?? "")" } .contains("x.orrery-plugin.yaml:5:1"))
        #expect(d.description.contains("unknown field 'summery'"))
        #expect(d.description.contains("did you mean 'summary'?"))
        #expect(d.description.contains("missing 'summary'"))
    }

    @Test func manifestWrongTypeAndMissingRunAreReportedTogether() throws {
        let text = "orrery-plugin: 1\nid: reducer.x\nkind: reducer\nversion: \"1\"\nsummary: s\ntimeout: soon\n"
            + "parameters:\n  k:\n    type: integr\n"
        guard case .failure(let d) = PluginManifest.parse(text, path: "m.yaml", directory: Fixtures.temporaryDirectory())
        else { Issue.record("parsed"); return }
        #expect(d.description.contains("m.yaml:6:10: error: expected a positive number of seconds for 'timeout'"))
        #expect(d.description.contains("m.yaml:9:11: error: expected integer, number"))
        #expect(d.description.contains("missing 'run'"))
    }

    @Test func misspeltParameterIsReportedAtItsLineAndColumn() throws {
        let m = try Harness.reducer(script: Harness.identity())
        let dir = m.directory
        let workflow = """
        orrery: 1
        plugins: [test.orrery-plugin.yaml]
        steps:
          data: { uses: loader.npy, with: { path: v.npy } }
          mine:
            uses: reducer.test
            from: data
            with:
              dimz: 3
        """
        let path = dir.appendingPathComponent("w.yaml").path
        try workflow.write(toFile: path, atomically: true, encoding: .utf8)
        let registry = try ProcessPluginCatalog.registry(base: .builtIn, workflowPath: path, environment: [:]).get()
        #expect(registry["reducer.test"] != nil)
        guard case .failure(let d) = WorkflowPlan.load(path: path, registry: registry) else {
            Issue.record("validated"); return
        }
        #expect(d.description.contains("w.yaml:9:7: error: unknown parameter 'dimz' for 'reducer.test'; did you mean 'dims'?"))
    }

    @Test func wrongTypeAndConstraintAreReportedInOnePass() throws {
        let m = try Harness.reducer(script: Harness.identity())
        let source = YAMLSource(path: "w.yaml", text: "dims: zero\n")
        let node = try source.compose()
        guard case .failure(let d) = m.registryEntry.prepare(node, source: source) else { Issue.record("decoded"); return }
        #expect(d.description.contains("w.yaml:1:7: error: parameter 'dims' expects an integer, found a string"))
        let source2 = YAMLSource(path: "w.yaml", text: "dims: 0\n")
        guard case .failure(let d2) = m.registryEntry.prepare(try source2.compose(), source: source2) else {
            Issue.record("decoded"); return
        }
        #expect(d2.description.contains("invalid value for 'dims': must be at least 1"))
    }

    @Test func emptyParametersDecodeToTheDefaultsInTheCacheKey() throws {
        let m = try Harness.reducer(script: Harness.identity())
        let step = try m.registryEntry.prepare(.mapping([], SourceLocation(file: "t", line: 1, column: 1))).get()
        #expect(step.canonicalParameters == #"{"dims":2}"#)
    }

    @Test func twoManifestsWithOneIDNameBothFiles() throws {
        let a = try Harness.reducer(script: Harness.identity())
        let b = try Harness.reducer(script: Harness.identity())
        let env = [ProcessPluginCatalog.pathVariable: a.directory.path + ":" + b.directory.path]
        guard case .failure(let d) = ProcessPluginCatalog.registry(base: .builtIn, environment: env) else {
            Issue.record("no error"); return
        }
        #expect(d.description.contains("two plugins with id 'reducer.test': \(a.path) and \(b.path)"))
    }

    @Test func seedAndParametersReachTheProgramAndProgressIsReported() async throws {
        let m = try Harness.reducer(script: Harness.identity("y[:] = r['seed'] + r['parameters']['dims']\nprint('progress 1/2 half', flush=True)\nprint('progress nonsense', flush=True)"))
        let events = EventLog()
        let out = try await Harness.run(m, on: Fixtures.random(rows: 5, columns: 4), seed: 40, events: events.record)
        #expect(out.vectors.storage.allSatisfy { $0 == 42 })
        #expect(out.axes == ["test-0", "test-1"])
        #expect(events.events.contains { if case .progress(_, 1, 2, "half") = $0 { return true } else { return false } })
        #expect(events.events.contains { if case .warning(_, let m) = $0 { return m.contains("malformed progress line") } else { return false } })
    }

    @Test func editingTheScriptChangesTheVersionInTheCacheKey() throws {
        let m = try Harness.reducer(script: Harness.identity())
        try (Harness.identity() + "\n# edited\n").write(to: m.directory.appendingPathComponent("plugin.py"), atomically: true, encoding: .utf8)
        let edited = try PluginManifest.load(path: m.path).get()
        #expect(m.descriptor.version.hasPrefix("1+"))
        #expect(edited.descriptor.version != m.descriptor.version)
        let again = try PluginManifest.load(path: m.path).get()
        #expect(again.descriptor.version == edited.descriptor.version)
    }

    @Test func brokenProgramsFailWithTheirReason() async throws {
        let input = Fixtures.random(rows: 6, columns: 3)
        func failure(_ script: String, extra: String = "") async throws -> ProcessPluginError? {
            let m = try Harness.reducer(script: script, extra: extra)
            do { _ = try await Harness.run(m, on: input) } catch let e as ProcessPluginError { return e }
            return nil
        }
        #expect(try await failure(Harness.identity("y = y[:3]")) == .wrongShape(
            plugin: "reducer.test", expected: "6 × d (a reducer keeps the rows)", found: "3 × 2"))
        #expect(try await failure(Harness.identity("y[2, 1] = np.nan")) == .nonFinite(plugin: "reducer.test", row: 2, column: 1))
        #expect(try await failure("import sys\nprint('boom', file=sys.stderr)\nsys.exit(3)")
                == .exitedNonZero(plugin: "reducer.test", status: 3, stderrTail: ["boom"]))
        #expect(try await failure("import no_such_module_xyz") == .pythonModuleMissing(plugin: "reducer.test", module: "no_such_module_xyz"))
        #expect(try await failure("pass") == .wroteNothing(plugin: "reducer.test", expected: "output.npy"))
        #expect(try await failure("import time\ntime.sleep(30)", extra: "timeout: 0.5") == .timedOut(plugin: "reducer.test", seconds: 0.5))
    }

    @Test func missingProgramAndInterpreterAreNamed() async throws {
        let m = try Harness.reducer(script: "pass")
        try FileManager.default.removeItem(at: m.directory.appendingPathComponent("plugin.py"))
        await #expect(throws: ProcessPluginError.programMissing(
            plugin: "reducer.test", program: m.directory.appendingPathComponent("plugin.py").standardizedFileURL.path)) {
            _ = try await Harness.run(m, on: Fixtures.random(rows: 3, columns: 2))
        }
        let text = "orrery-plugin: 1\nid: reducer.y\nkind: reducer\nversion: \"1\"\nsummary: s\nrun: [no-such-interpreter-q, y.R]\n"
        let y = try PluginManifest.parse(text, path: "y.yaml", directory: Fixtures.temporaryDirectory()).get()
        await #expect(throws: ProcessPluginError.interpreterMissing(plugin: "reducer.y", interpreter: "no-such-interpreter-q")) {
            _ = try await Harness.run(y, on: Fixtures.random(rows: 3, columns: 2))
        }
    }

    @Test func cancellationKillsTheProcessGroup() async throws {
        let folder = Fixtures.temporaryDirectory()
        let programPID = folder.appendingPathComponent("program.pid"), childPID = folder.appendingPathComponent("child.pid")
        // The program starts a grandchild (in its group) that records its pid and sleeps, then
        // records its own pid and sleeps; cancelling must end both.
        let m = try Harness.reducer(script: """
        import os, subprocess, time, pathlib
        subprocess.Popen(["sh", "-c", "echo $$ > \(childPID.path).tmp; mv \(childPID.path).tmp \(childPID.path); exec sleep 3600"])
        while not pathlib.Path("\(childPID.path)").exists(): time.sleep(0.01)
        pathlib.Path("\(programPID.path).tmp").write_text(str(os.getpid()))
        os.rename("\(programPID.path).tmp", "\(programPID.path)")
        time.sleep(3600)
        """)
        let finished = Flag()
        let task = Task {
            defer { finished.set() }
            return try await Harness.run(m, on: Fixtures.random(rows: 3, columns: 2))
        }
        // Cancel once both exist. On a loaded two-core machine the run's task can wait a long
        // time for a thread and Python seconds to start, so the wait ends only when the pid file
        // appears, the run ends by itself (a failure to report), or after five minutes.
        let deadline = Date().addingTimeInterval(300)
        while !FileManager.default.fileExists(atPath: programPID.path), !finished.isSet, Date() < deadline {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        if finished.isSet, !FileManager.default.fileExists(atPath: programPID.path) {
            let result = await task.result
            Issue.record("the program ended before it was cancelled: \(result)")
            return
        }
        let pids = try [programPID, childPID].map { url in
            try #require(Int32(String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        task.cancel()
        // The program sleeps an hour: a run that ends at all ended because it was cancelled. The
        // bound is generous (a loaded two-core machine took 31 s once) and only there so a broken
        // cancellation fails the test instead of hanging it.
        let bound = Date().addingTimeInterval(300)
        while !finished.isSet, Date() < bound { try await Task.sleep(nanoseconds: 20_000_000) }
        guard finished.isSet else {
            Issue.record("the run did not end within 300 s of its cancellation")
            for pid in pids { kill(pid, SIGKILL) }
            return
        }
        await #expect(throws: OrreryError.cancelled) { _ = try await task.value }
        // Both are gone (or zombies awaiting their reaper), long before their hour is up.
        for pid in pids {
            let gone = Date().addingTimeInterval(60)
            while Self.isRunning(pid), Date() < gone { try await Task.sleep(nanoseconds: 20_000_000) }
            #expect(!Self.isRunning(pid), "process \(pid) survived the cancellation")
        }
    }

    /// A flag set once, read from any thread.
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    /// Whether `pid` is a live process: present in /proc and not a zombie.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }
}

/// Collects run events (progress, warnings) for checks.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [RunEvent] = []
    var events: [RunEvent] { lock.lock(); defer { lock.unlock() }; return list }
    var record: RunEventHandler { { e in self.lock.lock(); self.list.append(e); self.lock.unlock() } }
}
