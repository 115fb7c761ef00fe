import CRSVG
import Foundation
import OrreryCore
import OrreryViews

/// An SVG figure as a PNG, rendered by librsvg onto a cairo image surface: the same drawing as the
/// SVG (there is no second drawing code), at a chosen size and resolution, for slides.
public enum SVGRaster {
    /// A rendered PNG.
    public struct Image: Sendable {
        /// The PNG file's bytes (cairo's encoder, plus a `pHYs` chunk recording the resolution).
        public var data: Data
        public var width: Int
        public var height: Int
    }

    /// The largest side, px, a figure is rendered at (a 16k × 16k RGBA surface is 1 GiB).
    public static let maximumSide = 16_384

    /// Renders `svg` (a complete document with `width` and `height` in px) as a PNG `width` px
    /// wide (default: the SVG's width × `dpi` / 96, CSS's 96 px per inch), its height in the SVG's
    /// proportion, on a white background; `dpi` is recorded in the PNG's `pHYs` chunk.
    ///
    /// - Complexity: O(width · height) plus librsvg's rendering of the SVG's elements.
    public static func png(_ svg: String, width: Int? = nil, dpi: Double = 96) throws(OrreryError) -> Image {
        let bytes = Array(svg.utf8)
        var gerror: UnsafeMutablePointer<GError>?
        let handle = bytes.withUnsafeBufferPointer { buffer in
            rsvg_handle_new_from_data(buffer.baseAddress, gsize(buffer.count), &gerror)
        }
        guard let handle else {
            throw .invalidParameter("png", reason: "librsvg cannot read the figure: \(message(gerror))")
        }
        defer { g_object_unref(handle) }
        var svgWidth = 0.0, svgHeight = 0.0
        guard rsvg_handle_get_intrinsic_size_in_pixels(handle, &svgWidth, &svgHeight) != 0, svgWidth > 0, svgHeight > 0 else {
            throw .invalidParameter("png", reason: "the figure has no size in px")
        }
        let scale = width.map { Double($0) / svgWidth } ?? dpi / 96
        let w = Int((svgWidth * scale).rounded()), h = Int((svgHeight * scale).rounded())
        guard w >= 1, h >= 1, w <= maximumSide, h <= maximumSide else {
            throw .invalidParameter(width == nil ? "dpi" : "png-width",
                                    reason: "the PNG would be \(w) × \(h) px; keep each side between 1 and \(maximumSide)")
        }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw .writeFailed(path: "png", reason: "cairo cannot make a \(w) × \(h) px surface")
        }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { throw .writeFailed(path: "png", reason: "cairo cannot draw") }
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        var viewport = RsvgRectangle(x: 0, y: 0, width: Double(w), height: Double(h))
        guard rsvg_handle_render_document(handle, cr, &viewport, &gerror) != 0 else {
            throw .invalidParameter("png", reason: "librsvg cannot draw the figure: \(message(gerror))")
        }
        cairo_surface_flush(surface)
        let sink = PNGSink()
        let status = cairo_surface_write_to_png_stream(surface, { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<PNGSink>.fromOpaque(closure).takeUnretainedValue().data.append(data, count: Int(length))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else {
            throw .writeFailed(path: "png", reason: String(cString: cairo_status_to_string(status)))
        }
        return Image(data: withResolution(sink.data, dpi: dpi), width: w, height: h)
    }

    /// `png` with a `pHYs` chunk (pixels per metre, both axes) right after its IHDR.
    static func withResolution(_ png: Data, dpi: Double) -> Data {
        // Signature (8) + IHDR: length (4), type (4), 13 bytes, CRC (4).
        let end = 8 + 4 + 4 + 13 + 4
        guard png.count > end else { return png }
        let perMetre = UInt32((dpi / 0.0254).rounded())
        var body = Data("pHYs".utf8)
        for v in [perMetre, perMetre] { body.append(contentsOf: bigEndian(v)) }
        body.append(1)  // unit: metre
        var chunk = Data(bigEndian(UInt32(body.count - 4)))
        chunk.append(body)
        chunk.append(contentsOf: bigEndian(PNGWriter.crc32(body)))
        var out = Data(png.prefix(end))
        out.append(chunk)
        out.append(png.dropFirst(end))
        return out
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    static func message(_ error: UnsafeMutablePointer<GError>?) -> String {
        guard let error else { return "unknown error" }
        defer { g_error_free(error) }
        return error.pointee.message.map { String(cString: $0) } ?? "unknown error"
    }
}

/// Collects cairo's PNG stream (used only inside one `SVGRaster.png` call, on one thread).
private final class PNGSink {
    var data = Data()
}
