import Foundation
import OrreryCore
import OrreryPlugins
import OrreryTesting
import Testing

/// The conformance checks fail deliberately broken plugins, each with its reason.
@Suite struct PluginConformanceTests {
    func failures(_ script: String) async throws -> [PluginConformance.Failure] {
        let m = try Harness.reducer(script: script)
        return await PluginConformance.check(m.registryEntry, registry: .builtIn)
    }

    @Test func scaffoldedReducerPassesEveryCheck() async throws {
        let dir = Fixtures.temporaryDirectory()
        for f in try PluginScaffold.python(id: "reducer.my-method") {
            try f.contents.write(to: dir.appendingPathComponent(f.name), atomically: true, encoding: .utf8)
        }
        let m = try PluginManifest.load(path: dir.appendingPathComponent("my-method.orrery-plugin.yaml").path).get()
        #expect(await PluginConformance.check(m.registryEntry, registry: .builtIn) == [])
        let out = try await Harness.run(m, on: Fixtures.random(rows: 4, columns: 3), seed: 9)
        #expect(out.count == 4 && out.dimensions == 2)
    }

    @Test func pluginIgnoringTheSeedFailsSameSeedSameBytes() async throws {
        let f = try await failures(Harness.identity("y = np.random.default_rng().random(y.shape).astype(np.float32)"))
        #expect(f.contains(PluginConformance.Failure(check: "same seed, same bytes",
                                                     reason: "two runs with seed 7 gave different output")))
    }

    @Test func pluginReturningTheWrongRowCountFails() async throws {
        let f = try await failures(Harness.identity("y = y[1:]"))
        #expect(f.map(\.description) == ["runs: failed on a 40 × 12 input: reducer.test: output has shape 39 × 2, expected 40 × d (a reducer keeps the rows)"])
    }

    @Test func pluginWritingNaNFails() async throws {
        let f = try await failures(Harness.identity("y[0, 0] = np.nan"))
        #expect(f.map(\.description) == ["runs: failed on a 40 × 12 input: reducer.test: output has NaN or infinity at row 0, column 0"])
    }

    @Test func pluginPassingNaNInputThroughFails() async throws {
        // Writes NaN only when its input has one: caught by Orrery's output check as a nonFinite error.
        let f = try await failures(Harness.identity())
        #expect(f.map(\.check) == ["NaN input"])
    }

    @Test func builtInPCAPassesTheChecks() async throws {
        let registry = PluginRegistry.builtIn
        let pca = try #require(registry["reducer.pca"])
        let failures = await PluginConformance.check(pca, registry: registry)
        #expect(failures == [])
    }
}
