import ExporterHTML
import Foundation
import OrreryCore
import OrreryTesting
import OrreryViews
import Testing

@Suite struct HTMLExporterTests {
    /// 200 random 8-D points (original space) drawn on two of their columns, with a category column.
    static func sample() -> Embedding {
        let raw = Fixtures.random(rows: 200, columns: 8, seed: 11)
        var meta = raw.metadata
        meta.set(.init(name: "group", values: (0..<200).map { "g\($0 % 3)" }))
        let root = Embedding(vectors: raw.vectors, metadata: meta)
        return root.projected(to: root.vectors.selecting(columns: [0, 1]), axes: ["pca-0", "pca-1"], notes: Notes())
    }

    static func export(_ e: Embedding, _ p: HTMLExporter.Parameters) async throws -> (URL, String) {
        let out = Fixtures.temporaryDirectory()
        _ = try await HTMLExporter.export(StepInputs(["input": [.embedding(e)]]), p, context: .testing(output: out))
        let url = out.appendingPathComponent(p.path)
        return (url, try String(contentsOf: url, encoding: .utf8))
    }

    static func data(_ html: String) throws -> [String: Any] {
        guard let a = html.range(of: "<script type=\"application/json\" id=\"data\">"),
              let b = html.range(of: "</script>", range: a.upperBound..<html.endIndex) else { throw OrreryError.cancelled }
        return try JSONSerialization.jsonObject(with: Data(html[a.upperBound..<b.lowerBound].utf8)) as? [String: Any] ?? [:]
    }

    @Test func pageIsSelfContainedAndEmbedsNeighboursOfTheOriginalSpace() async throws {
        let e = Self.sample()
        var p = HTMLExporter.Parameters()
        p.neighbors = 5
        p.colorBy = "group"
        let (_, html) = try await Self.export(e, p)
        #expect(!html.contains("http:") && !html.contains("https:") && !html.contains("<link") && !html.contains(" src="))
        let d = try Self.data(html)
        #expect(d["n"] as? Int == 200 && d["dims"] as? Int == 2 && d["k"] as? Int == 5)
        let nbr = d["nbr"] as? [Int] ?? [], dist = d["dist"] as? [Int] ?? [], angle = d["angle"] as? [Int] ?? []
        // Brute force over the ORIGINAL 8-D vectors (not the two drawn columns).
        let x = e.root.vectors
        for q in [0, 57, 199] {
            let ranked = (0..<200).filter { $0 != q }.map { j in (j, DistanceMeasure.cosine.distance(x.row(q), x.row(j))) }
                .sorted { $0.1 < $1.1 }.prefix(5)
            #expect(Array(nbr[(q * 5)..<(q * 5 + 5)]) == ranked.map(\.0))
            for (k, r) in ranked.enumerated() {
                #expect(abs(Double(dist[q * 5 + k]) / 1e4 - Double(r.1)) < 2e-4)
                let degrees = acos(1 - Double(r.1)) * 180 / Double.pi
                #expect(abs(Double(angle[q * 5 + k]) / 100 - degrees) < 0.02)
            }
        }
        #expect(d["axisTitles"] as? [String] == ["pca-0", "pca-1"])
    }

    /// Above `max-points` the page keeps the seeded sample every exporter keeps for the seed, says
    /// so, and lists neighbours among the kept points (brute force over them).
    @Test func aLargeViewKeepsASeededSample() async throws {
        let e = Self.sample()
        var p = HTMLExporter.Parameters()
        p.maxPoints = 50
        p.neighbors = 3
        let out = Fixtures.temporaryDirectory()
        let warnings = WarningLog()
        _ = try await HTMLExporter.export(StepInputs(["input": [.embedding(e)]]), p,
                                          context: .testing(seed: 5, output: out, events: warnings.record))
        #expect(warnings.messages == ["200 points: the page keeps a seeded sample of 50 (max-points), and lists neighbours among them"])
        let d = try Self.data(try String(contentsOf: out.appendingPathComponent(p.path), encoding: .utf8))
        let kept = SeededSample.positions(e, keep: 50, seed: 5)
        #expect(d["n"] as? Int == 50)
        #expect((d["values"] as? [[String]])?.first == kept.map { e.label($0) })
        let nbr = d["nbr"] as? [Int] ?? []
        let x = e.root.vectors
        let ranked = (1..<50).map { j in (j, DistanceMeasure.cosine.distance(x.row(kept[0]), x.row(kept[j]))) }
            .sorted { $0.1 < $1.1 }.prefix(3)
        #expect(Array(nbr.prefix(3)) == ranked.map(\.0))
    }

    @Test func unknownColumnNamesTheParameter() async throws {
        var p = HTMLExporter.Parameters()
        p.colorBy = "colour"
        await #expect(throws: OrreryError.invalidParameter("color-by", reason: "no metadata column 'colour'; columns: label, group")) {
            _ = try await Self.export(Self.sample(), p)
        }
    }

    @Test func chromiumLoadsThePageSearchesAndDraws() async throws {
        var p = HTMLExporter.Parameters()
        p.colorBy = "group"
        p.neighbors = 5
        let (url, _) = try await Self.export(Self.sample(), p)
        let shot = BrowserCheck.screenshots.appendingPathComponent("html-200.png")
        // /^w1[0-9]$/ matches w10 … w19: rows 10 … 19.
        let (status, output) = BrowserCheck.run(["html", url.path, "/^w1[0-9]$/", "label", (10...19).map(String.init).joined(separator: ","), shot.path])
        if status == 77 { print("skipping browser check: \(output)"); return }
        print(output)
        #expect(status == 0, "\(output)")
    }

    @Test func chromiumStaysSmoothAtFiftyThousandPoints() async throws {
        let dir = Fixtures.workflowsDirectory.appendingPathComponent("data")
        let vectors = try NPYFormat.read(Data(contentsOf: dir.appendingPathComponent("glove.6B.50d.top50k.npy")), path: "glove")
        let words = try MetadataTSV.read(contentsOf: dir.appendingPathComponent("glove.6B.50d.top50k.words.tsv"), path: "words")
        let glove = Embedding(vectors: vectors, metadata: words)
        let e = glove.projected(to: vectors.selecting(columns: [0, 1, 2]), axes: ["pca-0", "pca-1", "pca-2"], notes: Notes())
        var p = HTMLExporter.Parameters()
        p.neighbors = 0   // the kNN of 50k points is slow in a debug build; the page's drawing does not depend on it
        let clock = ContinuousClock()
        let start = clock.now
        let (url, html) = try await Self.export(e, p)
        let exportTime = clock.now - start
        let expected = words.columns[0].values.indices.filter { words.columns[0].values[$0].hasPrefix("politic") }
        let shot = BrowserCheck.screenshots.appendingPathComponent("html-50k.png")
        let (status, output) = BrowserCheck.run(["html", url.path, "/^politic/", "label", expected.map(String.init).joined(separator: ","), shot.path])
        if status == 77 { print("skipping browser check: \(output)"); return }
        print("50,000 points: \(html.utf8.count / 1024) KiB, export \(exportTime)\n" + output)
        #expect(status == 0, "\(output)")
        if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("timings") }),
           let redraw = line.split(separator: " ").first(where: { $0.hasPrefix("redraw_ms=") }).flatMap({ Double($0.dropFirst(10)) }) {
            #expect(redraw < 100, "one redraw of 50,000 points took \(redraw) ms")
        }
    }

    /// Three layouts of the same 200 points (a sweep): the page holds each as a view, and
    /// Chromium shows the one the hash asks for.
    static func views() -> [Embedding] {
        let base = sample()
        return [0, 2, 4].map { (c: Int) -> Embedding in
            var notes = Notes()
            notes.set("perplexity", Double(c * 10 + 5))
            notes.set("trustworthiness@10", 0.9)
            var shown = Notes()
            shown.set("perplexity", Double(c * 10 + 5))
            return base.projected(to: base.root.vectors.selecting(columns: [c, c + 1]), axes: ["tsne-0", "tsne-1"], notes: notes,
                                  projection: .tsne(dimensions: 2, parameters: shown))
        }
    }

    @Test func severalInputsBecomeViewsOfOnePage() async throws {
        let out = Fixtures.temporaryDirectory()
        var p = HTMLExporter.Parameters()
        p.path = "views.html"
        p.colorBy = "group"
        p.neighbors = 3
        let result = try await HTMLExporter.export(StepInputs(["input": Self.views().map { .embedding($0) }]), p,
                                                   context: .testing(output: out))
        #expect(result.report?.contains("in 3 views") == true)
        let url = out.appendingPathComponent(p.path)
        let d = try Self.data(try String(contentsOf: url, encoding: .utf8))
        let views = d["views"] as? [[String: Any]] ?? []
        #expect(views.map { $0["title"] as? String ?? "" } == ["perplexity 5", "perplexity 25", "perplexity 45"])
        #expect(views.map { $0["quality"] as? String ?? "" } == ["trustworthiness 0.900", "trustworthiness 0.900", "trustworthiness 0.900"])
        // View 2 is columns 4 and 5, scaled like the page's first view (centre, one extent).
        let coords = views[2]["coords"] as? [[Int]] ?? []
        let x = Self.views()[2].vectors.column(0), y = Self.views()[2].vectors.column(1)
        let extent = max((x.max()! - x.min()!) / 2, (y.max()! - y.min()!) / 2)
        #expect(abs(Double(coords[0][7]) / 1e4 - Double((x[7] - (x.max()! + x.min()!) / 2) / extent)) < 2e-4)
        let shot = BrowserCheck.screenshots.appendingPathComponent("html-views.png")
        let (status, output) = BrowserCheck.run(["html", url.path, "/^w1[0-9]$/", "label", (10...19).map(String.init).joined(separator: ","), shot.path],
                                                environment: ["VIEW": "2"])
        if status == 77 { print("skipping browser check: \(output)"); return }
        print(output)
        #expect(status == 0, "\(output)")
        #expect(output.contains("ok view 2 shown: perplexity 45"))
    }

    @Test func viewsOfOtherPointsAreRefused() async throws {
        let e = Self.sample()
        let other = e.subset(Array(0..<50))
        await #expect(throws: OrreryError.self) {
            _ = try await HTMLExporter.export(StepInputs(["input": [.embedding(e), .embedding(other)]]), HTMLExporter.Parameters(),
                                              context: .testing(output: Fixtures.temporaryDirectory()))
        }
    }
}
