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

    /// `orrery plugin new KIND.NAME --python DIR` for every kind: the files pass every check as
    /// written, the example (over the scaffold's own data file) included.
    @Test(arguments: PluginKind.allCases)
    func scaffoldedPythonPluginPassesEveryCheckAndRunsItsExample(_ kind: PluginKind) async throws {
        let dir = Fixtures.temporaryDirectory()
        for f in try PluginScaffold.python(id: "\(kind.rawValue).my-method") {
            try f.contents.write(to: dir.appendingPathComponent(f.name), atomically: true, encoding: .utf8)
        }
        let m = try PluginManifest.load(path: dir.appendingPathComponent("my-method.orrery-plugin.yaml").path).get()
        #expect(m.descriptor.kind == kind && !m.descriptor.example.isEmpty)
        let registry = PluginRegistry(entries: PluginRegistry.builtIn.entries + [m.registryEntry])
        #expect(await PluginConformance.check(m.registryEntry, registry: registry, exampleDirectory: dir) == [])
        if kind == .reducer {
            let out = try await Harness.run(m, on: Fixtures.random(rows: 4, columns: 3), seed: 9)
            #expect(out.count == 4 && out.dimensions == 2)
        }
    }

    /// The check runs the example: one whose data file is missing fails "example runs".
    @Test func anExampleThatCannotRunFailsTheCheck() async throws {
        let dir = Fixtures.temporaryDirectory()
        for f in try PluginScaffold.python(id: "reducer.my-method") where f.name != "example-words.txt" {
            try f.contents.write(to: dir.appendingPathComponent(f.name), atomically: true, encoding: .utf8)
        }
        let m = try PluginManifest.load(path: dir.appendingPathComponent("my-method.orrery-plugin.yaml").path).get()
        let registry = PluginRegistry(entries: PluginRegistry.builtIn.entries + [m.registryEntry])
        let failures = await PluginConformance.check(m.registryEntry, registry: registry, exampleDirectory: dir)
        #expect(failures.map(\.check) == ["example runs"])
        #expect(failures.first?.reason.contains("example-words.txt") == true)
    }

    @Test func scaffoldRefusesABadIDAndSwiftForOtherKinds() throws {
        #expect(throws: PluginScaffold.Problem.badID("reducer.My_Method")) { try PluginScaffold.python(id: "reducer.My_Method") }
        #expect(throws: PluginScaffold.Problem.badID("tsne")) { try PluginScaffold.python(id: "tsne") }
        #expect(throws: PluginScaffold.Problem.unsupportedKind("metric", language: "swift", supported: ["reducer", "selector"])) {
            try PluginScaffold.swift(id: "metric.my-distance", orrery: "/x")
        }
        let files = try PluginScaffold.swift(id: "reducer.my-method", orrery: "/path/to/orrery")
        #expect(files.map(\.name) == ["Package.swift", "Sources/MyMethod/MyMethodReducer.swift", "Sources/MyMethodCLI/main.swift",
                                      "Tests/MyMethodTests/MyMethodReducerTests.swift", "Tests/MyMethodTests/example-words.txt",
                                      "README.md"])
        #expect(files[0].contents.contains(".package(name: \"Orrery\", path: \"/path/to/orrery\")"))
        #expect(files[0].contents.contains(".executable(name: \"orrery-my-method\""))
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
