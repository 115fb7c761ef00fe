import Foundation
import OrreryCore
import OrreryPlugins
import OrreryTesting
import Synchronization
import Testing

/// The conformance kit every plugin author calls: it passes the built-in reducers and fails
/// deliberately broken ones, each for the right reason.
@Suite struct PluginConformanceKitTests {
    static func words() async throws -> Embedding { try await Bundled.glove().subset(Array(0..<120)) }

    @Test(arguments: ["reducer.pca", "reducer.sphereize", "reducer.tsne"])
    func builtInReducersPass(_ id: String) async throws {
        let entry = try #require(PluginRegistry.builtIn[id])
        let with = id == "reducer.tsne" ? "{ perplexity: 5, iterations: 60, exaggeration-iterations: 20 }" : "{}"
        let failures = await PluginConformance.check(entry, with: with, on: try await Self.words(),
                                                     plugins: PluginRegistry.builtIn.entries)
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Draws its output from a counter instead of the seed.
    enum IgnoresSeed: Reducer {
        static let calls = Atomic<Int>(0)
        struct Parameters: ParameterSet { init() {} }
        static let descriptor = PluginDescriptor(id: "reducer.ignores-seed", kind: .reducer, version: "1", summary: "broken",
                                                 inputs: [.embedding], parameters: Parameters.self, usesSeed: true, example: "")
        static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
            var g = SeededGenerator(seed: UInt64(calls.add(1, ordering: .relaxed).newValue))
            let m = Matrix(rows: input.count, columns: 2, storage: (0..<(2 * input.count)).map { _ in Float(g.nextUnit()) })
            return input.projected(to: m, axes: ["a", "b"], notes: Notes())
        }
    }

    /// Drops the last row.
    enum WrongRows: Reducer {
        struct Parameters: ParameterSet { init() {} }
        static let descriptor = PluginDescriptor(id: "reducer.wrong-rows", kind: .reducer, version: "1", summary: "broken",
                                                 inputs: [.embedding], parameters: Parameters.self, example: "")
        static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
            input.subset(Array(0..<max(0, input.count - 1)))
        }
    }

    /// Writes NaN.
    enum WritesNaN: Reducer {
        struct Parameters: ParameterSet { init() {} }
        static let descriptor = PluginDescriptor(id: "reducer.writes-nan", kind: .reducer, version: "1", summary: "broken",
                                                 inputs: [.embedding], parameters: Parameters.self, example: "")
        static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
            let m = Matrix(rows: input.count, columns: 1, storage: [Float](repeating: .nan, count: input.count))
            return input.projected(to: m, axes: ["x"], notes: Notes())
        }
    }

    @Test func aReducerThatIgnoresTheSeedFails() async throws {
        let failures = await PluginConformance.check(IgnoresSeed.registryEntry, on: try await Self.words())
        #expect(failures.map(\.check) == ["same seed, same output"])
        #expect(failures.first?.reason == "two runs with seed 11 differ")
    }

    @Test func aReducerThatLosesARowFails() async throws {
        let failures = await PluginConformance.check(WrongRows.registryEntry, on: try await Self.words())
        #expect(failures.contains(.init(check: "rows kept", reason: "a reducer gave 119 rows for 120")))
    }

    @Test func aReducerThatWritesNaNFails() async throws {
        let failures = await PluginConformance.check(WritesNaN.registryEntry, on: try await Self.words())
        #expect(failures.contains(.init(check: "finite output", reason: "the output has NaN or infinite values")))
    }
}
