import ArgumentParser
import Foundation
import OrreryCore

/// The command-line tool as a library: it declares commands and prints what the library returns.
/// A package with plugins of its own builds its `orrery` from it:
///
/// ```swift
/// import OrreryCommandLine
/// import OrreryPlugins
/// await Orrery.main(plugins: builtInPlugins + [RandomProjectionReducer.self])
/// ```
public struct Orrery: AsyncParsableCommand {
    /// The plugins of this run of the tool (set by `main(plugins:)`, scoped to its task).
    @TaskLocal static var registry = PluginRegistry([])

    /// Runs the command line with `plugins` registered; exits the process.
    public static func main(plugins: [any Plugin.Type]) async {
        await $registry.withValue(PluginRegistry(plugins)) {
            await main()
        }
    }

    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "orrery",
        abstract: "A workbench for studying embeddings, driven by YAML workflows.",
        discussion: "Exit codes: 0 success, 1 a step failed, 2 invalid workflow or arguments, 130 interrupted.",
        version: OrreryVersion.current,
        subcommands: [Run.self, Validate.self, Graph.self, Plugins.self, PluginCommand.self, Cache.self, Serve.self])

    public static func main() async {
        let status: Int32
        do {
            var command = try parseAsRoot(normalise(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return
        } catch {
            status = report(error)
        }
        // Nothing but the status is alive here: LeakSanitizer reports what is allocated at exit.
        Foundation.exit(status)
    }

    /// Prints what ArgumentParser would for `error` (help to standard output, errors to standard
    /// error) and returns the exit status; Orrery promises 2 for usage errors.
    private static func report(_ error: any Error) -> Int32 {
        let c = exitCode(for: error)
        let code = c == .validationFailure ? Exit.invalid : c
        let message = fullMessage(for: error)
        if !message.isEmpty {
            let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
            stream.write(Data((message + "\n").utf8))
        }
        return code.rawValue
    }
}

/// `--force` takes an optional step: a bare `--force` (last, or followed by an option or by a
/// file that exists, i.e. the workflow) becomes `--force=*`, "every step".
func normalise(_ arguments: [String]) -> [String] {
    var out: [String] = []
    for (i, a) in arguments.enumerated() {
        guard a == "--force" else { out.append(a); continue }
        let next = i + 1 < arguments.count ? arguments[i + 1] : nil
        if let next, !next.hasPrefix("-"), !FileManager.default.fileExists(atPath: next) {
            out.append(a)
        } else {
            out.append("--force=" + Run.forceAll)
        }
    }
    return out
}

/// Exit codes Orrery promises.
enum Exit {
    static let stepFailed = ExitCode(1)
    static let invalid = ExitCode(2)
    static let interrupted = ExitCode(130)
}

/// Runs `action` on SIGINT or SIGTERM (instead of the default: ending the process) until the
/// returned sources are cancelled.
func onInterrupt(_ action: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler(handler: action)
        source.resume()
        return source
    }
}

/// Writes to standard error.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

/// Checks that a run can write `folder` before any step runs; prints why not and fails with exit
/// code 2 otherwise.
func checkOutputFolder(_ folder: URL, shownAs name: String) throws {
    if let problem = OutputFolder.problem(folder) {
        printError("error: cannot use '\(name)' as the output folder: \(problem)")
        throw Exit.invalid
    }
}

/// Loads and validates, printing every diagnostic and failing with exit code 2.
func loadPlan(_ file: String, overrides: [String] = []) throws -> WorkflowPlan {
    switch WorkflowPlan.load(path: file, overrides: overrides, registry: try pluginRegistry(for: file)) {
    case .success(let plan): return plan
    case .failure(let diagnostics):
        printError(diagnostics.description)
        throw Exit.invalid
    }
}
