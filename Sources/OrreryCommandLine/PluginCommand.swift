import ArgumentParser
import Foundation
import OrreryCore

struct PluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin", abstract: "Write a new plugin, or check that one conforms.",
        subcommands: [New.self, Check.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a process plugin (manifest + Python script) that runs and passes 'orrery plugin check'.")

        @Argument(help: "KIND.NAME, e.g. reducer.my-method.")
        var id: String

        @Option(help: ArgumentHelp("The folder to write it into.", valueName: "dir"))
        var python: String

        func run() throws {
            let files: [(name: String, contents: String)]
            do { files = try PluginScaffold.python(id: id) } catch {
                printError("error: \(error)")
                throw Exit.invalid
            }
            try FileManager.default.createDirectory(atPath: python, withIntermediateDirectories: true)
            for f in files {
                let path = (python as NSString).appendingPathComponent(f.name)
                guard !FileManager.default.fileExists(atPath: path) else {
                    printError("error: \(path) exists; not overwriting it")
                    throw Exit.invalid
                }
                try f.contents.write(toFile: path, atomically: true, encoding: .utf8)
                print("wrote \(path)")
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the conformance checks on a plugin and print what fails.")

        @Argument(help: "A plugin id (built in, or on ORRERY_PLUGIN_PATH) or a manifest file.")
        var plugin: String

        func run() async throws {
            var registry = try pluginRegistry(for: nil)
            var id = plugin
            if plugin.hasSuffix(".yaml") || FileManager.default.fileExists(atPath: plugin) {
                switch PluginManifest.load(path: plugin) {
                case .failure(let d):
                    printError(d.description)
                    throw Exit.invalid
                case .success(let m):
                    id = m.descriptor.id
                    registry = PluginRegistry(entries: registry.entries.filter { $0.descriptor.id != id } + [m.registryEntry])
                }
            }
            guard let entry = registry[id] else {
                printError("error: unknown plugin '\(id)'"
                           + (Suggestion.closest(to: id, in: registry.ids).map { "; did you mean '\($0)'?" } ?? ""))
                throw Exit.invalid
            }
            let failures = await PluginConformance.check(entry, registry: registry)
            if failures.isEmpty {
                print("\(id): ok — every check passed")
                return
            }
            for f in failures { print("\(id): FAIL \(f)") }
            throw Exit.stepFailed
        }
    }
}
