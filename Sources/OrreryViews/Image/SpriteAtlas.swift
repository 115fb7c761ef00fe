import Foundation
import OrreryCore

/// A sprite atlas as the Projector reads it (FORMATS.md): one thumbnail per point, row-major
/// (point 0 top-left) in a square grid of ⌈√n⌉ × ⌈√n⌉ cells (the last row may be partly empty),
/// at most 8192 px a side. Thumbnails are drawn from vectors holding grey levels, one value per
/// pixel, row by row.
public struct SpriteAtlas: Sendable, Equatable {
    /// The Projector's limit on either side of the sprite image.
    public static let maximumSide = 8192

    /// How to turn a vector into a thumbnail.
    public struct Style: Sendable, Equatable {
        /// Pixels of one image across and down (`image-width × image-height` = the vector length).
        public var imageWidth: Int
        public var imageHeight: Int
        /// Each pixel drawn as `scale × scale` pixels.
        public var scale: Int
        /// Dark on light instead of light on dark.
        public var invert: Bool

        public init(imageWidth: Int, imageHeight: Int, scale: Int = 1, invert: Bool = false) {
            self.imageWidth = imageWidth
            self.imageHeight = imageHeight
            self.scale = scale
            self.invert = invert
        }

        /// [width, height] of one thumbnail in the sprite (`single_image_dim`).
        public var cell: [Int] { [imageWidth * scale, imageHeight * scale] }
    }

    /// The PNG bytes.
    public var png: Data
    /// Cells per row (and rows of cells).
    public var grid: Int
    /// [width, height] of the whole image.
    public var size: [Int]
    /// [width, height] of one thumbnail.
    public var cell: [Int]

    /// Draws one thumbnail per row of `vectors`. Grey levels are scaled linearly from the data's
    /// minimum (black) to its maximum (white), or the reverse with `invert`. `parameter` names the
    /// parameter an error is about (e.g. `scale` or `sprite.scale`).
    ///
    /// - Complexity: O(n·w·h·scale²).
    public static func render(_ vectors: Matrix, style: Style, parameter: String) throws(OrreryError) -> SpriteAtlas {
        let w = style.imageWidth, h = style.imageHeight, s = style.scale
        guard w > 0, h > 0, s > 0 else {
            throw .invalidParameter(parameter, reason: "image sizes and scale must be positive")
        }
        guard w * h == vectors.columns else {
            throw .invalidParameter(parameter.replacingLastComponent(with: "image-width"),
                                    reason: "an image of \(w) × \(h) pixels needs vectors of \(w * h) values, these have \(vectors.columns)")
        }
        guard vectors.rows > 0 else { throw .emptyDataset("a sprite needs at least one point") }
        let n = vectors.rows
        var grid = Int(Double(n).squareRoot().rounded(.up))
        while grid * grid < n { grid += 1 }
        while grid > 1 && (grid - 1) * (grid - 1) >= n { grid -= 1 }
        let cw = w * s, ch = h * s
        let width = grid * cw, height = grid * ch
        guard width <= maximumSide && height <= maximumSide else {
            let fit = (maximumSide / max(cw, ch)) * (maximumSide / max(cw, ch))
            throw .invalidParameter(parameter, reason: "the sprite would be \(width) × \(height) px (\(n) images of \(cw) × \(ch) px in a \(grid) × \(grid) grid); the Projector accepts at most \(maximumSide) px a side — lower the scale or export at most \(fit) points")
        }
        var lo = Float.infinity, hi = -Float.infinity
        for v in vectors.storage where v.isFinite {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        if !(lo < hi) { (lo, hi) = (lo.isFinite ? lo : 0, (lo.isFinite ? lo : 0) + 1) }
        let span = hi - lo
        let background: UInt8 = style.invert ? 255 : 0
        var pixels = [UInt8](repeating: background, count: width * height)
        vectors.storage.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    let ox = (i % grid) * cw, oy = (i / grid) * ch
                    for y in 0..<h {
                        for x in 0..<w {
                            let v = src[i * w * h + y * w + x]
                            var g = v.isFinite ? (v - lo) / span : 0
                            if style.invert { g = 1 - g }
                            let byte = UInt8(max(0, min(255, (g * 255).rounded())))
                            for dy in 0..<s {
                                let row = (oy + y * s + dy) * width + ox + x * s
                                for dx in 0..<s { dst[row + dx] = byte }
                            }
                        }
                    }
                }
            }
        }
        return SpriteAtlas(png: PNGWriter.encode(width: width, height: height, color: .grey, pixels: pixels),
                           grid: grid, size: [width, height], cell: [cw, ch])
    }
}

extension String {
    /// `sprite.scale` → `sprite.image-width`; `scale` → `image-width`.
    func replacingLastComponent(with name: String) -> String {
        var parts = split(separator: ".").map(String.init)
        if parts.isEmpty { return name }
        parts[parts.count - 1] = name
        return parts.joined(separator: ".")
    }
}
