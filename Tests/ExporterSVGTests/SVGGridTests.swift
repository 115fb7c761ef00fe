import ExporterSVG
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import OrreryCore
import OrreryViews
import OrreryTesting
import Testing

/// Small multiples: several inputs draw a grid of panels with one legend.
@Suite struct SVGGridTests {
    /// A t-SNE-like layout of 30 points in three classes, made with `perplexity` and `seed`, with
    /// its coordinates multiplied by `scale`.
    static func layout(perplexity: Double, seed: UInt64, scale: Float = 1, umap: Bool = false) -> Embedding {
        let base = Fixtures.random(rows: 30, columns: 2, seed: seed)
        let classes = (0..<30).map { ["zero", "one", "two"][$0 % 3] }
        let root = Embedding(vectors: base.vectors, metadata: MetadataTable(count: 30, columns: [
            .init(name: "label", values: (0..<30).map { "p\($0)" }), .init(name: "digit", values: classes)]))
        var parameters = Notes()
        var notes = Notes()
        if umap {
            parameters.set("n-neighbors", 15.0)
            notes.set("n-neighbors", 15.0)
        } else {
            parameters.set("perplexity", perplexity)
            parameters.set("iterations", 400.0)
            notes.set("perplexity", perplexity)
            notes.set("iterations", 400.0)
        }
        notes.set("seed", Double(seed))
        notes.set("trustworthiness@10", 0.9512 + Double(seed) / 1000)
        notes.set("knn-recall@10", 0.4)
        let m = Matrix(rows: 30, columns: 2, storage: base.vectors.storage.map { $0 * scale })
        return root.projected(to: m, axes: umap ? ["umap-0", "umap-1"] : ["tsne-0", "tsne-1"], notes: notes,
                              projection: umap ? .umap(dimensions: 2, parameters: parameters) : .tsne(dimensions: 2, parameters: parameters))
    }

    static func sweep() -> [Embedding] {
        [5.0, 30, 50].flatMap { p in [UInt64(1), 2].map { layout(perplexity: p, seed: $0, scale: Float(p)) } }
    }

    static func export(_ panels: [Embedding], _ p: SVGExporter.Parameters) async throws -> (URL, String) {
        let out = Fixtures.temporaryDirectory()
        _ = try await SVGExporter.export(StepInputs(["input": panels.map { .embedding($0) }]), p, context: .testing(output: out))
        let url = out.appendingPathComponent(p.path)
        return (url, try String(contentsOf: url, encoding: .utf8))
    }

    @Test func panelsAreTitledByTheValuesThatVary() {
        let titles = PanelTitles.titles(Self.sweep())
        #expect(titles == ["perplexity 5 · seed 1", "perplexity 5 · seed 2", "perplexity 30 · seed 1",
                           "perplexity 30 · seed 2", "perplexity 50 · seed 1", "perplexity 50 · seed 2"])
        let mixed = PanelTitles.titles(Array(Self.sweep().prefix(2)) + [Self.layout(perplexity: 0, seed: 1, umap: true)])
        #expect(mixed == ["t-SNE · seed 1", "t-SNE · seed 2", "UMAP"])
        #expect(PanelTitles.quality(Self.layout(perplexity: 5, seed: 1)) == "trustworthiness 0.952 · recall 0.400")
        // The runner's sweep note wins: it names a swept key the method does not list (here `init`).
        var noted = Array(Self.sweep().prefix(2))
        noted[0].notes.set("sweep", "init random")
        noted[1].notes.set("sweep", "init pca")
        #expect(PanelTitles.titles(noted + [Self.layout(perplexity: 0, seed: 1, umap: true)])
                == ["t-SNE · init random", "t-SNE · init pca", "UMAP"])
    }

    @Test func gridHasOnePanelPerInputOneLegendAndOneColourPerClass() async throws {
        var p = SVGExporter.Parameters()
        p.path = "grid.svg"
        p.colorBy = "digit"
        p.labels = "none"
        p.columns = 3
        let (_, svg) = try await Self.export(Self.sweep(), p)
        let doc = try XMLDocument(data: Data(svg.utf8))
        let panels = try doc.nodes(forXPath: "//*[local-name()='g'][@class='panel']")
        #expect(panels.count == 6)
        #expect(try doc.nodes(forXPath: "//*[local-name()='g'][@class='legend']").count == 1)
        let titles = try doc.nodes(forXPath: "//*[local-name()='text'][@class='panel-title']").map { $0.stringValue ?? "" }
        #expect(titles.first == "perplexity 5 · seed 1" && titles.count == 6)
        let quality = try doc.nodes(forXPath: "//*[local-name()='text'][@class='panel-quality']").map { $0.stringValue ?? "" }
        #expect(quality.first == "trustworthiness 0.952 · recall 0.400")
        // Every class has one colour across panels: 'zero' (rows 0, 3, …) is the palette's first.
        let zeroFill = "fill=\"\(PointColors.categorical[0])\"><title>p0</title>"
        #expect(svg.components(separatedBy: zeroFill).count - 1 == 6)
        // 3 columns × 2 rows; panels do not overlap and all lie inside the figure.
        let frames = svg.components(separatedBy: "<rect class=\"frame\" ").dropFirst().map { part -> LabelLayout.Box in
            func v(_ a: String) -> Double {
                Double(part.components(separatedBy: a + "=\"").dropFirst().first?.prefix { $0 != "\"" } ?? "") ?? .nan
            }
            return LabelLayout.Box(x: v("x"), y: v("y"), width: v("width"), height: v("height"))
        }
        #expect(frames.count == 6)
        #expect(Set(frames.map(\.y)).count == 2 && Set(frames.map(\.x)).count == 3)
        for (i, a) in frames.enumerated() { for b in frames[(i + 1)...] { #expect(!a.intersects(b)) } }
        let width = Double(svg.components(separatedBy: "width=\"")[1].prefix { $0 != "\"" }) ?? 0
        #expect(frames.allSatisfy { $0.maxX < width })
    }

    @Test func sharedScalesGiveEveryPanelTheSameTicks() async throws {
        var p = SVGExporter.Parameters()
        p.path = "grid.svg"
        p.labels = "none"
        func tickTexts(_ svg: String) throws -> [[String]] {
            let doc = try XMLDocument(data: Data(svg.utf8))
            return try doc.nodes(forXPath: "//*[local-name()='g'][@class='panel']").map { panel in
                try panel.nodes(forXPath: ".//*[local-name()='g'][@class='axes']/*[local-name()='text']").map { $0.stringValue ?? "" }
            }
        }
        let free = try tickTexts(try await Self.export(Self.sweep(), p).1)
        #expect(Set(free).count > 1, "free panels fit their own ranges (scales 5 to 50)")
        p.scales = .shared
        let shared = try tickTexts(try await Self.export(Self.sweep(), p).1)
        #expect(Set(shared).count == 1 && shared.count == 6)
    }

    @Test func oneInputStillDrawsTheSinglePlot() async throws {
        var p = SVGExporter.Parameters()
        p.path = "one.svg"
        let (_, svg) = try await Self.export([Self.layout(perplexity: 5, seed: 1)], p)
        #expect(!svg.contains("class=\"panel\"") && svg.contains("class=\"frame\""))
    }

    @Test func chromiumDrawsTheGrid() async throws {
        var p = SVGExporter.Parameters()
        p.path = "grid.svg"
        p.colorBy = "digit"
        let (url, _) = try await Self.export(Self.sweep(), p)
        let shot = BrowserCheck.screenshots.appendingPathComponent("svg-grid.png")
        let (status, output) = BrowserCheck.run(["svg", url.path, String(6 * 30), shot.path])
        if status == 77 { print("skipping browser check: \(output)"); return }
        #expect(status == 0, "\(output)")
    }

    @Test func pngIsTheSameFigureAtTheChosenSizeAndDPI() async throws {
        // One point: it sits at the centre of the frame (70 + 100, 20 + 100 in SVG px).
        let e = Fixtures.embedding([("only", [3, 4])])
        var p = SVGExporter.Parameters()
        p.path = "one.svg"
        p.png = "one.png"
        p.width = 200
        p.height = 200
        p.pointSize = 12
        p.labels = "none"
        p.caption = .off
        p.dpi = 192
        let out = Fixtures.temporaryDirectory()
        let result = try await SVGExporter.export(StepInputs(["input": [.embedding(e)]]), p, context: .testing(output: out))
        #expect(result.files == ["one.svg", "one.png"])
        let svg = try String(contentsOf: out.appendingPathComponent("one.svg"), encoding: .utf8)
        #expect(svg.contains("width=\"290\" height=\"284\""))
        // × 2 (192 dpi / 96): 580 × 568; the point's centre is blue, a corner white.
        guard let probe = try PNGProbe.read(out.appendingPathComponent("one.png"), points: [(340, 240), (4, 4)]) else {
            print("skipping: python3 is missing"); return
        }
        #expect(probe.width == 580 && probe.height == 568)
        #expect(abs((probe.dpi ?? 0) - 192) < 0.1)
        #expect(probe.pixels == [[0, 0x72, 0xB2], [255, 255, 255]])
        // png-width wins over dpi for the size.
        p.pngWidth = 145
        _ = try await SVGExporter.export(StepInputs(["input": [.embedding(e)]]), p, context: .testing(output: out))
        let half = try #require(try PNGProbe.read(out.appendingPathComponent("one.png"), points: [(85, 60)]))
        #expect(half.width == 145 && half.height == 142 && half.pixels == [[0, 0x72, 0xB2]])
    }
}
