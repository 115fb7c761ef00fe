import ExporterSVG
import Foundation
import OrreryCore
import OrreryTesting
import OrreryViews
import Testing

/// Above `max-points`, exporter.svg draws the density of every point as an image under a seeded
/// sample of the dots, so a million-point layout stays a figure of a few megabytes.
@Suite struct SVGDensityTests {
    /// 1,500 points at (0, 0) and 1,500 at (1, 1): the density has exactly two occupied cells,
    /// where the axes put those two positions; 100 dots are drawn, the seeded sample's.
    @Test func aLargeViewIsADensityUnderASeededSample() async throws {
        let rows = (0..<3000).map { i in ("p\(i)", i < 1500 ? [Float(0), 0] : [Float(1), 1]) }
        let e = Fixtures.embedding(rows)
        var p = SVGExporter.Parameters()
        p.maxPoints = 100
        p.labels = "none"
        let out = Fixtures.temporaryDirectory()
        let warnings = WarningLog()
        _ = try await SVGExporter.export(StepInputs(["input": [.embedding(e)]]), p,
                                         context: .testing(seed: 7, output: out, events: warnings.record))
        let svg = try String(contentsOf: out.appendingPathComponent(p.path), encoding: .utf8)
        #expect(warnings.messages == ["3000 points: drawn as a density layer of all of them under a seeded sample of 100 (max-points)"])
        // The dots are the seeded sample's points, the one every exporter draws for this seed.
        let titles = svg.components(separatedBy: "<title>").dropFirst().map { String($0.prefix { $0 != "<" }) }
        #expect(titles == SeededSample.positions(e, keep: 100, seed: 7).map { "p\($0)" })
        #expect(svg.contains("Shading: the density of all 3000 points; dots: a seeded sample of 100."))
        // The density image: 360 × 270 cells of 2 px over the 720 × 540 plot, occupied where
        // (0, 0) and (1, 1) fall (the axes pad each range by 4 %), empty elsewhere.
        let images = svg.components(separatedBy: "<image class=\"density\"")
        #expect(images.count == 2)
        let base64 = try #require(images.last?.components(separatedBy: "base64,").last?.prefix { $0 != "\"" })
        let png = Fixtures.temporaryDirectory().appendingPathComponent("density.png")
        try #require(Data(base64Encoded: String(base64))).write(to: png)
        let x0 = Int(0.04 / 1.08 * 720 / 2), x1 = Int(1.04 / 1.08 * 720 / 2)
        let y0 = Int((540 - 0.04 / 1.08 * 540) / 2), y1 = Int((540 - 1.04 / 1.08 * 540) / 2)
        guard let probe = try PNGProbe.read(png, points: [(x0, y0), (x1, y1), (100, 100), (x0 + 1, y0)]) else {
            Issue.record("python3 is missing: the PNG could not be read")
            return
        }
        #expect(probe.width == 360 && probe.height == 270)
        #expect(probe.pixels == [[0x21, 0x66, 0xAC], [0x21, 0x66, 0xAC], [0, 0, 0], [0, 0, 0]])
        // At or below max-points: every dot, no image.
        p.maxPoints = 3000
        let all = try SVGExporter.render(e, p, selection: nil).svg
        #expect(!all.contains("class=\"density\"") && all.components(separatedBy: "<title>").count - 1 == 3000)
    }
}
