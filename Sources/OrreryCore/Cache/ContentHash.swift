import Crypto
import Foundation

/// SHA-256 content hashes, as lower-case hex: the keys of the step cache and the hashes in the
/// run record.
public enum ContentHash {
    /// The SHA-256 of `data`.
    public static func of(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// The SHA-256 of the UTF-8 bytes of `text`.
    public static func of(_ text: String) -> String { of(Data(text.utf8)) }

    /// The SHA-256 of a file's content, read in 4 MiB pieces (never the whole file at once).
    ///
    /// - Complexity: O(size) time, O(1) memory.
    public static func ofFile(_ url: URL) throws(OrreryError) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw FileManager.default.fileExists(atPath: url.path)
                ? .unreadable(url.path, reason: "permission denied") : .fileNotFound(url.path)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let piece: Data
            do { piece = try handle.read(upToCount: 4 << 20) ?? Data() } catch {
                throw .unreadable(url.path, reason: error.localizedDescription)
            }
            if piece.isEmpty { break }
            hasher.update(data: piece)
        }
        return hex(hasher.finalize())
    }

    /// The SHA-256 of `parts`, each length-prefixed so that no two lists of parts collide.
    public static func combining(_ parts: [String]) -> String {
        var hasher = SHA256()
        for part in parts {
            let bytes = Data(part.utf8)
            var n = UInt64(bytes.count).littleEndian
            withUnsafeBytes(of: &n) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        return hex(hasher.finalize())
    }

    /// The raw 32-byte SHA-256 of `bytes` (the checksum of a cache entry).
    static func digest(_ bytes: UnsafeRawBufferPointer) -> Data { Data(SHA256.hash(data: bytes)) }

    static func hex(_ bytes: Data) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(64)
        for b in digest {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 15)])
        }
        return s
    }
}
