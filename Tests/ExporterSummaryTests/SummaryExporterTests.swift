import ExporterSummary
import OrreryCore
import OrreryTesting
import Testing

@Suite struct SummaryExporterTests {
    @Test func listsTheLowestAndHighestAlongTheAxis() async throws {
        var e = Fixtures.embedding([("a", [3, 0]), ("b", [-1, 5]), ("c", [10, 1]), ("d", [0, 2])])
        e.axes = ["linear-x", "linear-y"]
        e.projection = .custom([.init(from: .label("worst"), to: .label("best")), nil])
        let r = try await SummaryExporter.export(StepInputs(["input": [.embedding(e)]]), .with { $0.count = 2 },
                                                 context: .testing())
        #expect(r.report == """
            lowest 2 on linear-x (worst → best):
              1. b  -1.000
              2. d  0.000
            highest 2 on linear-x (worst → best):
              1. c  10.000
              2. a  3.000
            """)
    }
}
