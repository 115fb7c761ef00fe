import Crypto
import Foundation

/// The framing of one cache file: a header, the payload, and the SHA-256 of the payload.
///
/// ```
/// offset 0   8 bytes  magic "ORRCACHE"
///        8   u32 LE   format version (2: embeddings carry their Projection)
///       12   u32 LE   kind (1 embedding, 2 neighbours, 3 files, 4 dataset)
///       16   u64 LE   payload length L
///       24   L bytes  payload (CacheCoding)
///     24+L   32 bytes SHA-256 of the payload
/// ```
/// A file whose size, magic, version or checksum is wrong is rejected with the reason, never used.
enum CacheEntryFormat {
    static let magic = Data("ORRCACHE".utf8)
    static let version: UInt32 = 2
    static let headerSize = 24
    static let checksumSize = 32

    enum Kind: UInt32 {
        case embedding = 1, neighbors = 2, files = 3, dataset = 4
    }

    /// A framed entry around `payload`.
    static func frame(_ payload: Data, kind: Kind) -> Data {
        var out = Data(capacity: headerSize + payload.count + checksumSize)
        out.append(magic)
        var writer = BinaryWriter()
        writer.u32(version)
        writer.u32(kind.rawValue)
        writer.u64(UInt64(payload.count))
        out.append(writer.data)
        out.append(payload)
        out.append(payload.withUnsafeBytes { ContentHash.digest($0) })
        return out
    }

    /// Writes a framed entry to `url` atomically, streaming the payload (`encode` writes it) through
    /// a buffer straight to the file; returns the payload's SHA-256 (hex).
    static func write(to url: URL, kind: Kind, encode: (inout BinaryWriter<FileSink>) -> Void) throws(OrreryError) -> String {
        let fm = FileManager.default
        let folder = url.deletingLastPathComponent()
        let temp = AtomicFile.temporaryURL(for: url)
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            guard fm.createFile(atPath: temp.path, contents: nil) else {
                throw OrreryError.writeFailed(path: url.path, reason: "cannot create \(temp.lastPathComponent)")
            }
            let handle = try FileHandle(forWritingTo: temp)
            defer { try? handle.close() }
            var header = BinaryWriter()
            header.u32(version)
            header.u32(kind.rawValue)
            header.u64(0)  // payload length, filled in below
            try handle.write(contentsOf: magic + header.data)
            var writer = BinaryWriter(FileSink(handle))
            encode(&writer)
            writer.sink.flush()
            if let failure = writer.sink.failure { throw failure }
            let payloadHash = writer.sink.hash
            try handle.write(contentsOf: payloadHash.digest)
            try handle.seek(toOffset: 16)
            var length = BinaryWriter()
            length.u64(UInt64(payloadHash.count))
            try handle.write(contentsOf: length.data)
            if rename(temp.path, url.path) != 0 {
                throw OrreryError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
            }
            return payloadHash.hex
        } catch let e as OrreryError {
            try? fm.removeItem(at: temp)
            throw e
        } catch {
            try? fm.removeItem(at: temp)
            throw .writeFailed(path: url.path, reason: AtomicFile.reason(error, writing: url))
        }
    }

    /// The SHA-256 (hex) of the payload `encode` writes, without keeping it.
    static func hash(_ encode: (inout BinaryWriter<HashSink>) -> Void) -> String {
        var writer = BinaryWriter(HashSink())
        encode(&writer)
        return writer.sink.hex
    }

    /// The kind and payload of a framed entry, after checking its size, header and checksum.
    /// With `releasingPages` (only for a mapping, see `MappedFile.map`), the pages already hashed
    /// are given back as hashing goes: checking a 480 MB entry does not make it resident.
    static func unframe(_ data: Data, releasingPages: Bool = false) throws(CacheEntryError) -> (Kind, Data) {
        guard data.count >= headerSize + checksumSize else { throw .init("truncated (\(data.count) bytes)") }
        guard data.prefix(8) == magic else { throw .init("not an Orrery cache entry") }
        var reader = BinaryReader(data[data.startIndex + 8 ..< data.startIndex + headerSize])
        let v = try reader.u32(), k = try reader.u32(), length = try reader.u64()
        guard v == version else { throw .init("format version \(v), expected \(version)") }
        guard let kind = Kind(rawValue: k) else { throw .init("unknown kind \(k)") }
        guard length == UInt64(data.count - headerSize - checksumSize) else {
            throw .init("truncated or padded: header says \(length) payload bytes, file has \(data.count - headerSize - checksumSize)")
        }
        let start = data.startIndex + headerSize
        // Slices share the (mapped) bytes: a 480 MB entry is not copied to be checked.
        let payload = data[start ..< start + Int(length)]
        let stored = data[start + Int(length) ..< data.endIndex]
        let digest = payload.withUnsafeBytes { bytes in
            var hasher = SHA256()
            MappedFile.inWindows(bytes, releasing: releasingPages) {
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[$0]))
            }
            return Data(hasher.finalize())
        }
        guard digest.elementsEqual(stored) else { throw .init("checksum mismatch") }
        return (kind, payload)
    }

    /// The stored checksum of a framed entry (hex): the SHA-256 of its payload once `unframe`
    /// has accepted it.
    static func checksum(of data: Data) -> String { ContentHash.hex(Data(data.suffix(checksumSize))) }
}

/// Why a cache entry was rejected.
struct CacheEntryError: Error, Equatable, CustomStringConvertible {
    var description: String
    init(_ reason: String) { description = reason }
}

/// Little-endian binary output for cache payloads, into any `ByteSink`.
struct BinaryWriter<Sink: ByteSink> {
    var sink: Sink

    init(_ sink: Sink) { self.sink = sink }

    mutating func raw<T>(_ value: T) { withUnsafeBytes(of: value) { sink.write($0) } }
    mutating func u8(_ x: UInt8) { raw(x) }
    mutating func u32(_ x: UInt32) { raw(x.littleEndian) }
    mutating func u64(_ x: UInt64) { raw(x.littleEndian) }
    mutating func int(_ x: Int) { u64(UInt64(bitPattern: Int64(x))) }
    mutating func bool(_ x: Bool) { u8(x ? 1 : 0) }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { bytes in
            int(bytes.count)
            sink.write(UnsafeRawBufferPointer(bytes))
        }
    }

    mutating func optionalString(_ s: String?) {
        bool(s != nil)
        if let s { string(s) }
    }

    mutating func strings(_ xs: [String]) {
        int(xs.count)
        for x in xs { string(x) }
    }

    mutating func ints(_ xs: [Int]) {
        int(xs.count)
        for x in xs { int(x) }
    }

    /// Raw little-endian values (this platform is little-endian; checked at compile time below).
    mutating func floats(_ xs: [Float]) {
        int(xs.count)
        xs.withUnsafeBytes { sink.write($0) }
    }

    mutating func int32s(_ xs: [Int32]) {
        int(xs.count)
        xs.withUnsafeBytes { sink.write($0) }
    }
}

extension BinaryWriter where Sink == DataSink {
    init() { self.init(DataSink()) }
    var data: Data { sink.data }
}

#if !_endian(little)
#error("the cache format stores raw little-endian floats")
#endif

/// Reads what `BinaryWriter` wrote; every read is bounds-checked and throws on a short payload.
struct BinaryReader {
    private let data: Data
    private var offset: Int
    /// Give back the pages of large arrays once copied (only for a mapping, see `MappedFile.map`).
    private let releasingPages: Bool

    init(_ data: Data, releasingPages: Bool = false) {
        self.data = data
        offset = data.startIndex
        self.releasingPages = releasingPages
    }

    var isAtEnd: Bool { offset == data.endIndex }

    private mutating func bytes(_ n: Int) throws(CacheEntryError) -> Data {
        guard n >= 0, n <= data.endIndex - offset else { throw .init("payload ends early") }
        defer { offset += n }
        return data[offset ..< offset + n]
    }

    mutating func u8() throws(CacheEntryError) -> UInt8 { try bytes(1).first ?? 0 }

    mutating func u32() throws(CacheEntryError) -> UInt32 {
        let b = try bytes(4)
        return b.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    }

    mutating func u64() throws(CacheEntryError) -> UInt64 {
        let b = try bytes(8)
        return b.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    mutating func int() throws(CacheEntryError) -> Int { Int(Int64(bitPattern: try u64())) }

    /// A count of items of `size` bytes each that must fit in what is left.
    mutating func count(_ size: Int) throws(CacheEntryError) -> Int {
        let n = try int()
        guard n >= 0, n <= (data.endIndex - offset) / max(size, 1) else { throw .init("payload ends early") }
        return n
    }

    mutating func bool() throws(CacheEntryError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        default: throw .init("bad flag")
        }
    }

    mutating func string() throws(CacheEntryError) -> String {
        let b = try bytes(try count(1))
        guard let s = String(data: b, encoding: .utf8) else { throw .init("bad text") }
        return s
    }

    mutating func optionalString() throws(CacheEntryError) -> String? { try bool() ? try string() : nil }

    mutating func strings() throws(CacheEntryError) -> [String] {
        let n = try count(8)
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try string()) }
        return out
    }

    mutating func ints() throws(CacheEntryError) -> [Int] {
        let n = try count(8)
        var out: [Int] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try int()) }
        return out
    }

    mutating func floats() throws(CacheEntryError) -> [Float] { try array(of: Float.self) }

    mutating func int32s() throws(CacheEntryError) -> [Int32] { try array(of: Int32.self) }

    /// `n` raw 4-byte values, copied a window at a time (the window's pages given back when
    /// `releasingPages`), so a 480 MB matrix costs its array, not the array and the mapping.
    private mutating func array<T: BitwiseCopyable>(of: T.Type) throws(CacheEntryError) -> [T] {
        let n = try count(MemoryLayout<T>.stride)
        let b = try bytes(n * MemoryLayout<T>.stride)
        let release = releasingPages
        // No empty array through `unsafeUninitializedCapacity`: it would store the count into the
        // shared empty-array singleton, a write that ThreadSanitizer reports as a data race.
        guard n > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            b.withUnsafeBytes { src in
                guard let base = buffer.baseAddress, let from = src.baseAddress else { return }
                MappedFile.inWindows(src, releasing: release) { r in
                    (UnsafeMutableRawPointer(base) + r.lowerBound).copyMemory(from: from + r.lowerBound, byteCount: r.count)
                }
            }
            initialized = n
        }
    }
}
