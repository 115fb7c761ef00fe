import Foundation
import OrreryCore
import OrreryPlugins
import Testing

/// The built-ins are listed by hand in one place (`builtInPlugins` in Sources/OrreryPlugins);
/// Package.swift finds the plugin folders itself. A folder missing from the list fails here.
@Suite struct PluginListTests {
    static let pluginsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Plugins")

    /// `ReducerPCA` for every `Plugins/Reducers/PCA`.
    static func folderModules() throws -> Set<String> {
        var modules: Set<String> = []
        for kind in PluginKind.allCases {
            let kindFolder = kind.rawValue.prefix(1).uppercased() + kind.rawValue.dropFirst() + "s"
            let folder = pluginsFolder.appendingPathComponent(kindFolder)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
                modules.insert(String(kindFolder.dropLast()) + name)
            }
        }
        return modules
    }

    @Test func everyPluginFolderIsRegisteredOnce() throws {
        let registered = builtInPlugins.map { String(reflecting: $0).split(separator: ".")[0] }.map(String.init)
        let folders = try Self.folderModules()
        #expect(folders.count >= 28)
        #expect(Set(registered) == folders, "not registered: \(folders.subtracting(registered).sorted()); no folder: \(Set(registered).subtracting(folders).sorted())")
        #expect(registered.count == Set(registered).count, "a plugin is listed twice")
    }

    @Test func everyRegisteredPluginsKindMatchesItsFolder() {
        for plugin in builtInPlugins {
            let module = String(reflecting: plugin).split(separator: ".")[0].lowercased()
            #expect(module.hasPrefix(plugin.descriptor.kind.rawValue), "\(plugin) is a \(plugin.descriptor.kind) in \(module)")
        }
    }
}
