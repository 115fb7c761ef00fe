import ArgumentParser
import Foundation
import OrreryCore
import OrreryPlugins

/// The command-line tool: it declares commands and prints what the library returns.
@main
struct Orrery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orrery",
        abstract: "A workbench for studying embeddings, driven by YAML workflows.",
        discussion: "Exit codes: 0 success, 1 a step failed, 2 invalid workflow or arguments, 130 interrupted.",
        subcommands: [Run.self, Validate.self, Graph.self, Plugins.self])

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {  // ArgumentParser's usage errors: Orrery promises 2
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes Orrery promises.
enum Exit {
    static let stepFailed = ExitCode(1)
    static let invalid = ExitCode(2)
    static let interrupted = ExitCode(130)
}

/// Writes to standard error.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

/// Loads and validates, printing every diagnostic and failing with exit code 2.
func loadPlan(_ file: String, overrides: [String] = []) throws -> WorkflowPlan {
    switch WorkflowPlan.load(path: file, overrides: overrides, registry: .builtIn) {
    case .success(let plan): return plan
    case .failure(let diagnostics):
        printError(diagnostics.description)
        throw Exit.invalid
    }
}
