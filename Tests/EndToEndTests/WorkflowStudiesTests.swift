import Foundation
import OrreryCore
import OrreryViews
import OrreryPlugins
import OrreryTesting
import Testing

/// Every `Workflows/*.yaml` runs here, and each has its result checked.
@Suite struct WorkflowStudiesTests {
    /// Workflow file name → the checks of its results.
    static let checks: [String: @Sendable (Harness.Result) async throws -> Void] = [
        "politics-best-worst.yaml": checkPoliticsBestWorst,
        "colour-neighbours.yaml": checkColourNeighbours,
        "glove-pca.yaml": checkGlovePCA,
        "iris-projector.yaml": checkIrisProjector,
        "checkpoint-projector.yaml": checkCheckpointProjector,
        "digits-atlas.yaml": checkDigitsAtlas,
        "digits-tsne.yaml": checkDigitsTSNE,
        "politics-isolate-tsne.yaml": checkPoliticsIsolateTSNE,
        "digits-sweep.yaml": checkDigitsSweep,
    ]

    static var workflowFiles: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.workflowsDirectory.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func everyWorkflowHasChecks() {
        let unchecked = Self.workflowFiles.filter { Self.checks[$0] == nil }
        #expect(unchecked.isEmpty, "workflows without checks: \(unchecked)")
        #expect(Self.workflowFiles.count >= 2)
    }

    @Test(arguments: workflowFiles)
    func workflowRunsAndItsResultsHold(_ file: String) async throws {
        let result = try await Harness.run(path: Fixtures.workflowsDirectory.appendingPathComponent(file).path)
        let check = try #require(Self.checks[file])
        try await check(result)
    }

    /// The checkpoint's variable equals the bundled GloVe rows it was saved from; the Projector
    /// folder holds both tensors; the figure was drawn.
    static func checkCheckpointProjector(_ r: Harness.Result) async throws {
        let words = try r.embedding("words")
        #expect(words.count == 1000 && words.dimensions == 50 && words.label(0) == "the")
        let glove = try NPYFormat.read(Data(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("data/glove.6B.50d.top50k.npy")), path: "g")
        #expect(words.vectors.row(0) == glove.row(0) && words.vectors.row(999) == glove.row(999))
        let folder = r.output.appendingPathComponent("checkpoint-projector")
        let config = try ProjectorConfig.parse(pbtxt: String(contentsOf: folder.appendingPathComponent("projector_config.pbtxt"), encoding: .utf8), path: "c")
        #expect(config.embeddings.map(\.tensorShape) == [[1000, 50], [1000, 3]])
        let svg = try r.text("checkpoint-pca.svg")
        #expect(svg.contains("<svg") && svg.contains("PCA 1 ("))
    }

    static func checkPoliticsBestWorst(_ r: Harness.Result) async throws {
        let e = try r.embedding("best-worst")
        #expect(e.count == 101 && e.axes == ["linear-x", "linear-y"])
        #expect(e.label(0) == "politics")
        // The table is sorted by linear-x and its values equal the reducer's.
        let lines = try r.text("politics-best-worst.tsv").split(separator: "\n")
        #expect(lines.first == "label\tcosine-distance\tlinear-x\tlinear-y")
        #expect(lines.count == 102)
        let xs = lines.dropFirst().map { Float($0.split(separator: "\t")[2]) ?? .nan }
        #expect(xs == xs.sorted())
        #expect(Set(xs) == Set(e.vectors.column(0)))
        // The printed summary names the 10 lowest and 10 highest words, in order.
        let report = try #require(r.reports.first { $0.hasPrefix("lowest 10 on linear-x (worst → best)") })
        let order = (0..<e.count).sorted { e.vectors[$0, 0] < e.vectors[$1, 0] }
        let lowest = order.prefix(10).map { e.label($0) }
        let highest = order.suffix(10).reversed().map { e.label($0) }
        let reportWords = report.split(separator: "\n").filter { $0.hasPrefix("  ") }
            .map { String($0.split(separator: " ")[1]) }
        #expect(reportWords == lowest + highest)
        // The figure labels every point it can, no two labels overlap, none leaves the frame.
        let svg = try r.text("politics-best-worst.svg")
        let figure = try #require(Self.figureLabels(svg))
        #expect(figure.labels.count >= 90, "only \(figure.labels.count) of 101 labels drawn")
        let boxes = figure.labels.map { LabelLayout.box($0.text, x: $0.x, baseline: $0.y, fontSize: SVGLabelFont) }
        for (i, b) in boxes.enumerated() {
            #expect(b.isInside(figure.frame), "'\(figure.labels[i].text)' leaves the frame")
            for j in (i + 1)..<boxes.count where b.intersects(boxes[j]) {
                Issue.record("'\(figure.labels[i].text)' overlaps '\(figure.labels[j].text)'")
            }
        }
        let dropped = 101 - figure.labels.count
        #expect(r.reports.contains { $0.hasPrefix("101 points, \(101 - dropped) labels") })
        // Titles a reader understands.
        #expect(svg.contains("class=\"x-title\"") && svg.contains(">worst → best</text>") && svg.contains(">random direction</text>"))
    }

    /// The font size exporter.svg draws labels at.
    static let SVGLabelFont = 11.0

    /// The frame and the labels (text, x, baseline) of an exporter.svg figure.
    static func figureLabels(_ svg: String) -> (frame: LabelLayout.Box, labels: [(text: String, x: Double, y: Double)])? {
        func number(_ s: Substring, _ attribute: String) -> Double? {
            guard let r = s.range(of: " \(attribute)=\"") else { return nil }
            return Double(s[r.upperBound...].prefix { $0 != "\"" })
        }
        guard let f = svg.range(of: "<rect class=\"frame\"") else { return nil }
        let frameTag = svg[f.lowerBound...].prefix { $0 != ">" }
        guard let fx = number(frameTag, "x"), let fy = number(frameTag, "y"),
              let fw = number(frameTag, "width"), let fh = number(frameTag, "height") else { return nil }
        var labels: [(text: String, x: Double, y: Double)] = []
        if let g = svg.range(of: "<g class=\"labels\"") {
            let group = svg[g.upperBound...].prefix(while: { _ in true })
            let body = group[..<(group.range(of: "</g>")?.lowerBound ?? group.endIndex)]
            for line in body.split(separator: "\n") where line.hasPrefix("<text ") {
                guard let x = number(line, "x"), let y = number(line, "y"),
                      let open = line.firstIndex(of: ">"), let close = line.range(of: "</text>") else { continue }
                let text = String(line[line.index(after: open)..<close.lowerBound])
                    .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                    .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
                labels.append((text, x, y))
            }
        }
        return (LabelLayout.Box(x: fx, y: fy, width: fw, height: fh), labels)
    }

    static func checkGlovePCA(_ r: Harness.Result) async throws {
        let e = try r.embedding("pca")
        #expect(e.count == 10_000 && e.axes == (0..<10).map { "pca-\($0)" })
        // numpy: float64 SVD of the centred first 10,000 rows, s**2 / (s**2).sum() (see PrincipalComponentsTests).
        let numpy = [0.07307203, 0.05996329, 0.05312575, 0.04555614, 0.0428847,
                     0.03495436, 0.03193681, 0.02990339, 0.02891242, 0.02841983]
        guard case .numbers(let ratios)? = e.notes["explained-variance-ratio"] else {
            Issue.record("no explained-variance-ratio note")
            return
        }
        #expect(ratios.count == 10)
        for (got, want) in zip(ratios, numpy) { #expect(abs(got - want) < 1e-4) }
        #expect(e.notes.number("quality-sample") == 5_000)
        let trust = try #require(e.notes.number("trustworthiness@10"))
        #expect(trust > 0.6 && trust < 0.8)
        // The table holds every word with the reducer's coordinates.
        let lines = try r.text("glove-pca.tsv").split(separator: "\n")
        #expect(lines.first == Substring((["label"] + e.axes).joined(separator: "\t")))
        #expect(lines.count == 10_001)
        let first = lines[1].split(separator: "\t")
        #expect(first.first == "the")
        #expect(first.dropFirst().map { Float($0) ?? .nan } == e.vectors.row(0))
    }

    static func checkColourNeighbours(_ r: Harness.Result) async throws {
        let n = try r.neighbors("angles")
        #expect(n.queries.map { n.embedding.label($0) } == ["blue", "blues", "orange", "oranges"])
        let text = try r.text("colour-neighbours.txt")
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        // Each printed angle equals acos(cos) of the raw vectors, to the printed decimal.
        for (q, line) in lines.enumerated() {
            let query = n.embedding.vectors.row(n.queries[q])
            var expected = n.embedding.label(n.queries[q]) + ": "
            expected += n.list(q).map { item in
                let angle = Reference.angleDegrees(query, n.embedding.vectors.row(item.row))
                return "(\(n.embedding.label(item.row)), \(NumberText.fixed(angle, 1))°)"
            }.joined(separator: ", ")
            #expect(String(line) == expected)
        }
        #expect(lines[0].hasPrefix("blue: (red, "))
        let tsv = try r.text("colour-neighbours.tsv").split(separator: "\n")
        #expect(tsv.count == 1 + 4 * 3)
    }

    static func checkIrisProjector(_ r: Harness.Result) async throws {
        let folder = r.output.appendingPathComponent("iris-projector")
        let config = try ProjectorConfig.parse(pbtxt: String(contentsOf: folder.appendingPathComponent("projector_config.pbtxt"), encoding: .utf8), path: "c")
        #expect(config.embeddings.map(\.tensorName) == ["Iris", "Iris PCA"])
        #expect(config.embeddings.map(\.tensorShape) == [[150, 4], [150, 3]])
        let states = try ProjectorState.decodeFile(Data(contentsOf: folder.appendingPathComponent(config.embeddings[0].bookmarksPath ?? "")), path: "b")
        #expect(states.count == 1 && states[0].selectedProjection == "pca" && states[0].projections.count == 150)
        // The PCA's first component carries most of Iris's variance (92.5% for the centred data).
        let pca = try TensorFiles.readTSV(Data(contentsOf: folder.appendingPathComponent(config.embeddings[1].tensorPath ?? "")), path: "t")
        let variance = (0..<3).map { j -> Float in
            let c = pca.column(j)
            let m = c.reduce(0, +) / 150
            return c.map { ($0 - m) * ($0 - m) }.reduce(0, +)
        }
        #expect(variance[0] / variance.reduce(0, +) > 0.9)
        let svg = try r.text("iris-pca.svg")
        #expect(svg.contains("Iris-versicolor") && svg.contains("PCA 1 ("))
    }

    static func checkDigitsAtlas(_ r: Harness.Result) async throws {
        let folder = r.output.appendingPathComponent("digits-projector")
        let config = try ProjectorConfig.parse(pbtxt: String(contentsOf: folder.appendingPathComponent("projector_config.pbtxt"), encoding: .utf8), path: "c")
        #expect(config.embeddings[0].sprite?.singleImageDim == [24, 24])
        #expect(config.embeddings[0].tensorShape == [1797, 64])
        let states = try ProjectorState.decodeFile(Data(contentsOf: folder.appendingPathComponent(config.embeddings[0].bookmarksPath ?? "")), path: "b")
        #expect(states.map(\.selectedProjection) == ["tsne"] && states[0].tSNEis3d == false)
        #expect(states[0].projections.count == 1797)
        for file in ["digits-tsne.svg", "digits-tsne.html", "digits-sprite.png"] {
            #expect(FileManager.default.fileExists(atPath: r.output.appendingPathComponent(file).path))
        }
        // The ten digit classes are categories: ten palette colours with swatches, no gradient;
        // the axis titles name the method, not the axis keys.
        let svg = try r.text("digits-tsne.svg")
        #expect(!svg.contains("linearGradient"))
        for (k, colour) in PointColors.categorical.prefix(10).enumerated() {
            #expect(svg.contains("fill=\"\(colour)\"/><text"), "no swatch for class \(k)")
        }
        #expect(svg.contains(">t-SNE 1</text>") && svg.contains(">t-SNE 2</text>"))
        let html = try r.text("digits-tsne.html")
        #expect(html.contains("\"continuous\":[false") && html.contains("\"axisTitles\":[\"t-SNE 1\",\"t-SNE 2\"]"))
    }

    /// The fraction of points whose nearest layout neighbour (Euclidean) has the same label.
    static func nearestLabelAgreement(_ e: Embedding) throws -> Double {
        var p = MetricParameters()
        p.k = 1
        let n = try MetricStep.run(.euclidean, p, on: e, context: .testing())
        let same = (0..<e.count).filter { e.label($0) == e.label(n.list($0)[0].row) }.count
        return Double(same) / Double(e.count)
    }

    /// The six combinations of the t-SNE matrix, in matrix order (first key slowest).
    static let digitsSweepIDs = [5, 30, 50].flatMap { p in [1, 2].map { "tsne[perplexity=\(p),seed=\($0)]" } }

    /// Each combination ran with its own perplexity and seed (seeds give different layouts, each
    /// good); the figure has one titled panel per layout and one legend; the PNG is the SVG at
    /// 1,600 px and 144 dpi; the page holds the seven views.
    static func checkDigitsSweep(_ r: Harness.Result) async throws {
        #expect(r.outcome.records.map(\.id) == ["digits"] + digitsSweepIDs + ["umap", "figure", "page"]
                || r.outcome.records.map(\.id) == ["digits"] + digitsSweepIDs + ["umap", "page", "figure"])
        var layouts: [Embedding] = []
        for (k, id) in digitsSweepIDs.enumerated() {
            let e = try r.embedding(id)
            #expect(e.count == 1797 && e.axes == ["tsne-0", "tsne-1"])
            #expect(e.notes.number("perplexity") == [5.0, 30, 50][k / 2])
            #expect(e.notes.number("seed") == Double(k % 2 + 1))
            #expect((e.notes.number("trustworthiness@10") ?? 0) >= 0.98, "\(id)")
            #expect(try nearestLabelAgreement(e) >= 0.85, "\(id)")
            layouts.append(e)
        }
        #expect(layouts[0].vectors != layouts[1].vectors, "the two seeds gave one layout")
        let record = try #require(r.outcome.records.first { $0.id == digitsSweepIDs[3] })
        #expect(record.seed == 2 && "\(record.parameters)".contains("30"))
        let svg = try r.text("digits-sweep.svg")
        let titles = svg.components(separatedBy: "class=\"panel-title\"").dropFirst().compactMap { part -> String? in
            guard let a = part.firstIndex(of: ">"), let b = part.firstIndex(of: "<") else { return nil }
            return String(part[part.index(after: a)..<b])
        }
        #expect(titles == [5, 30, 50].flatMap { p in [1, 2].map { "t-SNE · perplexity \(p) · seed \($0)" } } + ["UMAP"])
        #expect(svg.components(separatedBy: "class=\"legend\"").count == 2)
        #expect(svg.components(separatedBy: "class=\"panel-quality\"").count == 8)
        let width = try #require(Double(svg.components(separatedBy: "width=\"")[1].prefix { $0 != "\"" }))
        let height = try #require(Double(svg.components(separatedBy: "height=\"")[1].prefix { $0 != "\"" }))
        let png = try #require(try PNGProbe.read(r.output.appendingPathComponent("digits-sweep.png"), points: [(2, 2)]))
        #expect(png.width == 1600 && png.height == Int((height * 1600 / width).rounded()))
        #expect(abs((png.dpi ?? 0) - 144) < 0.1 && png.pixels == [[255, 255, 255]])
        let html = try r.text("digits-sweep.html")
        #expect(html.components(separatedBy: "\"coords\":[").count == 1 + 1 + 7)
        #expect(html.contains("\"title\":\"t-SNE · perplexity 50 · seed 2\""))
    }

    static func checkDigitsTSNE(_ r: Harness.Result) async throws {
        let e = try r.embedding("tsne")
        #expect(e.count == 1797 && e.axes == ["tsne-0", "tsne-1"])
        #expect((e.notes.number("trustworthiness@10") ?? 0) >= 0.98)
        #expect(try nearestLabelAgreement(e) >= 0.9)
        let kl = try #require(e.notes.number("kl-divergence"))
        #expect(kl > 0 && kl < 2)
        let lines = try r.text("digits-tsne.tsv").split(separator: "\n")
        #expect(lines.count == 1798 && lines.first == "label\ttsne-0\ttsne-1")
    }

    static func checkPoliticsIsolateTSNE(_ r: Harness.Result) async throws {
        let pca = try r.embedding("pca"), tsne = try r.embedding("tsne")
        #expect(pca.count == 101 && pca.axes == ["pca-0", "pca-1", "pca-2"])
        #expect(tsne.count == 101 && tsne.axes == ["tsne-0", "tsne-1", "tsne-2"])
        // Both are projections of the isolated subset: same points, rows into the 50k root.
        #expect(pca.rows == tsne.rows && pca.root.count == 50_000)
        #expect(tsne.label(0) == "politics")
        #expect((tsne.notes.number("trustworthiness@10") ?? 0) > 0.85)
        #expect((pca.notes.number("explained-variance-total") ?? 0) > 0.1)
        #expect(try r.text("politics-isolate-tsne.tsv").split(separator: "\n").count == 102)
    }
}
