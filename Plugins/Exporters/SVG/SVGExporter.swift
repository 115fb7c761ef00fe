import Foundation
import OrreryCore
import OrreryViews
import OrreryRaster

/// `exporter.svg`: a static 2-D scatter plot for a paper — points coloured by a metadata column
/// (Okabe–Ito categories or a viridis gradient, with a legend), labels, axis titles from the axis
/// names or the custom axis's queries, and the embedding's notes (quality first) in a caption.
public enum SVGExporter: Exporter {
    /// How much of the notes the caption carries.
    public enum Caption: String, ParameterEnum {
        /// No caption.
        case off
        /// The quality figures only (trustworthiness, recall).
        case short
        /// Every note.
        case full
    }

    /// How the panels of a grid share their axes.
    public enum Scales: String, ParameterEnum {
        /// Each panel fits its own points.
        case free
        /// One x range and one y range for every panel.
        case shared
    }

    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the file, relative to the output folder", .outputPath) public var path = "scatter.svg"
        @Parameter(help: "the two axes to draw", defaultText: "the first two") public var axes: [String]? = nil
        @Parameter(help: "all | none | extremes N (the N points at each end of each axis)", .labelRule)
        public var labels = "extremes 5"
        @Parameter(help: "a metadata column to colour by") public var colorBy: String? = nil
        @Parameter(help: "auto: classes (strings, or ≤ 12 distinct integers) get a palette, other numbers a gradient")
        public var colorScale: ColorScale = .auto
        @Parameter(help: "a title above the plot") public var title: String? = nil
        @Parameter(help: "plot width in px", .atLeast(100)) public var width = 720
        @Parameter(help: "plot height in px", .atLeast(100)) public var height = 540
        @Parameter(help: "point radius in px", .positive) public var pointSize = 2.5
        @Parameter(help: "above this many points a panel draws a density layer of all of them under a seeded sample of this many",
                   .atLeast(1))
        public var maxPoints = 20_000
        @Parameter(help: "off, short (the quality figures) or full (every note)") public var caption: Caption = .short
        @Parameter(help: "several inputs: panels per row", defaultText: "about the square root of the number of panels",
                   .atLeast(1))
        public var columns: Int? = nil
        @Parameter(help: "several inputs: free (each panel fits its own points) or shared (one x and one y range for all)")
        public var scales: Scales = .free
        @Parameter(help: "several inputs: the plot width and height of each panel in px", .atLeast(80))
        public var panelSize = 260
        @Parameter(help: "also write the figure as a PNG here (rendered from the same SVG by librsvg)", .outputPath)
        public var png: String? = nil
        @Parameter(help: "the PNG's width in px", defaultText: "the SVG's width × dpi / 96", .atLeast(16))
        public var pngWidth: Int? = nil
        @Parameter(help: "the PNG's resolution, recorded in it and (without png-width) scaling it from the SVG's 96 px per inch",
                   .range(24...1200))
        public var dpi = 96.0

        public init() {}

        /// The label rule: nil = none, 0 = all, N = extremes.
        public var labelRule: Int? { Parameters.labelRule(labels) ?? nil }

        /// nil when `text` is not a rule; `.some(nil)` for `none`.
        static func labelRule(_ text: String) -> Int?? {
            let parts = text.split(separator: " ")
            if text == "all" { return .some(0) }
            if text == "none" { return .some(nil) }
            if parts.count == 2, parts[0] == "extremes", let n = Int(parts[1]), n >= 1 { return .some(n) }
            return nil
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "exporter.svg", kind: .exporter, version: "1.2.0",
        summary: "A 2-D scatter plot as SVG: coloured points, labels, axis titles, legend and a caption of the notes.",
        inputs: [
            PortDescriptor("input", accepts: [.embedding],
                           summary: "the points; several (a swept step, or a list of steps) draw a grid of panels",
                           multiple: true),
            PortDescriptor("selection", accepts: [.embedding], summary: "points to label (besides the `labels` rule)", required: false),
        ],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: svg-example
            steps:
              iris:
                uses: loader.projector
                with: { path: data/iris/projector_config.json }
              plot:
                uses: exporter.svg
                from: iris
                with: { path: iris.svg, color-by: class, labels: none }
            """)

    /// - Complexity: O(n log n).
    public static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        let panels = inputs.embeddings()
        guard let e = panels.first else { throw OrreryError.missingInput("input") }
        guard panels.allSatisfy({ $0.count > 0 }) else { throw OrreryError.emptyDataset("nothing to plot") }
        let selection = inputs.optionalEmbedding("selection")
        let (svg, drawn, dropped) = panels.count == 1
            ? try render(e, p, selection: selection, seed: context.seed)
            : try renderGrid(panels, p, selection: selection, seed: context.seed)
        for (k, panel) in panels.enumerated() where panel.count > p.maxPoints {
            context.warn((panels.count > 1 ? "panel \(k + 1): " : "") + "\(panel.count) points: drawn as a density layer of all of them "
                         + "under a seeded sample of \(p.maxPoints) (max-points)")
        }
        var report = panels.count == 1 ? "\(e.count) points, \(drawn) labels"
            : "\(panels.count) panels of \(panels.map(\.count).reduce(0, +)) points, \(drawn) labels"
        if dropped > 0 { report += " (\(dropped) dropped: no free room)" }
        // Rasterise before writing anything, so that a failure leaves neither file.
        let raster = try p.png.map { _ in try SVGRaster.png(svg, width: p.pngWidth, dpi: p.dpi) }
        var files = [try context.write(svg, to: p.path)]
        if let png = p.png, let raster {
            files.append(try context.write(raster.data, to: png))
            report += "; PNG \(raster.width) × \(raster.height) px at \(Notes.Value.number(p.dpi)) dpi"
        }
        return ExportResult(files: files, report: report)
    }

    static func esc(_ s: String) -> String {
        var o = ""
        for ch in s {
            switch ch {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(ch)
            }
        }
        return o
    }

    static func num(_ x: Double) -> String { String(format: "%.2f", x).trimmedZeros() }

    /// The figure, the number of labels drawn and the number dropped for want of room.
    public static func render(_ e: Embedding, _ p: Parameters, selection: Embedding?, seed: UInt64 = 0) throws -> (svg: String, labels: Int, dropped: Int) {
        let axes = try PlotLayout.axisIndices(e, axes: p.axes, parameter: "axes")
        let (cx, cy) = (axes[0], axes[1])
        var colors = PointColors(uniform: e.count)
        if let name = p.colorBy {
            guard let column = e.metadata.column(named: name) else {
                throw OrreryError.invalidParameter("color-by", reason: "no metadata column '\(name)'; columns: " + e.metadata.columnNames.joined(separator: ", "))
            }
            colors = PointColors(column: column, scale: p.colorScale)
        }
        var labelled = Set<Int>()
        switch p.labelRule {
        case 0?: labelled = Set(0..<e.count)
        case let n?: labelled = Set(PlotLayout.extremes(e.vectors, columns: [cx, cy], count: n))
        case nil: break
        }
        if let selection {
            let wanted = Set(selection.rows)
            for (i, r) in e.rows.enumerated() where wanted.contains(r) { labelled.insert(i) }
        }

        let xs = e.vectors.column(cx).map(Double.init), ys = e.vectors.column(cy).map(Double.init)
        func range(_ v: [Double]) -> (Double, Double) {
            var lo = v.min() ?? 0, hi = v.max() ?? 1
            if !(hi > lo) { lo -= 1; hi += 1 }
            let pad = (hi - lo) * 0.04
            return (lo - pad, hi + pad)
        }
        let (x0, x1) = range(xs), (y0, y1) = range(ys)
        let left = 70.0, top = p.title == nil ? 20.0 : 48.0
        let w = Double(p.width), h = Double(p.height)
        let legendWidth = colors.legend.isEmpty ? 20.0 : 190.0

        var captionLines = caption(e.notes, p.caption)
        if e.count > p.maxPoints {
            captionLines.append("Shading: the density of all \(e.count) points; dots: a seeded sample of \(p.maxPoints).")
        }
        let totalW = left + w + legendWidth
        let totalH = top + h + 56 + Double(captionLines.count) * 16 + 8
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(num(totalW))" height="\(num(totalH))" viewBox="0 0 \(num(totalW)) \(num(totalH))" font-family="Helvetica, Arial, sans-serif">
            <rect width="100%" height="100%" fill="white"/>

            """
        if let t = p.title {
            s += "<text x=\"\(num(left + w / 2))\" y=\"30\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">\(esc(t))</text>\n"
        }
        let panel = drawPanel(e, columns: (cx, cy), x: (x0, x1), y: (y0, y1),
                              frame: .init(x: left, y: top, width: w, height: h), colors: colors,
                              labelled: labelled, pointSize: p.pointSize, titleSize: 14, titleGap: (40, 18),
                              maxPoints: p.maxPoints, seed: seed)
        s += panel.svg
        s += drawLegend(colors, title: p.colorBy ?? "", x: left + w + 16, top: top)
        if !captionLines.isEmpty {
            s += "<g class=\"caption\" font-size=\"12\" fill=\"#333\">\n"
            for (k, line) in captionLines.enumerated() {
                s += "<text x=\"\(num(left))\" y=\"\(num(top + h + 64 + Double(k) * 16))\">\(esc(line))</text>\n"
            }
            s += "</g>\n"
        }
        s += "</svg>\n"
        return (s, panel.labels, panel.dropped)
    }

    /// One plot: frame, ticks, axis titles, points and labels, inside `frame` (the plot area).
    /// `titleGap` is how far below the frame the x title sits and how far from the left edge of
    /// the panel's margin the y title sits.
    static func drawPanel(_ e: Embedding, columns: (Int, Int), x: (Double, Double), y: (Double, Double),
                          frame: LabelLayout.Box, colors: PointColors, labelled: Set<Int>, pointSize: Double,
                          titleSize: Double, titleGap: (Double, Double), ticks: Int = 5,
                          maxPoints: Int = .max, seed: UInt64 = 0)
        -> (svg: String, labels: Int, dropped: Int) {
        let (cx, cy) = columns
        let (x0, x1) = x, (y0, y1) = y
        let left = frame.x, top = frame.y, w = frame.width, h = frame.height
        let xs = e.vectors.column(cx).map(Double.init), ys = e.vectors.column(cy).map(Double.init)
        func sx(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * w }
        func sy(_ y: Double) -> Double { top + h - (y - y0) / (y1 - y0) * h }
        var s = ""
        // Frame, ticks and grid.
        s += "<g class=\"axes\" font-size=\"11\" fill=\"#444\">\n"
        s += "<rect class=\"frame\" x=\"\(num(left))\" y=\"\(num(top))\" width=\"\(num(w))\" height=\"\(num(h))\" fill=\"none\" stroke=\"#888\"/>\n"
        for t in PlotLayout.ticks(x0, x1, target: ticks) {
            let x = sx(t)
            s += "<line x1=\"\(num(x))\" y1=\"\(num(top + h))\" x2=\"\(num(x))\" y2=\"\(num(top + h + 5))\" stroke=\"#888\"/>"
            s += "<text x=\"\(num(x))\" y=\"\(num(top + h + 18))\" text-anchor=\"middle\">\(esc(Notes.Value.number(t).description))</text>\n"
        }
        for t in PlotLayout.ticks(y0, y1, target: ticks) {
            let y = sy(t)
            s += "<line x1=\"\(num(left - 5))\" y1=\"\(num(y))\" x2=\"\(num(left))\" y2=\"\(num(y))\" stroke=\"#888\"/>"
            s += "<text x=\"\(num(left - 8))\" y=\"\(num(y + 4))\" text-anchor=\"end\">\(esc(Notes.Value.number(t).description))</text>\n"
        }
        s += "</g>\n"
        s += "<text class=\"x-title\" x=\"\(num(left + w / 2))\" y=\"\(num(top + h + titleGap.0))\" text-anchor=\"middle\" font-size=\"\(num(titleSize))\">\(esc(e.axisTitle(cx)))</text>\n"
        s += "<text class=\"y-title\" transform=\"translate(\(num(titleGap.1)) \(num(top + h / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"\(num(titleSize))\">\(esc(e.axisTitle(cy)))</text>\n"
        // Above maxPoints: the density of every point (an image under the dots), then a sample.
        let drawn = e.count > maxPoints ? SeededSample.positions(e, keep: maxPoints, seed: seed) : Array(0..<e.count)
        if e.count > maxPoints {
            s += density(xs.map(sx), ys.map(sy), frame: frame)
        }
        // Points, grouped by colour.
        s += "<g class=\"points\" stroke=\"white\" stroke-width=\"0.4\">\n"
        for i in drawn {
            s += "<circle cx=\"\(num(sx(xs[i])))\" cy=\"\(num(sy(ys[i])))\" r=\"\(num(pointSize))\" fill=\"\(colors.colors[i])\"><title>\(esc(e.label(i)))</title></circle>\n"
        }
        s += "</g>\n"
        let layout = labelled.isEmpty ? (placed: [LabelLayout.Placed](), dropped: 0) : LabelLayout.place(labelled.sorted().map { ($0, e.label($0)) },
                                       points: (0..<e.count).map { (sx(xs[$0]), sy(ys[$0])) },
                                       radius: pointSize, frame: .init(x: left, y: top, width: w, height: h),
                                       fontSize: labelFontSize)
        if !layout.placed.isEmpty {
            s += "<g class=\"leaders\" stroke=\"#999\" stroke-width=\"0.6\">\n"
            for l in layout.placed where l.leader {
                let (px, py) = (sx(xs[l.index]), sy(ys[l.index]))
                let tx = min(max(px, l.box.x), l.box.maxX), ty = min(max(py, l.box.y), l.box.maxY)
                s += "<line x1=\"\(num(px))\" y1=\"\(num(py))\" x2=\"\(num(tx))\" y2=\"\(num(ty))\"/>\n"
            }
            s += "</g>\n"
            s += "<g class=\"labels\" font-size=\"\(num(labelFontSize))\" fill=\"#222\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\">\n"
            for l in layout.placed {
                s += "<text x=\"\(num(l.x))\" y=\"\(num(l.baseline))\">\(esc(e.label(l.index)))</text>\n"
            }
            s += "</g>\n"
        }
        return (s, layout.placed.count, layout.dropped)
    }

    /// The density of the points at canvas positions (`xs`, `ys`) inside `frame`: an RGBA PNG of
    /// 2 × 2 px cells, one blue whose opacity grows with log(1 + count), embedded as an `<image>`.
    ///
    /// - Complexity: O(n + cells).
    static func density(_ xs: [Double], _ ys: [Double], frame: LabelLayout.Box) -> String {
        let cell = 2.0
        let w = max(1, Int((frame.width / cell).rounded(.up))), h = max(1, Int((frame.height / cell).rounded(.up)))
        var counts = [Int](repeating: 0, count: w * h)
        for i in xs.indices {
            let cx = Int((xs[i] - frame.x) / cell), cy = Int((ys[i] - frame.y) / cell)
            guard cx >= 0, cx < w, cy >= 0, cy < h else { continue }
            counts[cy * w + cx] += 1
        }
        let top = log1p(Double(counts.max() ?? 1))
        var pixels = [UInt8](repeating: 0, count: w * h * 4)
        for (k, c) in counts.enumerated() where c > 0 {
            pixels[4 * k] = 0x21; pixels[4 * k + 1] = 0x66; pixels[4 * k + 2] = 0xAC
            pixels[4 * k + 3] = UInt8((40 + 215 * log1p(Double(c)) / top).rounded())
        }
        let png = PNGWriter.encode(width: w, height: h, color: .rgba, pixels: pixels)
        return "<image class=\"density\" x=\"\(num(frame.x))\" y=\"\(num(frame.y))\" width=\"\(num(Double(w) * cell))\" height=\"\(num(Double(h) * cell))\" "
            + "preserveAspectRatio=\"none\" href=\"data:image/png;base64,\(png.base64EncodedString())\"/>\n"
    }

    /// The legend of `colors` (nothing when uniform), its title at (`x`, `top` + 12).
    static func drawLegend(_ colors: PointColors, title: String, x: Double, top: Double) -> String {
        var s = ""
        if !colors.legend.isEmpty {
            let lx = x
            s += "<g class=\"legend\" font-size=\"12\">\n"
            s += "<text x=\"\(num(lx))\" y=\"\(num(top + 12))\" font-weight=\"bold\">\(esc(title))</text>\n"
            if colors.isGradient {
                s += "<defs><linearGradient id=\"viridis\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
                for (k, stop) in PointColors.viridis.enumerated() {
                    s += "<stop offset=\"\(num(Double(k) / 4))\" stop-color=\"rgb(\(Int(stop.0)),\(Int(stop.1)),\(Int(stop.2)))\"/>"
                }
                s += "</linearGradient></defs>\n"
                s += "<rect x=\"\(num(lx))\" y=\"\(num(top + 24))\" width=\"16\" height=\"160\" fill=\"url(#viridis)\"/>\n"
                for (k, entry) in colors.legend.enumerated() {
                    s += "<text x=\"\(num(lx + 22))\" y=\"\(num(top + 24 + 160 - Double(k) * 40 + 4))\">\(esc(entry.name))</text>\n"
                }
            } else {
                for (k, entry) in colors.legend.enumerated() {
                    let y = top + 30 + Double(k) * 18
                    s += "<circle cx=\"\(num(lx + 6))\" cy=\"\(num(y - 4))\" r=\"5\" fill=\"\(entry.color)\"/>"
                    s += "<text x=\"\(num(lx + 16))\" y=\"\(num(y))\">\(esc(entry.name))</text>\n"
                }
            }
            s += "</g>\n"
        }
        return s
    }

    /// The font size of point labels, px.
    public static let labelFontSize = 11.0

    /// The notes as caption lines: the quality figures first, then (`full`) the rest, wrapped.
    static func caption(_ notes: Notes, _ style: Caption) -> [String] {
        guard style != .off else { return [] }
        let quality = ["trustworthiness@10", "knn-recall@10", "quality-sample"]
        var first: [String] = []
        for k in quality { if let v = notes[k] { first.append("\(k) = \(v)") } }
        var rest: [String] = []
        for entry in notes.entries where style == .full && !quality.contains(entry.key) {
            var v = entry.value.description
            if v.count > 60 { v = String(v.prefix(57)) + "…" }
            rest.append("\(entry.key) = \(v.replacingOccurrences(of: "\n", with: "; "))")
        }
        var lines: [String] = []
        if !first.isEmpty { lines.append("Quality: " + first.joined(separator: ", ")) }
        var line = ""
        for item in rest {
            if !line.isEmpty && line.count + item.count > 100 { lines.append(line); line = "" }
            line += (line.isEmpty ? "" : "; ") + item
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

extension String {
    func trimmedZeros() -> String {
        guard contains(".") else { return self }
        var s = self
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }
}

extension ParameterConstraint {
    /// `all`, `none` or `extremes N`.
    static let labelRule = ParameterConstraint("all, none or extremes N") { value, _ in
        guard let text = value as? String, SVGExporter.Parameters.labelRule(text) == nil else { return nil }
        return ConstraintViolation("'\(text)' is not 'all', 'none' or 'extremes N' (N ≥ 1)")
    }
}
