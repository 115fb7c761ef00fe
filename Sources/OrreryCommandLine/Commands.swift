import ArgumentParser
import Foundation
import OrreryCore

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a workflow without running it; report every problem with file:line:column.")

    @Argument(help: "The workflow file (YAML).")
    var file: String

    @Option(name: .customLong("set"), help: "Override a parameter: step.param=value (repeatable).")
    var overrides: [String] = []

    @Option(name: .shortAndLong, help: "Also check that a run can write this output folder (default: out/<workflow name>).")
    var output: String?

    func run() throws {
        let plan = try loadPlan(file, overrides: overrides)
        let folder = output ?? "out/\(plan.workflow.name)"
        try checkOutputFolder(URL(fileURLWithPath: folder), shownAs: folder)
        print("\(file): ok — \(plan.steps.count) steps: " + plan.steps.map(\.id).joined(separator: " → "))
    }
}

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a workflow's DAG (Mermaid or DOT).")

    @Argument(help: "The workflow file (YAML).")
    var file: String

    @Option(help: "mermaid or dot.")
    var format: String = "mermaid"

    func run() throws {
        guard let f = WorkflowGraph.Format(rawValue: format) else {
            throw ValidationError("unknown format '\(format)'; use mermaid or dot")
        }
        print(WorkflowGraph.render(try loadPlan(file).workflow, format: f), terminator: "")
    }
}

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List plugins, or describe one.")

    @Argument(help: "A plugin id, e.g. reducer.custom-axis.")
    var id: String?

    @Flag(help: "Print the README's plugin reference (Markdown).")
    var markdown = false

    @Option(help: ArgumentHelp("Also list the process plugins this workflow's 'plugins:' names.", valueName: "file"))
    var workflow: String?

    func run() throws {
        let registry = markdown ? Orrery.registry : try pluginRegistry(for: workflow)
        if markdown {
            print(PluginReference.markdown(registry), terminator: "")
            return
        }
        guard let id else {
            print(PluginReference.list(registry))
            return
        }
        guard let entry = registry[id] else {
            printError("error: unknown plugin '\(id)'"
                       + (Suggestion.closest(to: id, in: registry.ids).map { "; did you mean '\($0)'?" } ?? ""))
            throw Exit.invalid
        }
        print(PluginReference.text(entry.descriptor), terminator: "")
    }
}

struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the step cache.", subcommands: [Clean.self])

    struct Clean: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete every cached step result.")

        @Option(help: ArgumentHelp("The cache folder (default: .orrery/cache in the current folder).", valueName: "dir"))
        var cache: String?

        func run() throws {
            let store = StepCache(directory: cache.map { URL(fileURLWithPath: $0) } ?? StepCache.defaultDirectory)
            do { try store.clean() } catch {
                printError("error: \(error)")
                throw Exit.stepFailed
            }
            print("orrery: removed \(store.directory.path)")
        }
    }
}
