import Foundation
import OrreryCore
import OrreryPlugins
import OrreryTesting
import Testing

/// Runs workflows through the real loader, validator, runner and built-in plugins.
enum Harness {
    struct Result {
        var outcome: Runner.Outcome
        var output: URL
        var reports: [String]

        func embedding(_ step: String) throws -> Embedding {
            guard case .embedding(let e)? = outcome.values[step] else { throw HarnessError.noValue(step) }
            return e
        }

        func neighbors(_ step: String) throws -> Neighbors {
            guard case .neighbors(let n)? = outcome.values[step] else { throw HarnessError.noValue(step) }
            return n
        }

        func text(_ file: String) throws -> String {
            try String(contentsOf: output.appendingPathComponent(file), encoding: .utf8)
        }
    }

    enum HarnessError: Error { case noValue(String) }

    static func run(path: String, overrides: [String] = []) async throws -> Result {
        let plan = try WorkflowPlan.load(path: path, overrides: overrides, registry: .builtIn).get()
        return try await run(plan)
    }

    static func run(_ plan: WorkflowPlan) async throws -> Result {
        let output = Fixtures.temporaryDirectory()
        let log = WarningLog()
        let outcome = try await Runner(registry: .builtIn).run(plan, options: .init(outputDirectory: output, events: log.record))
        let reports = log.all.compactMap { if case .report(_, let t) = $0 { return t } else { return nil } }
        return Result(outcome: outcome, output: output, reports: reports)
    }

    /// The built `orrery` executable (beside the test bundle).
    static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("orrery")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return Fixtures.repositoryRoot.appendingPathComponent(".build/debug/orrery")
    }

    /// Runs `orrery ARGS` and returns (exit code, stdout, stderr).
    static func cli(_ arguments: [String], in directory: URL = Fixtures.repositoryRoot) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
