import Foundation
import OrreryCore
import OrreryPlugins
import OrreryTesting
import Testing

/// The two shipped Python plugins (Plugins/Process), run on real data when `.venv-plugins` exists
/// (`bash scripts/setup --test-tools`); otherwise skipped with the reason printed.
@Suite struct BundledProcessPluginTests {
    static let root = Fixtures.repositoryRoot.appendingPathComponent("Plugins/Process")

    static func manifest(_ folder: String, _ file: String) throws -> PluginManifest {
        try PluginManifest.load(path: root.appendingPathComponent(folder).appendingPathComponent(file).path).get()
    }

    @Test func isomapEqualsScikitLearnRunIndependently() async throws {
        guard Harness.venvHas("sklearn"), let python = Harness.venvPython else {
            print("skipped: .venv-plugins with scikit-learn is missing (bash scripts/setup --test-tools)")
            return
        }
        let m = try Self.manifest("Isomap", "isomap.orrery-plugin.yaml")
        let input = Fixtures.random(rows: 80, columns: 6, seed: 3)
        let out = try await Harness.run(m, on: input)
        #expect(out.count == 80 && out.dimensions == 2)
        #expect(out.axes == ["isomap-0", "isomap-1"])
        // The reference: the same input through sklearn directly, in a separate python.
        let dir = Fixtures.temporaryDirectory()
        try NPYFormat.write(input.vectors).write(to: dir.appendingPathComponent("x.npy"))
        let script = """
        import numpy as np, sys
        from sklearn.manifold import Isomap
        x = np.load(sys.argv[1]).astype(np.float64)
        y = Isomap(n_components=2, n_neighbors=5, metric='euclidean').fit_transform(x).astype(np.float32)
        print(' '.join(repr(float(v)) for v in y.ravel()))
        """
        let r = try Harness.python3([python, "-c", script, dir.appendingPathComponent("x.npy").path])
        let reference = r.output.split(separator: " ").compactMap { Float($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(reference.count == 160)
        let worst = zip(out.vectors.storage, reference).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-5)
    }

    @Test func umapLearnIsSeededAndPassesTheConformanceChecks() async throws {
        guard Harness.venvHas("umap") else {
            print("skipped: .venv-plugins with umap-learn is missing (bash scripts/setup --test-tools)")
            return
        }
        let m = try Self.manifest("UMAPLearn", "umap-learn.orrery-plugin.yaml")
        let glove = try await Bundled.glove()
        let input = glove.subset(Array(0..<300))
        let a = try await Harness.run(m, on: input, seed: 5)
        let b = try await Harness.run(m, on: input, seed: 5)
        let c = try await Harness.run(m, on: input, seed: 6)
        #expect(a.vectors == b.vectors)
        #expect(a.vectors != c.vectors)
        #expect(a.count == 300 && a.dimensions == 2 && a.vectors.firstNonFinite() == nil)
    }

    @Test func isomapPassesTheConformanceChecks() async throws {
        guard Harness.venvHas("sklearn") else {
            print("skipped: .venv-plugins with scikit-learn is missing (bash scripts/setup --test-tools)")
            return
        }
        let m = try Self.manifest("Isomap", "isomap.orrery-plugin.yaml")
        let failures = await PluginConformance.check(m.registryEntry, registry: .builtIn)
        #expect(failures == [])
    }
}
