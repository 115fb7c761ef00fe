import Foundation
import OrreryCore

/// A minimal PNG encoder: 8-bit greyscale or RGBA, non-interlaced, one IDAT chunk holding a zlib
/// stream of *stored* (uncompressed) deflate blocks, with the CRC-32 of every chunk and the
/// Adler-32 of the stream. Foundation on Linux has no zlib API, and sprites are small enough that
/// compression is not worth a dependency; every PNG reader accepts stored blocks.
public enum PNGWriter {
    /// The pixel layout of `pixels`.
    public enum ColorType: UInt8, Sendable {
        case grey = 0
        case rgba = 6
        var channels: Int { self == .grey ? 1 : 4 }
    }

    /// A PNG of `width × height` pixels, rows top to bottom, `channels` bytes per pixel.
    ///
    /// - Complexity: O(width·height·channels).
    public static func encode(width: Int, height: Int, color: ColorType, pixels: [UInt8]) -> Data {
        precondition(width > 0 && height > 0 && pixels.count == width * height * color.channels,
                     "PNG pixels do not match \(width) × \(height)")
        let stride = width * color.channels
        // Scanlines, each with filter byte 0 (None).
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        pixels.withUnsafeBufferPointer { src in
            raw.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let o = y * (stride + 1) + 1
                    for x in 0..<stride { dst[o + x] = src[y * stride + x] }
                }
            }
        }
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [8, color.rawValue, 0, 0, 0])
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", zlibStored(raw), to: &png)
        appendChunk("IEND", Data(), to: &png)
        return png
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4) holding `bytes`.
    static func zlibStored(_ bytes: [UInt8]) -> Data {
        var out = Data([0x78, 0x01])
        out.reserveCapacity(bytes.count + bytes.count / 65_535 * 5 + 16)
        var start = 0
        repeat {
            let length = min(65_535, bytes.count - start)
            let final: UInt8 = start + length == bytes.count ? 1 : 0
            out.append(final)
            out.append(UInt8(length & 0xFF))
            out.append(UInt8(length >> 8))
            out.append(UInt8(~length & 0xFF))
            out.append(UInt8((~length >> 8) & 0xFF))
            out.append(contentsOf: bytes[start..<(start + length)])
            start += length
        } while start < bytes.count
        out.appendBigEndian(adler32(bytes))
        return out
    }

    static func appendChunk(_ type: String, _ body: Data, to png: inout Data) {
        png.appendBigEndian(UInt32(body.count))
        let typed = Data(type.utf8) + body
        png.append(typed)
        png.appendBigEndian(crc32(typed))
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 (ISO 3309, as PNG uses it).
    public static func crc32(_ data: Data) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    /// Adler-32 (RFC 1950).
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + 5552)
            while i < end {
                a += UInt32(bytes[i])
                b += a
                i += 1
            }
            a %= 65_521
            b %= 65_521
        }
        return b << 16 | a
    }
}

extension Data {
    mutating func appendBigEndian(_ v: UInt32) {
        append(contentsOf: [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)])
    }
}
