import Foundation
import OrreryCore

/// Places point labels so that none overlaps another, none covers a point it can avoid, and none
/// leaves the frame (the ggrepel / adjustText idea, done greedily so it is deterministic): each
/// label, in the order given, takes the first free spot on rings of growing radius around its
/// point; a label moved far gets a leader line; a label with no free spot is dropped and counted.
public enum LabelLayout {
    /// A rectangle in drawing coordinates (y grows downwards).
    public struct Box: Sendable, Equatable {
        public var x: Double, y: Double, width: Double, height: Double
        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x; self.y = y; self.width = width; self.height = height
        }
        public var maxX: Double { x + width }
        public var maxY: Double { y + height }
        public func intersects(_ o: Box) -> Bool { x < o.maxX && o.x < maxX && y < o.maxY && o.y < maxY }
        public func isInside(_ o: Box) -> Bool { x >= o.x && y >= o.y && maxX <= o.maxX && maxY <= o.maxY }
    }

    /// One placed label: its text's anchor (start, baseline), its box, and whether it needs a
    /// leader line back to its point.
    public struct Placed: Sendable, Equatable {
        public var index: Int
        public var x: Double, baseline: Double
        public var box: Box
        public var leader: Bool
    }

    /// The width of `text` at `fontSize` in a Helvetica-like face, estimated per character (a
    /// little wider than the real glyphs, so estimated boxes that do not touch never overlap).
    public static func textWidth(_ text: String, fontSize: Double) -> Double {
        var em = 0.0
        for ch in text {
            switch ch {
            case "i", "j", "l", "'", ".", ",", ":", ";", "|", "!", "I": em += 0.3
            case "f", "t", "r", " ", "-", "(", ")", "/": em += 0.38
            case "m", "w", "M", "W", "@": em += 0.9
            default: em += ch.isUppercase ? 0.72 : (ch.isASCII ? 0.58 : 0.75)
            }
        }
        return em * fontSize + 2
    }

    /// The box of `text` written from (x, baseline), as `place` reserves it: 1 px of margin on the
    /// left, ascent 0.8 em, descent 0.25 em.
    public static func box(_ text: String, x: Double, baseline: Double, fontSize: Double) -> Box {
        Box(x: x - 1, y: baseline - 0.8 * fontSize, width: textWidth(text, fontSize: fontSize), height: 1.05 * fontSize)
    }

    /// Places `labels` (point index, text), in priority order, for points at `points` (drawing
    /// coordinates) of radius `radius`, inside `frame`.
    ///
    /// - Complexity: O(L·C·k) for L labels, C = 96 candidate spots and k boxes or points in the
    ///   grid cells a candidate touches (small for readable plots), plus O(n) to index the points.
    public static func place(_ labels: [(index: Int, text: String)], points: [(x: Double, y: Double)],
                             radius: Double, frame: Box, fontSize: Double) -> (placed: [Placed], dropped: Int) {
        let cell = max(8, fontSize * 2)
        var pointGrid: [Cell: [Box]] = [:]
        for p in points {
            let b = Box(x: p.x - radius, y: p.y - radius, width: 2 * radius, height: 2 * radius)
            for c in cells(b, cell) { pointGrid[c, default: []].append(b) }
        }
        var labelGrid: [Cell: [Box]] = [:]
        var placed: [Placed] = []
        var dropped = 0
        let gap = radius + 2
        // Candidate spots: 8 directions at the first ring, then 16 at each of 5 wider rings.
        var offsets: [(dx: Double, dy: Double, ring: Int)] = []
        for ring in 0..<6 {
            let steps = ring == 0 ? 8 : 16
            let r = gap + Double(ring) * fontSize * 1.2
            for k in 0..<steps {
                let a = Double(k) / Double(steps) * 2 * Double.pi - Double.pi / 4   // start up-right
                offsets.append((r * cos(a), -r * sin(a), ring))
            }
        }
        for (index, text) in labels {
            let w = textWidth(text, fontSize: fontSize), h = 1.05 * fontSize
            let p = points[index]
            var found: Placed? = nil
            var fallback: Placed? = nil
            for o in offsets {
                // Anchor the box on the side of the point the offset points to.
                let bx = o.dx > 0.5 ? p.x + o.dx : (o.dx < -0.5 ? p.x + o.dx - w : p.x - w / 2)
                let by = o.dy < -0.5 ? p.y + o.dy - h : (o.dy > 0.5 ? p.y + o.dy : p.y - h / 2)
                let b = Box(x: bx, y: by, width: w, height: h)
                guard b.isInside(frame) else { continue }
                let cs = cells(b, cell)
                guard !cs.contains(where: { labelGrid[$0]?.contains(where: b.intersects) == true }) else { continue }
                let candidate = Placed(index: index, x: b.x + 1, baseline: b.y + 0.8 * fontSize, box: b, leader: o.ring >= 2)
                if cs.contains(where: { pointGrid[$0]?.contains(where: b.intersects) == true }) {
                    if fallback == nil { fallback = candidate }   // covers a point, but free of labels
                    continue
                }
                found = candidate
                break
            }
            guard let chosen = found ?? fallback else {
                dropped += 1
                continue
            }
            placed.append(chosen)
            for c in cells(chosen.box, cell) { labelGrid[c, default: []].append(chosen.box) }
        }
        return (placed, dropped)
    }

    struct Cell: Hashable {
        var x: Int, y: Int
    }

    static func cells(_ b: Box, _ size: Double) -> [Cell] {
        let x0 = Int((b.x / size).rounded(.down)), x1 = Int((b.maxX / size).rounded(.down))
        let y0 = Int((b.y / size).rounded(.down)), y1 = Int((b.maxY / size).rounded(.down))
        var out: [Cell] = []
        for x in x0...max(x0, x1) { for y in y0...max(y0, y1) { out.append(Cell(x: x, y: y)) } }
        return out
    }
}
