import Foundation
import OrreryCore
import OrreryPlugins
import OrreryTesting
import Testing

/// Names that point elsewhere — a metric plugin, a /regex/ term, an exporter's path, a plugin id —
/// are checked by `orrery validate`, before any loader runs, each at its line and column.
@Suite struct ValidateBeforeWorkTests {
    func problems(_ yaml: String) -> [String] {
        let result = WorkflowLoader.parse(yaml, path: "w.yaml", directory: Fixtures.workflowsDirectory)
            .flatMap { WorkflowValidator.validate($0, registry: .builtIn) }
        guard case .failure(let d) = result else { return [] }
        return d.diagnostics.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.problem.description)" }
    }

    @Test func namesAreCheckedAtValidation() {
        let found = problems("""
            orrery: 1
            name: late
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              near:
                uses: selector.neighbors
                from: glove
                with: { of: "/(poli/", k: 0, metric: cosin }
              axis:
                uses: reducer.custom-axis
                from: near
                with: { x: { from: worst, to: "/[/" } }
              layout:
                uses: tsne
                from: near
              table:
                uses: exporter.tsv
                from: axis
                with: { path: ../../escaped.tsv }
            """)
        #expect(found == [
            "10:17 invalid value for 'of': '/(poli/' is not a valid regular expression (write a plain label, or a regex such as /^bad$/)",
            "10:31 invalid value for 'k': must be at least 1, got 0",
            "10:42 invalid value for 'metric': no metric 'cosin'; did you mean 'cosine'?; known metrics: cosine, angle, euclidean, dot",
            "14:35 invalid value for 'x.to': '/[/' is not a valid regular expression (write a plain label, or a regex such as /^bad$/)",
            "16:11 unknown plugin 'tsne'; did you mean 'reducer.tsne'?",
            "21:19 invalid value for 'path': goes up with '..'; exporter paths must stay inside the output folder",
        ])
    }

    @Test func aCustomAxisBetweenOneWordAndItselfIsRefused() {
        let found = problems("""
            orrery: 1
            name: flat
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              axis:
                uses: reducer.custom-axis
                from: glove
                with: { x: { from: good, to: good } }
            """)
        #expect(found == ["10:34 invalid value for 'x.to': is the same term as x.from ('good'): the axis would be zero for every point; name two different ends"])
    }
}
