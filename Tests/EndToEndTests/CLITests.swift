import Foundation
import OrreryCore
import OrreryTesting
import Testing

@Suite struct CLITests {
    @Test func fiveMistakesAreAllReportedWithLineAndColumnAndExitCode2() throws {
        let path = "Tests/EndToEndTests/Fixtures/five-mistakes.yaml"
        let (code, _, err) = try Harness.cli(["validate", path])
        #expect(code == 2)
        let errors = err.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 5, "\(err)")
        let expected = [
            "\(path):8:11: error: unknown plugin 'reducer.pac'; did you mean 'reducer.pca'?",
            "\(path):13:35: error: unknown parameter 'metrik' for 'selector.neighbors'; did you mean 'metric'?",
            "\(path):17:20: error: parameter 'count' expects an integer, found a string",
            "\(path):20:11: error: unknown input step 'glvoe'; did you mean 'glove'?",
            "\(path):22:3: error: cycle: a → b → a",
        ]
        for (line, prefix) in zip(errors, expected) {
            #expect(line.hasPrefix(prefix.replacingOccurrences(of: "; did you mean 'reducer.pca'?",
                                                                with: "")), "\(line)")
        }
        #expect(err.contains("5 errors found"))
    }

    @Test func validWorkflowValidatesWithExitCode0() throws {
        let (code, out, _) = try Harness.cli(["validate", "Workflows/politics-best-worst.yaml"])
        #expect(code == 0)
        #expect(out.contains("ok — 6 steps"))
    }

    @Test func badArgumentsExitWith2() throws {
        let (code, _, _) = try Harness.cli(["run"])
        #expect(code == 2)
        let (code2, _, err2) = try Harness.cli(["run", "no-such-file.yaml"])
        #expect(code2 == 2)
        #expect(err2.contains("cannot read 'no-such-file.yaml': no such file"))
    }

    @Test func failedRunExitsWith1AndLeavesNoFile() throws {
        let dir = Fixtures.temporaryDirectory()
        let yaml = """
            orrery: 1
            name: failing
            steps:
              glove:
                uses: loader.npy
                with: { path: \(Fixtures.workflowsDirectory.path)/data/glove.6B.50d.top50k.npy, metadata: \(Fixtures.workflowsDirectory.path)/data/glove.6B.50d.top50k.words.tsv }
              table:
                uses: exporter.tsv
                from: glove
                with: { path: all.tsv }
              near:
                uses: selector.neighbors
                from: glove
                with: { of: qqqzzzx, k: 5 }
              after:
                uses: exporter.tsv
                from: near
                with: { path: near.tsv }
            """
        try yaml.write(to: dir.appendingPathComponent("failing.yaml"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let (code, _, err) = try Harness.cli(["run", "failing.yaml", "--output", out.path], in: dir)
        #expect(code == 1)
        #expect(err.contains("failing.yaml:11:3: error: step 'near' (selector.neighbors) failed: no point has label 'qqqzzzx'"))
        // Whatever was written is whole: either no file or the complete table; never a temporary file.
        let files = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        #expect(!files.contains { $0.contains(AtomicFile.temporaryPrefix) || $0.hasPrefix(".") })
        #expect(!files.contains("near.tsv"))
        if files.contains("all.tsv") {
            let lines = try String(contentsOf: out.appendingPathComponent("all.tsv"), encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 50_001)
        }
    }

    @Test func pluginsListsEveryBuiltInAndDescribesOne() throws {
        let (code, out, _) = try Harness.cli(["plugins", "reducer.custom-axis"])
        #expect(code == 0)
        #expect(out.hasPrefix("reducer.custom-axis  v1.0.0  (reducer)"))
        #expect(out.contains("on-empty"))
        let (code2, _, err2) = try Harness.cli(["plugins", "reducer.custom-axes"])
        #expect(code2 == 2)
        #expect(err2.contains("did you mean 'reducer.custom-axis'?"))
    }

    @Test func graphPrintsMermaid() throws {
        let (code, out, _) = try Harness.cli(["graph", "Workflows/politics-best-worst.yaml"])
        #expect(code == 0)
        #expect(out.hasPrefix("flowchart LR\n"))
        #expect(out.contains("near_2d_politics --> best_2d_worst"))
    }

    @Test func setOverridesAParameter() throws {
        let out = Fixtures.temporaryDirectory()
        let (code, stdout, _) = try Harness.cli(["run", "Workflows/colour-neighbours.yaml", "--set", "angles.k=1",
                                                 "--output", out.path])
        #expect(code == 0)
        #expect(stdout.contains("blue: (red, 27.1°)\n"))
    }

    /// A small workflow that loads 4 points and writes one table.
    static func smallWorkflow(in dir: URL) throws {
        try NPYFormat.write(Matrix([[1, 2], [3, 4], [5, 6], [7, 8]])).write(to: dir.appendingPathComponent("v.npy"))
        try "orrery: 1\nname: small\nsteps:\n  load:\n    uses: loader.npy\n    with: { path: v.npy }\n  t:\n    uses: exporter.tsv\n    from: load\n    with: { path: t.tsv }\n"
            .write(to: dir.appendingPathComponent("small.yaml"), atomically: true, encoding: .utf8)
    }

    @Test func anImpossibleOutputFolderIsFoundBeforeAnyStep() throws {
        let dir = Fixtures.temporaryDirectory()
        try Self.smallWorkflow(in: dir)
        try "x".write(to: dir.appendingPathComponent("afile"), atomically: true, encoding: .utf8)
        for command in ["validate", "run"] {
            let (code, out, err) = try Harness.cli([command, "small.yaml", "--output", "afile/out"], in: dir)
            #expect(code == 2, "\(command)")
            #expect(err == "error: cannot use 'afile/out' as the output folder: it cannot be created: \(dir.resolvingSymlinksInPath().path)/afile is a file, not a folder\n"
                    || err.hasSuffix("afile is a file, not a folder\n"), "\(command): \(err)")
            #expect(!out.contains("✓"), "\(command) ran a step")
        }
        let (code, _, err) = try Harness.cli(["validate", "small.yaml", "--output", "afile"], in: dir)
        #expect(code == 2)
        #expect(err == "error: cannot use 'afile' as the output folder: it is a file, not a folder\n")
    }

    @Test func aRunThatCannotWriteItsLockFails() throws {
        let dir = Fixtures.temporaryDirectory()
        try Self.smallWorkflow(in: dir)
        // orrery.lock is a folder that is not empty: renaming the record over it fails.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out/orrery.lock/keep"), withIntermediateDirectories: true)
        let (code, _, err) = try Harness.cli(["run", "small.yaml", "--output", "out"], in: dir)
        #expect(code == 1)
        #expect(err.contains("error: the steps ran, but orrery.lock could not be written: cannot write "))
        #expect(err.contains("orrery.lock: it is a folder"))
    }

    @Test func versionIsPrinted() throws {
        let (code, out, _) = try Harness.cli(["--version"])
        #expect(code == 0)
        #expect(out == OrreryVersion.current + "\n")
    }
}
