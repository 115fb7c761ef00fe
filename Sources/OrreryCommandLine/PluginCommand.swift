import ArgumentParser
import Foundation
import OrreryCore

struct PluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin", abstract: "Write a new plugin, or check that one conforms.",
        subcommands: [New.self, Check.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new plugin that runs and passes 'orrery plugin check' as written.",
            discussion: """
                --python DIR: a process plugin (manifest + Python script + example data), any kind.
                --swift DIR: a Swift package (a reducer or selector, its tests, and its own command line
                'orrery-NAME' with the built-ins plus it); --orrery names the Orrery package it depends on
                (a path or a git URL; by default the checkout this orrery was built in).
                """)

        @Argument(help: "KIND.NAME, e.g. reducer.my-method.")
        var id: String

        @Option(help: ArgumentHelp("Write a Python process plugin into this folder.", valueName: "dir"))
        var python: String?

        @Option(help: ArgumentHelp("Write a Swift package into this folder.", valueName: "dir"))
        var swift: String?

        @Option(help: ArgumentHelp("The Orrery package a Swift plugin depends on (path or git URL).", valueName: "path-or-url"))
        var orrery: String?

        func validate() throws {
            guard (python == nil) != (swift == nil) else {
                throw ValidationError("give one of --python DIR or --swift DIR")
            }
        }

        func run() throws {
            let folder = python ?? swift ?? ""
            let files: [PluginScaffold.File]
            do {
                if python != nil {
                    files = try PluginScaffold.python(id: id)
                } else {
                    guard let package = orrery ?? Self.enclosingCheckout() else {
                        printError("error: cannot tell where the Orrery package is; pass --orrery PATH (a checkout) or --orrery URL")
                        throw Exit.invalid
                    }
                    files = try PluginScaffold.swift(id: id, orrery: package)
                }
            } catch let problem as PluginScaffold.Problem {
                printError("error: \(problem)")
                throw Exit.invalid
            }
            // Nothing is written unless every file is new.
            let fm = FileManager.default
            let paths = files.map { (folder as NSString).appendingPathComponent($0.name) }
            if let existing = paths.first(where: { fm.fileExists(atPath: $0) }) {
                printError("error: \(existing) exists; not overwriting it (choose an empty folder)")
                throw Exit.invalid
            }
            for (f, path) in zip(files, paths) {
                do {
                    try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try f.contents.write(toFile: path, atomically: true, encoding: .utf8)
                } catch {
                    printError("error: cannot write \(path): \(AtomicFile.reason(error, writing: URL(fileURLWithPath: path)))")
                    throw Exit.stepFailed
                }
                print("wrote \(path)")
            }
            if swift != nil {
                print("next: cd \(folder) && swift test")
            } else {
                print("next: orrery plugin check \((folder as NSString).appendingPathComponent(files[0].name))")
            }
        }

        /// The Orrery checkout this executable was built in (`…/.build/<config>/orrery`), if any.
        static func enclosingCheckout() -> String? {
            var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            while url.path != "/" {
                let manifest = url.appendingPathComponent("Package.swift")
                if let text = try? String(contentsOf: manifest, encoding: .utf8), text.contains("name: \"Orrery\"") {
                    return url.path
                }
                url.deleteLastPathComponent()
            }
            return nil
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the conformance checks on a plugin and print what fails.")

        @Argument(help: "A plugin id (built in, or on ORRERY_PLUGIN_PATH) or a manifest file.")
        var plugin: String

        @Option(help: ArgumentHelp("The folder the example's paths are relative to (default: a manifest's folder, else ./Workflows if it exists, else the current folder).", valueName: "dir"))
        var exampleDirectory: String?

        func run() async throws {
            var registry = try pluginRegistry(for: nil)
            var id = plugin
            var examples = exampleDirectory.map { URL(fileURLWithPath: $0) }
            if plugin.hasSuffix(".yaml") || FileManager.default.fileExists(atPath: plugin) {
                switch PluginManifest.load(path: plugin) {
                case .failure(let d):
                    printError(d.description)
                    throw Exit.invalid
                case .success(let m):
                    id = m.descriptor.id
                    if examples == nil { examples = m.directory }
                    registry = PluginRegistry(entries: registry.entries.filter { $0.descriptor.id != id } + [m.registryEntry])
                }
            }
            guard let entry = registry[id] else {
                printError("error: unknown plugin '\(id)'"
                           + (Suggestion.closest(to: id, in: registry.ids).map { "; did you mean '\($0)'?" } ?? ""))
                throw Exit.invalid
            }
            if examples == nil {
                let workflows = URL(fileURLWithPath: "Workflows")
                var isFolder: ObjCBool = false
                let here = FileManager.default.fileExists(atPath: workflows.path, isDirectory: &isFolder) && isFolder.boolValue
                examples = here ? workflows : URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            }
            let failures = await PluginConformance.check(entry, registry: registry, exampleDirectory: examples)
            if failures.isEmpty {
                print("\(id): ok — every check passed")
                return
            }
            for f in failures { print("\(id): FAIL \(f)") }
            throw Exit.stepFailed
        }
    }
}
