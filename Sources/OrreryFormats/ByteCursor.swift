/// A read position in a byte array, for the binary formats here: LevelDB's varints and fixed-width
/// little-endian integers, and protocol-buffer fields (`ProtoFields`). Every read checks bounds
/// and throws `ByteCursor.Failure` instead of trapping; callers turn it into an `OrreryError`
/// that names the file.
struct ByteCursor {
    enum Failure: Error, Equatable {
        /// Fewer bytes left than a read needs.
        case truncated
        /// A varint longer than 10 bytes (or 5 for a 32-bit one).
        case overlongVarint
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    /// A cursor over `bytes[start..<end]` (the whole array by default).
    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { end - position }
    var atEnd: Bool { position >= end }

    /// A base-128 varint (least significant group first), at most 64 bits.
    mutating func varint64() throws(Failure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw .truncated }
            let b = bytes[position]
            position += 1
            guard shift < 64 else { throw .overlongVarint }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// A varint that must fit 32 bits (LevelDB's lengths).
    mutating func varint32() throws(Failure) -> UInt32 {
        let start = position
        let v = try varint64()
        guard position - start <= 5, v <= UInt64(UInt32.max) else { throw .overlongVarint }
        return UInt32(v)
    }

    mutating func fixed32() throws(Failure) -> UInt32 {
        guard remaining >= 4 else { throw .truncated }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return v
    }

    mutating func fixed64() throws(Failure) -> UInt64 {
        let lo = try fixed32()
        let hi = try fixed32()
        return UInt64(lo) | UInt64(hi) << 32
    }

    /// The next `count` bytes.
    mutating func take(_ count: Int) throws(Failure) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw .truncated }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func skip(_ count: Int) throws(Failure) {
        guard count >= 0, remaining >= count else { throw .truncated }
        position += count
    }
}
