import Foundation
import OrreryCore
import OrreryTesting

/// Writes throwaway process plugins (a manifest + a Python script) for the tests.
enum Harness {
    /// The interpreter the bundled plugins use, when their venv exists.
    static var venvPython: String? {
        let p = Fixtures.repositoryRoot.appendingPathComponent(".venv-plugins/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: p) ? p : nil
    }

    static func venvHas(_ module: String) -> Bool {
        guard let python = venvPython else { return false }
        return (try? python3([python, "-c", "import \(module)"]))?.status == 0
    }

    /// A manifest for a reducer `id` running `script` (Python) with `extra` manifest lines.
    static func reducer(_ id: String = "reducer.test", script: String, extra: String = "",
                        usesSeed: Bool = true) throws -> PluginManifest {
        let dir = Fixtures.temporaryDirectory()
        try script.write(to: dir.appendingPathComponent("plugin.py"), atomically: true, encoding: .utf8)
        let manifest = """
        orrery-plugin: 1
        id: \(id)
        kind: reducer
        version: "1"
        summary: a test plugin
        parameters:
          dims:
            type: integer
            default: 2
            help: output dimensions
            minimum: 1
        uses-seed: \(usesSeed)
        run: [python3, plugin.py]
        \(extra)
        """
        let path = dir.appendingPathComponent("test" + PluginManifest.fileSuffix).path
        try manifest.write(toFile: path, atomically: true, encoding: .utf8)
        switch PluginManifest.load(path: path) {
        case .success(let m): return m
        case .failure(let d): throw d
        }
    }

    /// Runs `manifest` on `input` with `seed` and `with` parameters.
    static func run(_ manifest: PluginManifest, on input: Embedding, seed: UInt64 = 1,
                    events: @escaping RunEventHandler = { _ in }) async throws -> Embedding {
        let step = try manifest.registryEntry.prepare(.mapping([], SourceLocation(file: "t", line: 1, column: 1))).get()
        let value = try await step.run(StepInputs(["input": [.embedding(input)]]),
                                       context: .testing(seed: seed, events: events))
        guard case .embedding(let e) = value else { throw OrreryError.missingInput("output") }
        return e
    }

    /// Runs a command; returns its status and standard output.
    static func python3(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// An identity reducer body (with `pre` inserted before saving) that all the broken ones vary.
    static func identity(_ pre: String = "") -> String {
        """
        import json, sys
        import numpy as np
        r = json.load(open(sys.argv[1]))
        x = np.load(r["inputs"]["input"][0]["vectors"])
        y = x[:, :r["parameters"]["dims"]].astype(np.float32)
        \(pre)
        np.save(r["output"]["vectors"], y)
        """
    }
}
