import Foundation

/// Reads a PNG with Python's zlib (an independent decoder: the PNG under test was written by
/// cairo): its size, its `pHYs` resolution, and the RGB of chosen pixels.
public enum PNGProbe {
    public struct Result: Sendable {
        public var width: Int
        public var height: Int
        /// Pixels per metre on x, from `pHYs` (nil without it).
        public var pixelsPerMetre: Int?
        /// (r, g, b) of each asked pixel.
        public var pixels: [[Int]]
        public var dpi: Double? { pixelsPerMetre.map { Double($0) * 0.0254 } }
    }

    static let script = #"""
    import sys, zlib, struct, json
    data = open(sys.argv[1], "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ppm = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        if kind == b"pHYs": ppm = struct.unpack(">I", body[:4])[0]
        if kind == b"IDAT": idat += body
        pos += 12 + length
    raw = zlib.decompress(idat); bpp = {2: 3, 6: 4, 0: 1}[ctype]; stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    pts = json.loads(sys.argv[2])
    out = [list(rows[y][x * bpp:x * bpp + 3]) for x, y in pts]
    print(json.dumps({"width": w, "height": h, "ppm": ppm, "pixels": out}))
    """#

    /// Probes the PNG at `url` at `points` (x, y); nil when python3 is missing.
    public static func read(_ url: URL, points: [(Int, Int)]) throws -> Result? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let pts = "[" + points.map { "[\($0.0), \($0.1)]" }.joined(separator: ",") + "]"
        p.arguments = ["python3", "-c", script, url.path, pts]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        struct Raw: Decodable { var width: Int; var height: Int; var ppm: Int?; var pixels: [[Int]] }
        let raw = try JSONDecoder().decode(Raw.self, from: data)
        return Result(width: raw.width, height: raw.height, pixelsPerMetre: raw.ppm, pixels: raw.pixels)
    }
}
