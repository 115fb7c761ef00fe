import Foundation
import OrreryCore
import OrreryRaster
import OrreryTesting
import Testing

@Suite struct SVGRasterTests {
    /// 200 × 100 px: the left half red, the right half blue, a green square at (150, 20)–(170, 40).
    static let svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
        <rect x="0" y="0" width="100" height="100" fill="#ff0000"/>
        <rect x="100" y="0" width="100" height="100" fill="#0000ff"/>
        <rect x="150" y="20" width="20" height="20" fill="#00ff00"/>
        </svg>
        """

    func write(_ image: SVGRaster.Image) throws -> URL {
        let url = Fixtures.temporaryDirectory().appendingPathComponent("r.png")
        try image.data.write(to: url)
        return url
    }

    @Test func dpiScalesFromCSSPixelsAndIsRecorded() throws {
        let image = try SVGRaster.png(Self.svg, dpi: 192)
        #expect(image.width == 400 && image.height == 200)
        // (x, y) in the SVG × 2.
        guard let probe = try PNGProbe.read(try write(image), points: [(100, 100), (300, 20), (320, 60)]) else {
            print("skipping: python3 is missing"); return
        }
        #expect(probe.width == 400 && probe.height == 200)
        #expect(abs((probe.dpi ?? 0) - 192) < 0.1)
        #expect(probe.pixels == [[255, 0, 0], [0, 0, 255], [0, 255, 0]])
    }

    @Test func widthSetsTheSizeAndKeepsTheProportion() throws {
        let image = try SVGRaster.png(Self.svg, width: 1000, dpi: 300)
        #expect(image.width == 1000 && image.height == 500)
        guard let probe = try PNGProbe.read(try write(image), points: [(800, 150)]) else { return }
        #expect(probe.width == 1000 && probe.height == 500 && probe.pixels == [[0, 255, 0]])
        #expect(abs((probe.dpi ?? 0) - 300) < 0.1)
    }

    @Test func badInputIsANamedError() {
        #expect(throws: OrreryError.self) { try SVGRaster.png("<svg", dpi: 96) }
        #expect {
            try SVGRaster.png(Self.svg, width: 100_000)
        } throws: { error in
            "\(error)".contains("png-width") && "\(error)".contains("16384")
        }
    }
}
