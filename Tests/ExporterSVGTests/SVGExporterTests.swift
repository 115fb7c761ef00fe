import ExporterSVG
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import OrreryCore
import OrreryViews
import OrreryTesting
import Testing

@Suite struct SVGExporterTests {
    /// The real Iris (bundled) on two of its columns, named as a custom axis with quality notes.
    static func iris() throws -> Embedding {
        let dir = Fixtures.workflowsDirectory.appendingPathComponent("data/iris")
        let m = try TensorFiles.readBytes(Data(contentsOf: dir.appendingPathComponent("iris_tensors.bytes")), shape: [150, 4], path: "iris")
        let meta = try MetadataTSV.read(contentsOf: dir.appendingPathComponent("iris_labels.tsv"), path: "labels")
        let root = Embedding(vectors: m, metadata: meta)
        var notes = Notes()
        notes.set("reducer", "reducer.custom-axis")
        notes.set("trustworthiness@10", 0.9312)
        notes.set("knn-recall@10", 0.4125)
        notes.set("quality-sample", 150)
        return root.projected(to: m.selecting(columns: [2, 3]), axes: ["linear-x", "linear-y"], notes: notes,
                              projection: .custom([.init(from: .label("worst"), to: .label("best")), nil]))
    }

    static func export(_ e: Embedding, _ p: SVGExporter.Parameters, selection: Embedding? = nil) async throws -> (URL, String) {
        let out = Fixtures.temporaryDirectory()
        var ports: [String: [StepValue]] = ["input": [.embedding(e)]]
        if let selection { ports["selection"] = [.embedding(selection)] }
        _ = try await SVGExporter.export(StepInputs(ports), p, context: .testing(output: out))
        let url = out.appendingPathComponent(p.path)
        return (url, try String(contentsOf: url, encoding: .utf8))
    }

    @Test func plotHasPointsLegendAxisTitlesAndCaption() async throws {
        var p = SVGExporter.Parameters()
        p.colorBy = "class"
        p.labels = "none"
        p.title = "Iris petals"
        let e = try Self.iris()
        let (_, svg) = try await Self.export(e, p, selection: e.subset([0, 100]))
        #expect(svg.components(separatedBy: "<circle cx=").count - 1 == 150 + 3)   // points + 3 legend dots
        #expect(svg.contains(">worst → best</text>"))
        #expect(svg.contains(">random direction</text>"))
        // Okabe–Ito, one colour per class, in order of appearance.
        #expect(svg.contains("fill=\"#E69F00\"/><text x=\"806\" y=\"78\">Iris-setosa</text>") || svg.contains(">Iris-setosa</text>"))
        #expect(svg.components(separatedBy: "fill=\"#56B4E9\"><title>").count - 1 == 50)
        #expect(svg.contains("Quality: trustworthiness@10 = 0.9312, knn-recall@10 = 0.4125, quality-sample = 150"))
        // Only the two selected points are labelled.
        let labels = svg.components(separatedBy: "<g class=\"labels\"")[1].components(separatedBy: "</g>")[0]
        #expect(labels.components(separatedBy: "<text").count - 1 == 2)
        // Well-formed XML.
        let doc = try XMLDocument(data: Data(svg.utf8))
        #expect(doc.rootElement()?.name == "svg")
    }

    @Test func extremesLabelTheEndsOfEachAxis() throws {
        let e = Fixtures.embedding([("a", [0, 5]), ("b", [1, 1]), ("c", [2, 2]), ("d", [3, 3]), ("e", [9, -4])])
        let chosen = PlotLayout.extremes(e.vectors, columns: [0, 1], count: 1)
        #expect(chosen == [0, 4])   // a: min x, max y; e: max x, min y
        var p = SVGExporter.Parameters()
        p.labels = "extremes 1"
        let svg = try SVGExporter.render(e, p, selection: nil).svg
        #expect(svg.contains(">a</text>") && svg.contains(">e</text>") && !svg.contains(">c</text>"))
    }

    @Test func numericColumnGetsAGradient() throws {
        let e = try Self.iris()
        var p = SVGExporter.Parameters()
        p.colorBy = "petal-length"
        let svg = try SVGExporter.render(e, p, selection: nil).svg
        #expect(svg.contains("linearGradient id=\"viridis\""))
        // The smallest petal length is darkest (viridis 0 = #440154), the largest brightest (#FDE725).
        #expect(svg.contains("fill=\"#440154\"") && svg.contains("fill=\"#FDE725\""))
    }

    @Test func badLabelRuleIsRejected() throws {
        do {
            _ = try SVGExporter.Parameters.yaml("{ labels: extremes }")
            Issue.record("accepted 'extremes'")
        } catch let d as WorkflowDiagnostics {
            #expect(d.diagnostics.map(\.problem) == [.invalidValue(parameter: "labels", reason: "'extremes' is not 'all', 'none' or 'extremes N' (N ≥ 1)")])
        }
    }

    @Test func chromiumRendersThePlot() async throws {
        var p = SVGExporter.Parameters()
        p.colorBy = "class"
        p.title = "Iris: petal length and width"
        let (url, _) = try await Self.export(try Self.iris(), p)
        let shot = BrowserCheck.screenshots.appendingPathComponent("svg-iris.png")
        let (status, output) = BrowserCheck.run(["svg", url.path, "150", shot.path])
        if status == 77 { print("skipping browser check: \(output)"); return }
        print(output)
        #expect(status == 0, "\(output)")
    }
}
