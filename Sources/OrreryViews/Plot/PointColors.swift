import OrreryCore

/// Colours for points by a metadata column, for plots a person reads: the Okabe–Ito palette
/// (distinguishable with the common colour-vision deficiencies) for categories, viridis for
/// continuous numbers. The SVG and HTML exporters both colour through `ColorScale`'s one rule.
public struct PointColors: Sendable, Equatable {
    /// One legend entry: a category (or a number at a gradient stop) and its colour.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var color: String
    }

    /// `#rrggbb` per point.
    public var colors: [String]
    /// Per point, the index of its legend entry (categories) or -1 (numbers).
    public var categories: [Int]
    /// Categories in order of first appearance (at most 12; the rest are "other"), or gradient stops.
    public var legend: [Entry]
    /// True when the column is numeric and coloured by a gradient.
    public var isGradient: Bool

    /// Okabe & Ito (2008), "Color Universal Design": orange, sky blue, bluish green, yellow, blue,
    /// vermillion, reddish purple, black.
    public static let okabeIto = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
    /// The categorical palette: Okabe–Ito, then four of Paul Tol's muted colours (wine, teal, olive,
    /// indigo) so that up to 12 classes (the ten digits) each get their own colour.
    public static let categorical = okabeIto + ["#882255", "#44AA99", "#999933", "#332288"]
    /// Grey for the categories beyond the palette and for missing values.
    public static let other = "#999999"
    /// Viridis at 0, ¼, ½, ¾, 1 (matplotlib).
    public static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37),
    ]

    /// The colours of points `range` (and the whole legend): one panel of a figure coloured as one.
    public func slice(_ range: Range<Int>) -> PointColors {
        var out = self
        out.colors = Array(colors[range])
        out.categories = Array(categories[range])
        return out
    }

    /// One colour for every point.
    public init(uniform count: Int, color: String = "#0072B2") {
        colors = Array(repeating: color, count: count)
        categories = Array(repeating: 0, count: count)
        legend = []
        isGradient = false
    }

    /// Colours by `column`, as `scale` decides (`auto`: `ColorScale.guess`): a viridis gradient
    /// for continuous numbers, otherwise categories (the 11 most frequent named, the rest "other"
    /// when there are more than 12).
    ///
    /// - Complexity: O(n log n).
    public init(column: MetadataTable.Column, scale: ColorScale = .auto) {
        let values = column.values
        let numbers = values.map { Double($0) }
        if scale.resolved(for: column) == .continuous {
            let finite = numbers.compactMap { $0 }.filter(\.isFinite)
            let lo = finite.min() ?? 0, hi = finite.max() ?? 1
            let span = hi > lo ? hi - lo : 1
            colors = numbers.map { v in v.map { Self.gradient(($0 - lo) / span) } ?? Self.other }
            categories = Array(repeating: -1, count: values.count)
            legend = (0...4).map { k in
                let t = Double(k) / 4
                return Entry(name: Notes.Value.number(lo + t * span).description, color: Self.gradient(t))
            }
            isGradient = true
            return
        }
        let palette = Self.categorical
        var counts: [String: Int] = [:]
        var order: [String] = []
        for v in values {
            if counts[v] == nil { order.append(v) }
            counts[v, default: 0] += 1
        }
        var named = order
        if order.count > palette.count {
            // The 11 most frequent, in order of first appearance; then "other".
            let top = Set(order.sorted { counts[$0, default: 0] > counts[$1, default: 0] }.prefix(palette.count - 1))
            named = order.filter { top.contains($0) }
        }
        if column.isNumeric { named.sort { (Double($0) ?? 0) < (Double($1) ?? 0) } }
        var index: [String: Int] = [:]
        for (i, v) in named.enumerated() { index[v] = i }
        legend = named.enumerated().map { Entry(name: $1.isEmpty ? "(missing)" : $1, color: palette[$0]) }
        if named.count < order.count { legend.append(Entry(name: "other", color: Self.other)) }
        categories = values.map { index[$0] ?? named.count }
        colors = categories.map { $0 < named.count ? palette[$0] : Self.other }
        isGradient = false
    }

    /// Viridis at t ∈ [0, 1].
    public static func gradient(_ t: Double) -> String {
        let x = min(1, max(0, t.isFinite ? t : 0)) * 4
        let i = min(3, Int(x))
        let f = x - Double(i)
        let a = viridis[i], b = viridis[i + 1]
        func hex(_ v: Double) -> String {
            let n = Int((v).rounded())
            let s = String(n, radix: 16, uppercase: true)
            return n < 16 ? "0" + s : s
        }
        return "#" + hex(a.0 + (b.0 - a.0) * f) + hex(a.1 + (b.1 - a.1) * f) + hex(a.2 + (b.2 - a.2) * f)
    }
}
