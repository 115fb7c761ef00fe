import Foundation
import OrreryCore
import OrreryViews

extension SVGExporter {
    /// Small multiples: one panel per embedding (a sweep's combinations in matrix order, or the
    /// steps of `from:` in order), `columns` per row, each titled by what sets it apart
    /// (`PanelTitles`) and its quality figures, with one legend for the whole figure.
    ///
    /// Colours come from one `PointColors` over the colour column of every panel together, so a
    /// class has one colour in every panel. With `scales: shared` every panel has the x range and
    /// the y range of all the points.
    ///
    /// - Complexity: O(N log N) for N points over all panels.
    public static func renderGrid(_ panels: [Embedding], _ p: Parameters, selection: Embedding?, seed: UInt64 = 0) throws
        -> (svg: String, labels: Int, dropped: Int) {
        let axes = try panels.map { try PlotLayout.axisIndices($0, axes: p.axes, parameter: "axes") }
        var colors: [PointColors] = panels.map { PointColors(uniform: $0.count) }
        var legendColors = PointColors(uniform: 0)
        if let name = p.colorBy {
            var values: [String] = []
            for (k, e) in panels.enumerated() {
                guard let column = e.metadata.column(named: name) else {
                    throw OrreryError.invalidParameter("color-by", reason: "panel \(k + 1) has no metadata column '\(name)'; columns: "
                                                       + e.metadata.columnNames.joined(separator: ", "))
                }
                values += column.values
            }
            let all = PointColors(column: MetadataTable.Column(name: name, values: values), scale: p.colorScale)
            legendColors = all
            var start = 0
            for (k, e) in panels.enumerated() {
                let slice = start..<(start + e.count)
                colors[k] = all.slice(slice)
                start += e.count
            }
        }
        func range(_ v: [Double]) -> (Double, Double) {
            var lo = v.min() ?? 0, hi = v.max() ?? 1
            if !(hi > lo) { lo -= 1; hi += 1 }
            let pad = (hi - lo) * 0.04
            return (lo - pad, hi + pad)
        }
        var xRanges = zip(panels, axes).map { e, a in range(e.vectors.column(a[0]).map(Double.init)) }
        var yRanges = zip(panels, axes).map { e, a in range(e.vectors.column(a[1]).map(Double.init)) }
        if p.scales == .shared {
            let x = (xRanges.map(\.0).min() ?? 0, xRanges.map(\.1).max() ?? 1)
            let y = (yRanges.map(\.0).min() ?? 0, yRanges.map(\.1).max() ?? 1)
            xRanges = Array(repeating: x, count: panels.count)
            yRanges = Array(repeating: y, count: panels.count)
        }
        let titles = PanelTitles.titles(panels)
        let quality = panels.map(PanelTitles.quality)
        let hasQuality = quality.contains { !$0.isEmpty }

        let n = panels.count
        let columns = min(n, p.columns ?? Int(Double(n).squareRoot().rounded(.up)))
        let rows = (n + columns - 1) / columns
        let size = Double(p.panelSize)
        // One panel's cell: left margin (ticks, y title), title lines above, ticks and x title below.
        let marginLeft = 52.0, marginRight = 14.0
        let headTop = 20.0 + (hasQuality ? 15 : 0) + 8
        let footBottom = 44.0
        let cellW = marginLeft + size + marginRight, cellH = headTop + size + footBottom
        let figureTop = p.title == nil ? 10.0 : 44.0
        let legendWidth = legendColors.legend.isEmpty ? 10.0 : 150.0
        let totalW = 10 + Double(columns) * cellW + legendWidth
        let totalH = figureTop + Double(rows) * cellH + 8
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(num(totalW))" height="\(num(totalH))" viewBox="0 0 \(num(totalW)) \(num(totalH))" font-family="Helvetica, Arial, sans-serif">
            <rect width="100%" height="100%" fill="white"/>

            """
        if let t = p.title {
            s += "<text class=\"figure-title\" x=\"\(num(10 + Double(columns) * cellW / 2))\" y=\"30\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">\(esc(t))</text>\n"
        }
        var drawn = 0, dropped = 0
        let wanted = Set(selection?.rows ?? [])
        for (k, e) in panels.enumerated() {
            let cellX = 10 + Double(k % columns) * cellW, cellY = figureTop + Double(k / columns) * cellH
            let frame = LabelLayout.Box(x: cellX + marginLeft, y: cellY + headTop, width: size, height: size)
            var labelled = Set<Int>()
            switch p.labelRule {
            case 0?: labelled = Set(0..<e.count)
            case let m?: labelled = Set(PlotLayout.extremes(e.vectors, columns: axes[k], count: m))
            case nil: break
            }
            for (i, r) in e.rows.enumerated() where wanted.contains(r) { labelled.insert(i) }
            s += "<g class=\"panel\" data-panel=\"\(k)\">\n"
            s += "<text class=\"panel-title\" x=\"\(num(frame.x + size / 2))\" y=\"\(num(cellY + 18))\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(esc(titles[k]))</text>\n"
            if !quality[k].isEmpty {
                s += "<text class=\"panel-quality\" x=\"\(num(frame.x + size / 2))\" y=\"\(num(cellY + 33))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">\(esc(quality[k]))</text>\n"
            }
            let panel = drawPanel(e, columns: (axes[k][0], axes[k][1]), x: xRanges[k], y: yRanges[k], frame: frame,
                                  colors: colors[k], labelled: labelled, pointSize: p.pointSize, titleSize: 12,
                                  titleGap: (36, cellX + 14), ticks: 4, maxPoints: p.maxPoints, seed: seed)
            s += panel.svg + "</g>\n"
            drawn += panel.labels
            dropped += panel.dropped
        }
        s += drawLegend(legendColors, title: p.colorBy ?? "", x: 10 + Double(columns) * cellW + 6, top: figureTop + headTop)
        s += "</svg>\n"
        return (s, drawn, dropped)
    }
}
