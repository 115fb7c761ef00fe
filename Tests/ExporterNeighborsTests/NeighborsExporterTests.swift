import ExporterNeighbors
import Foundation
import OrreryCore
import OrreryTesting
import Testing

@Suite struct NeighborsExporterTests {
    func lists() -> Neighbors {
        let e = Fixtures.embedding([("blue", [1, 0]), ("red", [1, 1]), ("yellow", [0, 1])])
        return Neighbors(metric: "metric.angle", unit: "°", embedding: e, queries: [0, 2], k: 2,
                         indices: [1, 2, 1, 0], distances: [45, 90, 44.96, 90])
    }

    @Test func textFormHasTheProjectorStyle() async throws {
        let out = Fixtures.temporaryDirectory()
        let r = try await NeighborsExporter.export(StepInputs(["input": [.neighbors(lists())]]),
                                                   .with { $0.path = "n.txt" }, context: .testing(output: out))
        let expected = "blue: (red, 45.0°), (yellow, 90.0°)\nyellow: (red, 45.0°), (blue, 90.0°)"
        #expect(r.report == expected)
        #expect(try String(contentsOf: out.appendingPathComponent("n.txt"), encoding: .utf8) == expected + "\n")
    }

    @Test func tsvFormIsChosenByExtension() async throws {
        let out = Fixtures.temporaryDirectory()
        _ = try await NeighborsExporter.export(StepInputs(["input": [.neighbors(lists())]]),
                                               .with { $0.path = "n.tsv" }, context: .testing(output: out))
        let text = try String(contentsOf: out.appendingPathComponent("n.tsv"), encoding: .utf8)
        #expect(text.split(separator: "\n").first == "query\trank\tneighbor\tdistance")
        #expect(text.split(separator: "\n").count == 5)
        #expect(text.contains("yellow\t1\tred\t44.96"))
    }

    @Test func numberTextRounds() {
        #expect(NumberText.fixed(47.55, 1) == "47.6" || NumberText.fixed(47.55, 1) == "47.5")
        #expect(NumberText.fixed(-0.04, 1) == "0.0")
        #expect(NumberText.fixed(-1.25, 2) == "-1.25")
        #expect(NumberText.fixed(3, 0) == "3")
    }
}
