import ExporterSprite
import Foundation
import OrreryCore
import OrreryViews
import OrreryTesting
import Testing

@Suite struct SpriteExporterTests {
    static func digits(_ rows: Int) throws -> Embedding {
        let dir = Fixtures.workflowsDirectory.appendingPathComponent("data")
        let m = try TensorFiles.readTSV(Data(contentsOf: dir.appendingPathComponent("digits.tsv")), path: "digits")
        return Embedding(vectors: m.selecting(rows: Array(0..<rows)), metadata: MetadataTable(labels: (0..<rows).map(String.init)))
    }

    /// Decodes a PNG written by PNGWriter (stored deflate blocks, filter 0) back to grey pixels,
    /// checking the CRCs and the Adler-32 on the way.
    static func decode(_ png: Data) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let b = [UInt8](png)
        func u32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        var pos = 8, width = 0, height = 0, idat: [UInt8] = []
        while pos < b.count {
            let length = u32(pos), type = String(decoding: b[(pos + 4)..<(pos + 8)], as: UTF8.self)
            let body = Array(b[(pos + 8)..<(pos + 8 + length)])
            #expect(UInt32(u32(pos + 8 + length)) == PNGWriter.crc32(Data(b[(pos + 4)..<(pos + 8 + length)])))
            if type == "IHDR" { width = u32(pos + 8); height = u32(pos + 12); #expect(body[8] == 8 && body[9] == 0) }
            if type == "IDAT" { idat += body }
            pos += 12 + length
        }
        // zlib: 2-byte header, stored blocks, Adler-32.
        var raw: [UInt8] = [], i = 2
        while true {
            let final = idat[i] & 1
            let len = Int(idat[i + 1]) | Int(idat[i + 2]) << 8
            raw += idat[(i + 5)..<(i + 5 + len)]
            i += 5 + len
            if final == 1 { break }
        }
        #expect(UInt32(Int(idat[i]) << 24 | Int(idat[i + 1]) << 16 | Int(idat[i + 2]) << 8 | Int(idat[i + 3])) == PNGWriter.adler32(raw))
        var pixels: [UInt8] = []
        for y in 0..<height {
            #expect(raw[y * (width + 1)] == 0)
            pixels += raw[(y * (width + 1) + 1)..<((y + 1) * (width + 1))]
        }
        return (width, height, pixels)
    }

    @Test func atlasIsSquareRowMajorAndScaled() async throws {
        let e = try Self.digits(10)   // 10 images → a 4 × 4 grid, last row partly empty
        let out = Fixtures.temporaryDirectory()
        let r = try await SpriteExporter.export(StepInputs(["input": [.embedding(e)]]), .with { $0.path = "s.png"; $0.scale = 2 },
                                                context: .testing(output: out))
        #expect(r.files == ["s.png", "s.png.json"])
        let (w, h, px) = try Self.decode(Data(contentsOf: out.appendingPathComponent("s.png")))
        #expect(w == 64 && h == 64)   // 4 cells × 8 px × scale 2
        // Grey levels scale linearly from the data's min (0) to max (16): pixel (x, y) of image i.
        func value(_ i: Int, _ x: Int, _ y: Int) -> Float { e.vectors[i, y * 8 + x] }
        for (i, x, y) in [(0, 3, 0), (5, 4, 6), (9, 2, 2)] {
            let cx = (i % 4) * 16 + x * 2, cy = (i / 4) * 16 + y * 2
            let expected = UInt8((value(i, x, y) / 16 * 255).rounded())
            #expect(px[cy * w + cx] == expected && px[(cy + 1) * w + cx + 1] == expected)
        }
        // Cells after the 10th are empty (background).
        #expect(px[(3 * 16 + 5) * w + 3 * 16 + 5] == 0)
        let sidecar = try String(contentsOf: out.appendingPathComponent("s.png.json"), encoding: .utf8)
        #expect(sidecar.contains("\"singleImageDim\": [16, 16]") && sidecar.contains("\"grid\": 4"))
    }

    @Test func invertDrawsDarkOnLight() throws {
        let m = Matrix([[0, 1, 2, 3]])
        let a = try SpriteAtlas.render(m, style: .init(imageWidth: 2, imageHeight: 2, invert: true), parameter: "scale")
        let (_, _, px) = try Self.decode(a.png)
        #expect(px == [255, 170, 85, 0])
    }

    @Test func tooLargeIsAClearErrorNamingScale() async throws {
        let e = try Self.digits(1797)   // 43 × 43 cells of 8 px × 24 = 8256 px > 8192
        await #expect(throws: OrreryError.invalidParameter("scale", reason: "the sprite would be 8256 × 8256 px (1797 images of 192 × 192 px in a 43 × 43 grid); the Projector accepts at most 8192 px a side — lower the scale or export at most 1764 points")) {
            _ = try await SpriteExporter.export(StepInputs(["input": [.embedding(e)]]), .with { $0.scale = 24 }, context: .testing())
        }
    }

    @Test func wrongImageSizeNamesImageWidth() async throws {
        let e = try Self.digits(4)
        await #expect(throws: OrreryError.invalidParameter("image-width", reason: "an image of 7 × 9 pixels needs vectors of 63 values, these have 64")) {
            _ = try await SpriteExporter.export(StepInputs(["input": [.embedding(e)]]), .with { $0.imageWidth = 7; $0.imageHeight = 9 }, context: .testing())
        }
    }
}
