import Foundation
import OrreryCore

/// What 2-D plots (SVG, HTML) share: which two axes to draw, which points to label, nice ticks.
public enum PlotLayout {
    /// The columns named `axes` (default the first two; the first three with `allowThree`).
    public static func axisIndices(_ e: Embedding, axes: [String]?, parameter: String, allowThree: Bool = false) throws(OrreryError) -> [Int] {
        guard let axes else {
            guard e.dimensions >= 2 else {
                throw .shapeMismatch("a scatter plot needs at least 2 dimensions, the input has \(e.dimensions)")
            }
            return Array(0..<(allowThree && e.dimensions == 3 ? 3 : 2))
        }
        guard axes.count == 2 || (allowThree && axes.count == 3) else {
            throw .invalidParameter(parameter, reason: "name \(allowThree ? "2 or 3" : "2") axes, got \(axes.count)")
        }
        var out: [Int] = []
        for a in axes {
            guard let j = (0..<e.dimensions).first(where: { e.axisName($0) == a }) else {
                throw .invalidParameter(parameter, reason: "no axis '\(a)'; axes: " + (0..<e.dimensions).map(e.axisName).joined(separator: ", "))
            }
            out.append(j)
        }
        return out
    }

    /// The points with the `count` smallest and largest values on each of `columns` (sorted, unique).
    public static func extremes(_ m: Matrix, columns: [Int], count: Int) -> [Int] {
        var chosen = Set<Int>()
        for c in columns {
            let order = (0..<m.rows).sorted { m[$0, c] < m[$1, c] || (m[$0, c] == m[$1, c] && $0 < $1) }
            chosen.formUnion(order.prefix(count))
            chosen.formUnion(order.suffix(count))
        }
        return chosen.sorted()
    }

    /// About `target` round tick values covering [lo, hi].
    public static func ticks(_ lo: Double, _ hi: Double, target: Int = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(max(1, target))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var t = (lo / step).rounded(.up) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }
}
