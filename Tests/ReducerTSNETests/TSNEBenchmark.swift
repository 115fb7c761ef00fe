import Foundation
import OrreryCore
import OrreryTesting
import ReducerTSNE
import Testing

/// A timing run, skipped unless `ORRERY_TSNE_BENCH` is set (to the number of rows of the bundled
/// GloVe to use). Build in release for meaningful numbers:
/// `swift build -c release -Xswiftc -enable-testing --build-tests`, then
/// `ORRERY_TSNE_BENCH=10000 swift test -c release -Xswiftc -enable-testing --skip-build --filter TSNEBenchmark`.
/// Optional: `ORRERY_TSNE_BENCH_METRIC` (euclidean, default, as scikit-learn), `ORRERY_TSNE_BENCH_DIMS`,
/// `ORRERY_TSNE_BENCH_OUT` (a path to write the layout as .npy).
@Suite struct TSNEBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["ORRERY_TSNE_BENCH"] != nil))
    func gloveTiming() throws {
        let env = ProcessInfo.processInfo.environment
        let rows = Int(env["ORRERY_TSNE_BENCH"] ?? "") ?? 10_000
        let url = Fixtures.workflowsDirectory.appendingPathComponent("data/glove.6B.50d.top50k.npy")
        let all = try NPYFormat.read(try Data(contentsOf: url), path: url.path)
        let points = all.selecting(rows: Array(0..<min(rows, all.rows)))
        var c = TSNE.Configuration(dims: Int(env["ORRERY_TSNE_BENCH_DIMS"] ?? "") ?? 2)
        c.measure = env["ORRERY_TSNE_BENCH_METRIC"] == "cosine" ? .cosine : .euclidean
        if let m = env["ORRERY_TSNE_BENCH_METHOD"] { c.method = TSNE.Method(rawValue: m) }
        if let it = env["ORRERY_TSNE_BENCH_ITERATIONS"].flatMap(Int.init) { c.iterations = it }
        let clock = ContinuousClock()
        let start = clock.now
        var lines: [String] = []
        let result = try TSNE.run(points, c) { iteration, kl in
            if let kl { lines.append("\(iteration) KL \(kl) at \(clock.now - start)") }
        }
        let elapsed = clock.now - start
        let report = lines.joined(separator: "\n")
            + "\nn=\(points.rows) dims=\(c.dims) method=\(result.method.rawValue) time=\(elapsed) KL=\(result.klDivergence)"
            + " nnz(P)=\(result.affinityEntries) rate=\(result.learningRate)\n"
        FileHandle.standardError.write(Data(report.utf8))
        if let out = env["ORRERY_TSNE_BENCH_OUT"] {
            try NPYFormat.write(result.layout).write(to: URL(fileURLWithPath: out))
        }
        #expect(result.klDivergence.isFinite)
    }
}
