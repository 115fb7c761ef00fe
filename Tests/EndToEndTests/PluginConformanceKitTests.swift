import Foundation
import OrreryCore
import OrreryPlugins
import Testing

/// The conformance checks plugin authors call (`PluginConformance.check`, also behind
/// `orrery plugin check`) pass every built-in reducer and selector. The deliberately broken
/// plugins that must fail them are in ProcessPluginTests' PluginConformanceTests.
@Suite struct PluginConformanceKitTests {
    static let ids = PluginRegistry.builtIn.sortedDescriptors
        .filter { [.reducer, .selector].contains($0.kind) && $0.parameters.allSatisfy { !$0.isRequired } }
        // Two inputs (reducer.place), or one of two parameters required (points, sample): the
        // checks need a one-input plugin whose `{}` is valid; their own tests cover them.
        .filter { !["reducer.place", "selector.points", "selector.sample"].contains($0.id) }
        .map(\.id)

    @Test(arguments: ids)
    func builtInPluginPassesTheChecks(_ id: String) async throws {
        let entry = try #require(PluginRegistry.builtIn[id])
        let failures = await PluginConformance.check(entry, registry: .builtIn)
        #expect(failures.isEmpty, "\(id): \(failures)")
    }
}
