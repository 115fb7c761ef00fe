import Foundation
import OrreryCore
import OrreryViews

/// `exporter.html`: one self-contained HTML page (no network: the data and the script are inline)
/// to explore an embedding — pan and zoom (drag, wheel), 3-D rotation for three axes, hover labels,
/// search by text or `/regex/` over a metadata column, colour by a column, and a click on a point
/// lists its k nearest neighbours in the ORIGINAL space (cosine distance and angle), computed here
/// with the exact kNN engine and embedded as integers.
///
/// Drawing is one canvas pass over typed arrays (points grouped by colour, one `fillStyle` per
/// group); hovering uses a screen-space grid index rebuilt after each projection, so 50,000 points
/// stay smooth.
public enum HTMLExporter: Exporter {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the file, relative to the output folder", .outputPath) public var path = "index.html"
        @Parameter(help: "the axes to draw (2 or 3)", defaultText: "the first two (three for a 3-axis embedding)")
        public var axes: [String]? = nil
        @Parameter(help: "the column to colour by at first") public var colorBy: String? = nil
        @Parameter(help: "for the color-by column; auto: classes (strings, or ≤ 12 distinct integers) get a palette, other numbers a gradient")
        public var colorScale: ColorScale = .auto
        @Parameter(help: "the column searched at first", defaultText: "the label column") public var searchColumn: String? = nil
        @Parameter(help: "nearest neighbours (original space, cosine) listed for a clicked point; 0 for none",
                   .range(0...100))
        public var neighbors = 10
        @Parameter(help: "the page title") public var title: String? = nil
        @Parameter(help: "keep at most this many points (a seeded sample; their neighbours are found among them)", .atLeast(1))
        public var maxPoints = 100_000

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "exporter.html", kind: .exporter, version: "1.2.0",
        summary: "One self-contained HTML page: pan, zoom, 3-D rotation, hover, /regex/ search, colour by column, nearest neighbours.",
        inputs: [PortDescriptor("input", accepts: [.embedding],
                                summary: "the points; several (a swept step, or a list of steps) of the same points become views the page flips between",
                                multiple: true)],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: html-example
            steps:
              iris:
                uses: loader.projector
                with: { path: data/iris/projector_config.json }
              page:
                uses: exporter.html
                from: iris
                with: { path: iris.html, axes: [dim-2, dim-3, dim-0], color-by: class, neighbors: 5 }
            """)

    /// - Complexity: O(n²·d) for the neighbours (blocked sgemm), O(n) for the rest.
    public static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        let views = inputs.embeddings()
        guard let e = views.first else { throw OrreryError.missingInput("input") }
        guard e.count > 0 else { throw OrreryError.emptyDataset("nothing to draw") }
        if e.count > p.maxPoints {
            context.warn("\(e.count) points: the page keeps a seeded sample of \(p.maxPoints) (max-points), "
                         + "and lists neighbours among them")
        }
        let html = try render(views, p, context: context)
        let path = try context.write(html, to: p.path)
        return ExportResult(files: [path], report: "\(min(e.count, p.maxPoints)) points" + (views.count > 1 ? " in \(views.count) views" : "")
                            + ", \(html.utf8.count / 1024) KiB: \(path)")
    }

    static func json<T: Encodable>(_ v: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(v)) ?? Data("null".utf8), as: UTF8.self)
    }

    static func ints(_ values: [Int]) -> String {
        var s = "["
        s.reserveCapacity(values.count * 7)
        for (i, v) in values.enumerated() {
            if i > 0 { s += "," }
            s += String(v)
        }
        return s + "]"
    }

    public static func render(_ e: Embedding, _ p: Parameters, context: StepContext) throws -> String {
        try render([e], p, context: context)
    }

    /// The page for `views`: several embeddings of the same points (a sweep), one shown at a time,
    /// with a button per view; metadata, search and neighbours are the first one's.
    public static func render(_ views: [Embedding], _ p: Parameters, context: StepContext) throws -> String {
        guard let first = views.first else { throw OrreryError.missingInput("input") }
        // One seeded sample for every view (they hold the same points, checked below).
        let views = first.count > p.maxPoints ? views.map { SeededSample.subset($0, keep: p.maxPoints, seed: context.seed) } : views
        let e = views[0]
        for (k, v) in views.enumerated().dropFirst() where v.rows != e.rows {
            throw OrreryError.shapeMismatch("view \(k + 1) holds other points than view 1 (\(v.count) rows against \(e.count)); "
                                            + "the views of one page must be layouts of the same points")
        }
        let axes = try PlotLayout.axisIndices(e, axes: p.axes, parameter: "axes", allowThree: true)
        let viewAxes = try views.map { try PlotLayout.axisIndices($0, axes: p.axes, parameter: "axes", allowThree: true) }
        guard viewAxes.allSatisfy({ $0.count == axes.count }) else {
            throw OrreryError.shapeMismatch("the views have different numbers of axes; name the axes to draw with 'axes'")
        }
        for (param, name) in [("color-by", p.colorBy), ("search-column", p.searchColumn)] {
            if let name, e.metadata.column(named: name) == nil {
                throw OrreryError.invalidParameter(param, reason: "no metadata column '\(name)'; columns: " + e.metadata.columnNames.joined(separator: ", "))
            }
        }
        let n = e.count
        // Coordinates centred and scaled into [-1, 1] (one scale for all axes), as integers ×10⁴.
        func scaled(_ e: Embedding, _ axes: [Int]) -> [[Int]] {
            var coords: [[Int]] = []
            var extent: Float = 0
            var centres: [Float] = []
            for j in axes {
                let col = e.vectors.column(j)
                let lo = col.min() ?? 0, hi = col.max() ?? 0
                centres.append((lo + hi) / 2)
                extent = max(extent, (hi - lo) / 2)
            }
            if !(extent > 0) { extent = 1 }
            for (k, j) in axes.enumerated() {
                coords.append(e.vectors.column(j).map { Int((($0 - centres[k]) / extent * 10_000).rounded()) })
            }
            return coords
        }
        let coords = scaled(e, axes)

        // Neighbours in the original space of these points.
        var k = min(p.neighbors, n - 1)
        var idx: [Int] = [], dist: [Int] = [], angle: [Int] = []
        if k > 0 {
            let original = e.axes.isEmpty ? e.vectors : e.root.vectors.selecting(rows: e.rows)
            let found = NearestNeighborSearch.search(points: original, queries: original, queryRows: Array(0..<n), k: k,
                                                     measure: .cosine, excludeSelf: true) { done, total in
                context.progress(done, of: total, "neighbours")
                return !Task.isCancelled
            }
            guard let r = found else { throw OrreryError.cancelled }
            idx = r.indices.map { Int($0) }
            dist = r.distances.map { $0.isFinite ? Int(($0 * 10_000).rounded()) : -1 }
            angle = r.distances.map { $0.isFinite ? Int((DistanceMeasure.angle.report(1 - $0) * 100).rounded()) : -1 }
        } else {
            k = 0
        }

        var data = "{\"n\":\(n),\"dims\":\(axes.count)"
        data += ",\"coords\":[" + coords.map(ints).joined(separator: ",") + "]"
        data += ",\"axisTitles\":" + json(axes.map { e.axisTitle($0) })
        data += ",\"columns\":" + json(e.metadata.columnNames)
        data += ",\"values\":[" + e.metadata.columns.map { json($0.values) }.joined(separator: ",") + "]"
        data += ",\"numeric\":" + json(e.metadata.columns.map(\.isNumeric))
        data += ",\"continuous\":" + json(e.metadata.columns.map { c in
            (c.name == p.colorBy ? p.colorScale : .auto).resolved(for: c) == .continuous
        })
        data += ",\"palette\":" + json(PointColors.categorical)
        data += ",\"labelColumn\":0"
        data += ",\"colorBy\":" + json(p.colorBy ?? "")
        data += ",\"searchColumn\":" + json(p.searchColumn ?? e.metadata.labelColumn?.name ?? "")
        data += ",\"k\":\(k),\"nbr\":" + ints(idx) + ",\"dist\":" + ints(dist) + ",\"angle\":" + ints(angle)
        data += ",\"notes\":" + json(e.notes.entries.map { "\($0.key) = \($0.value)" })
        if views.count > 1 {
            // The same titles as exporter.svg's panels.
            let titles = PanelTitles.titles(views)
            data += ",\"views\":[" + views.indices.map { k in
                "{\"title\":" + json(titles[k]) + ",\"quality\":" + json(PanelTitles.quality(views[k]))
                    + ",\"coords\":[" + scaled(views[k], viewAxes[k]).map(ints).joined(separator: ",") + "]"
                    + ",\"axisTitles\":" + json(viewAxes[k].map { views[k].axisTitle($0) })
                    + ",\"notes\":" + json(views[k].notes.entries.map { "\($0.key) = \($0.value)" }) + "}"
            }.joined(separator: ",") + "]"
        }
        data += "}"
        data = data.replacingOccurrences(of: "</", with: "<\\/")
        let title = p.title ?? "Orrery — \(n) points"
        return page.replacingOccurrences(of: "@@TITLE@@", with: escapeHTML(title))
            .replacingOccurrences(of: "@@DATA@@", with: data)
    }

    static func escapeHTML(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
