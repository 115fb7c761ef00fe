import ExporterTSV
import Foundation
import OrreryCore
import OrreryTesting
import Testing

@Suite struct TSVExporterTests {
    func embedding() -> Embedding {
        var e = Fixtures.embedding([("a\tb", [1.5, -2]), ("c", [0.25, 3]), ("d", [-1, 0])])
        e.axes = ["linear-x", "linear-y"]
        e.metadata.set(.init(name: "kind", values: ["x", "y\nz", "w"]))
        return e
    }

    @Test func tableHasAHeaderMetadataAndCoordinatesSorted() async throws {
        let out = Fixtures.temporaryDirectory()
        var p = TSVExporter.Parameters.with { $0.path = "t.tsv" }
        p.sortBy = "linear-x"
        let r = try await TSVExporter.export(StepInputs(["input": [.embedding(embedding())]]), p,
                                             context: .testing(output: out))
        #expect(r.files == ["t.tsv"])
        let text = try String(contentsOf: out.appendingPathComponent("t.tsv"), encoding: .utf8)
        #expect(text == "label\tkind\tlinear-x\tlinear-y\nd\tw\t-1.0\t0.0\nc\ty z\t0.25\t3.0\na b\tx\t1.5\t-2.0\n")
    }

    @Test func projectorPairRoundTripsThroughTheMetadataReader() async throws {
        let out = Fixtures.temporaryDirectory()
        let events = WarningLog()
        let r = try await TSVExporter.export(StepInputs(["input": [.embedding(embedding())]]),
                                             .with { $0.path = "v.tsv"; $0.format = .projector },
                                             context: .testing(output: out, events: events.record))
        #expect(r.files == ["v.tsv", "v.metadata.tsv"])
        let tensor = try String(contentsOf: out.appendingPathComponent("v.tsv"), encoding: .utf8)
        let rows = tensor.split(separator: "\n").map { $0.split(separator: "\t").compactMap { Float(String($0)) } }
        #expect(rows == [[1.5, -2], [0.25, 3], [-1, 0]])
        let meta = try MetadataTSV.read(contentsOf: out.appendingPathComponent("v.metadata.tsv"), path: "m")
        #expect(meta.columnNames == ["label", "kind"])
        #expect(meta.column(named: "label")?.values == ["a b", "c", "d"])
        #expect(events.messages.count == 1)
    }

    @Test func unknownSortAxisNamesTheParameter() async {
        await #expect(throws: OrreryError.invalidParameter("sort-by", reason: "no axis 'pca-0'; axes: linear-x, linear-y")) {
            var p = TSVExporter.Parameters.with { $0.path = "t.tsv" }
            p.sortBy = "pca-0"
            _ = try await TSVExporter.export(StepInputs(["input": [.embedding(embedding())]]), p, context: .testing())
        }
    }
}
