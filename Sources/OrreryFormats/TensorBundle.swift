import Foundation
import OrreryCore

/// A TensorFlow checkpoint — a "tensor bundle" (tensorflow/core/util/tensor_bundle): the index
/// `PREFIX.index`, an `SSTable` whose entry with the empty key is a `BundleHeaderProto` (shard
/// count, endianness) and whose other entries map each variable's name to a `BundleEntryProto`
/// (dtype, shape, shard, offset, size, masked CRC-32C of the bytes); and the shards
/// `PREFIX.data-0000k-of-0000n`, which hold the tensors' raw little-endian bytes.
///
/// The protocol buffers are decoded by hand (`ProtoFields`): six fields of two small messages.
public struct TensorBundle: Sendable {
    /// One variable's entry in the index.
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// TensorFlow's `DataType` number (1 = float32, 2 = float64, 14 = bfloat16, 19 = float16, …).
        public var dtype: Int
        public var shape: [Int]
        public var shard: Int
        public var offset: Int
        public var size: Int
        /// The masked CRC-32C of the tensor's bytes.
        public var maskedCRC: UInt32
        /// For a variable stored in slices (a partitioned variable, or one a sharding policy
        /// split), each slice's extent per dimension: (start, length; -1 = the whole dimension).
        /// Each slice is an entry of its own under an encoded key.
        public var slices: [[Extent]]

        public var isSliced: Bool { !slices.isEmpty }

        public var listing: TensorListing { TensorListing(name: name, shape: shape) }
    }

    /// One dimension of a slice.
    public struct Extent: Sendable, Equatable, Comparable {
        public var start: Int
        public var length: Int

        public static func < (a: Extent, b: Extent) -> Bool { (a.start, a.length) < (b.start, b.length) }
    }

    /// The checkpoint's prefix as given (`run/ckpt-3`), for the shard names and errors.
    public let prefix: String
    public let shardCount: Int
    /// Every variable, in name order (the `_CHECKPOINTABLE_OBJECT_GRAPH` string tensor included).
    public let entries: [Entry]
    /// The slice entries, under their encoded keys (`EncodeTensorNameSlice`), in key order.
    let sliceEntries: [(key: [UInt8], entry: Entry)]

    /// Reads the index file's bytes; `prefix` is the checkpoint's prefix (the index is
    /// `prefix + ".index"`).
    ///
    /// - Complexity: O(size of the index).
    public init(index bytes: [UInt8], prefix: String) throws(OrreryError) {
        let path = prefix + ".index"
        func bad(_ reason: String) -> OrreryError { .malformed(file: path, line: 0, column: nil, reason: reason) }
        let table = try SSTable.entries(bytes, path: path)
        guard let header = table.first, header.key.isEmpty else {
            throw bad("no header entry (the empty key); not a TensorFlow checkpoint index")
        }
        var shards = 1, endianness = 0
        do throws(ProtoFields.Failure) {
            var fields = ProtoFields(header.value[...])
            while let (number, value) = try fields.next() {
                if number == 1, let n = value.int { shards = n }
                if number == 2, let e = value.int { endianness = e }
            }
        } catch {
            throw bad("unreadable header entry (\(error))")
        }
        guard endianness == 0 else {
            throw bad("the checkpoint was written big-endian; Orrery reads little-endian checkpoints (re-save it on a little-endian machine)")
        }
        guard shards >= 1, shards <= 1 << 20 else { throw bad("bad shard count \(shards) in the header") }
        var entries: [Entry] = []
        var slices: [(key: [UInt8], entry: Entry)] = []
        for item in table.dropFirst() {
            // Slice keys start with OrderedCode's 0 (byte 0); variable names never do.
            let isSlice = item.key.first == 0
            let name = isSlice ? "(a slice)" : String(decoding: item.key, as: UTF8.self)
            do throws(ProtoFields.Failure) {
                let e = try Self.entry(name, item.value[...])
                if isSlice { slices.append((item.key, e)) } else { entries.append(e) }
            } catch {
                throw bad("unreadable entry for tensor '\(name)' (\(error))")
            }
        }
        for e in entries.filter({ !$0.isSliced }) + slices.map(\.entry) {
            guard e.shard >= 0, e.shard < shards, e.offset >= 0, e.size >= 0 else {
                throw bad("tensor '\(e.name)' points at shard \(e.shard), offset \(e.offset), size \(e.size), outside the checkpoint's \(shards) shard(s)")
            }
        }
        self.prefix = prefix
        self.shardCount = shards
        self.entries = entries
        self.sliceEntries = slices
    }

    /// Decodes a `BundleEntryProto`: dtype = 1, shape = 2, shard_id = 3, offset = 4, size = 5,
    /// crc32c = 6 (fixed32), slices = 7.
    static func entry(_ name: String, _ bytes: ArraySlice<UInt8>) throws(ProtoFields.Failure) -> Entry {
        var e = Entry(name: name, dtype: 0, shape: [], shard: 0, offset: 0, size: 0, maskedCRC: 0, slices: [])
        var fields = ProtoFields(bytes)
        while let (number, value) = try fields.next() {
            switch number {
            case 1: e.dtype = value.int ?? 0
            case 2: if let m = value.message { e.shape = try shape(m) }
            case 3: e.shard = value.int ?? 0
            case 4: e.offset = value.int ?? 0
            case 5: e.size = value.int ?? 0
            case 6: e.maskedCRC = value.fixed32 ?? 0
            case 7: if let m = value.message { e.slices.append(try extents(m)) }
            default: break
            }
        }
        return e
    }

    /// Decodes a `TensorSliceProto`: repeated extent = 1 (each `Extent { start = 1, length = 2 }`,
    /// no length meaning the whole dimension).
    static func extents(_ bytes: ArraySlice<UInt8>) throws(ProtoFields.Failure) -> [Extent] {
        var out: [Extent] = []
        var fields = ProtoFields(bytes)
        while let (number, value) = try fields.next() {
            guard number == 1, let m = value.message else { continue }
            var x = Extent(start: 0, length: -1)
            var inner = ProtoFields(m)
            while let (n, v) = try inner.next() {
                if n == 1 { x.start = v.int ?? 0 }
                if n == 2 { x.length = v.int ?? -1 }
            }
            out.append(x)
        }
        return out
    }

    /// The slice entries of `entry`, each with its extents. Slice keys sort by the variable's
    /// name, then by (start, length) of each dimension in turn (OrderedCode keeps numbers' order),
    /// so the variable's slice list, sorted the same way, pairs with its keys in order.
    func pieces(of entry: Entry) throws(OrreryError) -> [(entry: Entry, extents: [Extent])] {
        var escaped: [UInt8] = [0]  // OrderedCode's number 0, then the name, escaped and terminated
        for b in Array(entry.name.utf8) {
            switch b {
            case 0: escaped += [0, 0xFF]
            case 0xFF: escaped += [0xFF, 0]
            default: escaped.append(b)
            }
        }
        escaped += [0, 1]
        let keys = sliceEntries.filter { $0.key.starts(with: escaped) }
        let extents = entry.slices.sorted { $0.lexicographicallyPrecedes($1) }
        guard keys.count == extents.count else {
            throw .malformed(file: prefix + ".index", line: 0, column: nil,
                             reason: "tensor '\(entry.name)' lists \(extents.count) slices, but the index holds \(keys.count)")
        }
        return zip(keys, extents).map { (Entry(name: "\(entry.name) (a slice)", dtype: $0.entry.dtype, shape: $0.entry.shape, shard: $0.entry.shard, offset: $0.entry.offset, size: $0.entry.size, maskedCRC: $0.entry.maskedCRC, slices: []), $1) }
    }

    /// Decodes a `TensorShapeProto`: repeated dim = 2 (each `Dim { size = 1 }`).
    static func shape(_ bytes: ArraySlice<UInt8>) throws(ProtoFields.Failure) -> [Int] {
        var dims: [Int] = []
        var fields = ProtoFields(bytes)
        while let (number, value) = try fields.next() {
            guard number == 2, let dim = value.message else { continue }
            var size = 0
            var inner = ProtoFields(dim)
            while let (n, v) = try inner.next() {
                if n == 1 { size = v.int ?? 0 }
            }
            dims.append(size)
        }
        return dims
    }

    /// The name of shard `k`'s file: `PREFIX.data-0000k-of-0000n`.
    public func shardPath(_ k: Int) -> String {
        func five(_ n: Int) -> String { String(repeating: "0", count: max(0, 5 - String(n).count)) + String(n) }
        return "\(prefix).data-\(five(k))-of-\(five(shardCount))"
    }

    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The element type of `entry`, or an error naming its dtype when Orrery cannot load it.
    public func element(of entry: Entry) throws(OrreryError) -> FloatElement {
        switch entry.dtype {
        case 1: return .float32
        case 2: return .float64
        case 14: return .bfloat16
        case 19: return .float16
        default:
            throw .malformed(file: prefix + ".index", line: 0, column: nil,
                             reason: "tensor '\(entry.name)' has dtype \(Self.dtypeName(entry.dtype)), which Orrery does not load; it reads float32, float64, float16 and bfloat16 tensors (cast the variable before saving)")
        }
    }

    /// Reads `entry` (2-D) as float32, checking sizes and CRCs; `shard(k)` gives the bytes of
    /// shard k's file (`shardPath(k)`). A variable stored in slices is put together from them.
    ///
    /// - Complexity: O(rows · columns).
    public func matrix(_ entry: Entry, shards shard: (Int) throws(OrreryError) -> Data) throws(OrreryError) -> Matrix {
        guard entry.isSliced else { return try matrix(entry, shard: shard(entry.shard)) }
        _ = try element(of: entry)
        guard entry.shape.count == 2, entry.shape.allSatisfy({ $0 >= 0 }) else {
            throw .shapeMismatch("tensor '\(entry.name)' in \(prefix) has shape \(entry.listing.shapeText), but an embedding is a 2-D tensor (rows × dimensions)")
        }
        let (rows, columns) = (entry.shape[0], entry.shape[1])
        var out = Matrix(rows: rows, columns: columns)
        var covered = 0
        for (piece, extents) in try pieces(of: entry) {
            guard extents.count == 2 else {
                throw .malformed(file: prefix + ".index", line: 0, column: nil, reason: "a slice of tensor '\(entry.name)' has \(extents.count) extents for 2 dimensions")
            }
            let r0 = extents[0].start, c0 = extents[1].start
            let r = extents[0].length < 0 ? rows - r0 : extents[0].length
            let c = extents[1].length < 0 ? columns - c0 : extents[1].length
            guard r0 >= 0, c0 >= 0, r >= 0, c >= 0, r0 + r <= rows, c0 + c <= columns, piece.shape == [r, c] else {
                throw .malformed(file: prefix + ".index", line: 0, column: nil,
                                 reason: "a slice of tensor '\(entry.name)' (shape \(piece.listing.shapeText) at row \(r0), column \(c0)) does not fit its \(entry.listing.shapeText)")
            }
            var p = piece
            p.dtype = entry.dtype
            let m = try matrix(p, shard: shard(piece.shard))
            for i in 0..<r {
                for j in 0..<c { out[r0 + i, c0 + j] = m[i, j] }
            }
            covered += r * c
        }
        guard covered == rows * columns else {
            throw .malformed(file: prefix + ".index", line: 0, column: nil,
                             reason: "the slices of tensor '\(entry.name)' cover \(covered) of its \(rows * columns) values")
        }
        return out
    }

    /// Reads an unsliced `entry` (2-D) from its shard's bytes `shard`, checking its size and CRC.
    ///
    /// - Complexity: O(rows · columns).
    public func matrix(_ entry: Entry, shard: Data) throws(OrreryError) -> Matrix {
        let path = shardPath(entry.shard)
        func bad(_ reason: String) -> OrreryError { .malformed(file: path, line: 0, column: nil, reason: reason) }
        let element = try element(of: entry)
        guard entry.shape.count == 2, entry.shape.allSatisfy({ $0 >= 0 }) else {
            throw .shapeMismatch("tensor '\(entry.name)' in \(prefix) has shape \(entry.listing.shapeText), but an embedding is a 2-D tensor (rows × dimensions)")
        }
        let (rows, columns) = (entry.shape[0], entry.shape[1])
        let (count, o1) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, o2) = count.multipliedReportingOverflow(by: element.width)
        guard !o1, !o2, bytes == entry.size else {
            throw .malformed(file: prefix + ".index", line: 0, column: nil,
                             reason: "tensor '\(entry.name)' of shape \(entry.listing.shapeText) should take \(o1 || o2 ? "more than Int.max" : String(bytes)) bytes, but its entry says \(entry.size)")
        }
        guard entry.offset <= shard.count, entry.size <= shard.count - entry.offset else {
            throw bad("truncated: tensor '\(entry.name)' needs bytes \(entry.offset)..<\(entry.offset + entry.size), but the shard has \(shard.count); the file was cut short")
        }
        let range = entry.offset..<(entry.offset + entry.size)
        let crc = shard.withUnsafeBytes { raw in CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[range])) }
        guard CRC32C.mask(crc) == entry.maskedCRC else {
            throw bad("CRC mismatch for tensor '\(entry.name)' (bytes \(range.lowerBound)..<\(range.upperBound)): the data file is damaged or does not belong to this index")
        }
        return shard.withUnsafeBytes { raw in
            FloatTensor.matrix(UnsafeRawBufferPointer(rebasing: raw[range]), element: element, rows: rows, columns: columns)
        }
    }

    /// Whether a variable is an optimizer's state rather than a model's: TF2 slot variables
    /// (`…/.OPTIMIZER_SLOT/…`), the optimizer object's own (`optimizer/…`), TF1 slots named after
    /// the optimizer (`emb/Adam`, `emb/Adam_1`, `emb/Momentum`, …) and moving averages. Left out
    /// when the loader picks the only 2-D tensor by itself.
    public static func isOptimizerState(_ name: String) -> Bool {
        if name.contains("/.OPTIMIZER_SLOT/") || name.hasPrefix("optimizer/") || name.contains("/optimizer/")
            || name.hasPrefix("keras_api/metrics/") || name.hasSuffix("/ExponentialMovingAverage") {
            return true
        }
        guard let slash = name.lastIndex(of: "/") else { return false }
        let last = name[name.index(after: slash)...]
        let slots: Set<Substring> = ["Adam", "Adam_1", "Momentum", "Adagrad", "AdagradDA", "Adadelta", "Adadelta_1",
                                     "RMSProp", "RMSProp_1", "Ftrl", "Ftrl_1", "ProximalAdagrad", "Nadam", "Nadam_1",
                                     "Adamax", "Adamax_1"]
        return slots.contains(last)
    }

    /// TensorFlow's name for a `DataType` number.
    public static func dtypeName(_ n: Int) -> String {
        let names = [1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8", 7: "string",
                     8: "complex64", 9: "int64", 10: "bool", 11: "qint8", 12: "quint8", 13: "qint32",
                     14: "bfloat16", 15: "qint16", 16: "quint16", 17: "uint16", 18: "complex128", 19: "float16",
                     20: "resource", 21: "variant", 22: "uint32", 23: "uint64"]
        return names[n].map { "\($0) (DataType \(n))" } ?? "DataType \(n)"
    }
}
