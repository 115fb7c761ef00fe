import OrreryCore

/// A LevelDB-format sorted table ("SSTable"), as TensorFlow writes a checkpoint's `.index` file:
///
///     data block 0 | trailer | data block 1 | trailer | … | metaindex block | trailer |
///     index block | trailer | footer (48 bytes)
///
/// The footer holds the metaindex and index block handles (varint offset and size each, padded to
/// 40 bytes) and the magic number 0xdb4775248b80fb57 (little-endian). Each block is followed by a
/// 5-byte trailer: its compression type (0 = none) and the masked CRC-32C of the block and that
/// byte. A block is a run of entries — varint shared key length, varint unshared length, varint
/// value length, the unshared key bytes, the value — then its restart offsets (fixed32 each) and
/// their count (fixed32). The index block maps each data block's last key to its handle.
public enum SSTable {
    /// The footer's magic number (LevelDB's `kTableMagicNumber`).
    public static let magic: UInt64 = 0xDB47_7524_8B80_FB57
    static let footerLength = 48
    static let trailerLength = 5

    /// One key and its value.
    public struct Entry: Sendable, Equatable {
        public var key: [UInt8]
        public var value: [UInt8]
    }

    /// Every entry of the table in `bytes`, in key order; `path` names the file in errors. Every
    /// block's CRC is checked; a compressed block is an error (TensorFlow writes none).
    ///
    /// - Complexity: O(size of the file).
    public static func entries(_ bytes: [UInt8], path: String) throws(OrreryError) -> [Entry] {
        func bad(_ reason: String) -> OrreryError { .malformed(file: path, line: 0, column: nil, reason: reason) }
        guard bytes.count >= footerLength else {
            throw bad("truncated: \(bytes.count) bytes is shorter than a table's \(footerLength)-byte footer; the file was cut short or is not a checkpoint index")
        }
        let footerStart = bytes.count - footerLength
        var footer = ByteCursor(bytes, from: footerStart)
        do throws(ByteCursor.Failure) {
            try footer.skip(40)
        } catch {
            throw bad("truncated footer")
        }
        let found = (try? footer.fixed64()) ?? 0
        guard found == magic else {
            throw bad("wrong magic number 0x\(String(found, radix: 16)) at byte \(bytes.count - 8) (a table ends with 0x\(String(magic, radix: 16))); the file is not a TensorFlow checkpoint index, or it was cut short")
        }
        footer = ByteCursor(bytes, from: footerStart, to: footerStart + 40)
        let index: (offset: Int, size: Int)
        do throws(ByteCursor.Failure) {
            _ = try handle(&footer)  // metaindex: TensorFlow writes it empty, and nothing in it is needed
            index = try handle(&footer)
        } catch {
            throw bad("unreadable block handles in the footer at byte \(footerStart)")
        }
        let indexBlock = try block(bytes, at: index, before: footerStart, what: "index block", path: path)
        var result: [Entry] = []
        for handleEntry in try blockEntries(bytes, indexBlock, what: "index block", path: path) {
            var c = ByteCursor(handleEntry.value)
            let h: (offset: Int, size: Int)
            do throws(ByteCursor.Failure) { h = try handle(&c) } catch {
                throw bad("unreadable block handle in the index block")
            }
            let range = try block(bytes, at: h, before: index.offset, what: "data block at byte \(h.offset)", path: path)
            let entries = try blockEntries(bytes, range, what: "data block at byte \(h.offset)", path: path)
            for e in entries {
                if let last = result.last, !last.key.lexicographicallyPrecedes(e.key) {
                    throw bad("keys out of order in the data block at byte \(h.offset) ('\(String(decoding: e.key, as: UTF8.self))' after '\(String(decoding: last.key, as: UTF8.self))')")
                }
                result.append(e)
            }
        }
        return result
    }

    /// A block handle: varint offset, varint size.
    static func handle(_ c: inout ByteCursor) throws(ByteCursor.Failure) -> (offset: Int, size: Int) {
        let offset = try c.varint64(), size = try c.varint64()
        guard offset <= UInt64(Int.max / 2), size <= UInt64(Int.max / 2) else { throw .truncated }
        return (Int(offset), Int(size))
    }

    /// The byte range of the block `h` points at (without its trailer), after checking that it and
    /// its trailer lie before `limit`, that it is uncompressed, and its CRC.
    static func block(_ bytes: [UInt8], at h: (offset: Int, size: Int), before limit: Int, what: String,
                      path: String) throws(OrreryError) -> Range<Int> {
        func bad(_ reason: String) -> OrreryError { .malformed(file: path, line: 0, column: nil, reason: reason) }
        let end = h.offset + h.size
        guard end + trailerLength <= limit else {
            throw bad("truncated: the \(what) spans bytes \(h.offset)..<\(end + trailerLength), past byte \(limit) where it must end; the file was cut short or is damaged")
        }
        let type = bytes[end]
        switch type {
        case 0: break
        case 1:
            throw bad("the \(what) is Snappy-compressed, which Orrery does not read; TensorFlow writes checkpoint indexes uncompressed — re-save the checkpoint with TensorFlow")
        default:
            throw bad("the \(what) has unknown compression type \(type)")
        }
        var stored: UInt32 = 0
        for i in 0..<4 { stored |= UInt32(bytes[end + 1 + i]) << (8 * UInt32(i)) }
        let crc = bytes.withUnsafeBytes { raw in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[h.offset...end]))
        }
        guard CRC32C.mask(crc) == stored else {
            throw bad("CRC mismatch in the \(what) (bytes \(h.offset)..<\(end)): the file is damaged")
        }
        return h.offset..<end
    }

    /// The entries of one block, keys rebuilt from their shared prefixes.
    static func blockEntries(_ bytes: [UInt8], _ range: Range<Int>, what: String,
                             path: String) throws(OrreryError) -> [Entry] {
        func bad(_ reason: String) -> OrreryError { .malformed(file: path, line: 0, column: nil, reason: "\(what): \(reason)") }
        guard range.count >= 4 else { throw bad("\(range.count) bytes is too short for a block") }
        var tail = ByteCursor(bytes, from: range.upperBound - 4, to: range.upperBound)
        let restarts = Int((try? tail.fixed32()) ?? 0)
        guard restarts >= 1, restarts <= (range.count - 4) / 4 else {
            throw bad("bad restart count \(restarts) for a block of \(range.count) bytes")
        }
        let entriesEnd = range.upperBound - 4 - 4 * restarts
        var c = ByteCursor(bytes, from: range.lowerBound, to: entriesEnd)
        var result: [Entry] = []
        var key: [UInt8] = []
        while !c.atEnd {
            let at = c.position
            do throws(ByteCursor.Failure) {
                let shared = Int(try c.varint32()), unshared = Int(try c.varint32()), length = Int(try c.varint32())
                guard shared <= key.count else { throw .truncated }
                let suffix = try c.take(unshared)
                let value = try c.take(length)
                key.removeSubrange(shared...)
                key.append(contentsOf: suffix)
                result.append(Entry(key: key, value: Array(value)))
            } catch {
                throw bad("bad entry at byte \(at)")
            }
        }
        return result
    }
}
