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
        /// A partitioned variable: stored as slices under other keys, not at `offset`.
        public var isSliced: Bool

        public var listing: TensorListing { TensorListing(name: name, shape: shape) }
    }

    /// The checkpoint's prefix as given (`run/ckpt-3`), for the shard names and errors.
    public let prefix: String
    public let shardCount: Int
    /// Every variable, in name order (the `_CHECKPOINTABLE_OBJECT_GRAPH` string tensor included).
    public let entries: [Entry]

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
        for item in table.dropFirst() {
            let name = String(decoding: item.key, as: UTF8.self)
            do throws(ProtoFields.Failure) {
                entries.append(try Self.entry(name, item.value[...]))
            } catch {
                throw bad("unreadable entry for tensor '\(name)' (\(error))")
            }
        }
        for e in entries where !e.isSliced {
            guard e.shard >= 0, e.shard < shards, e.offset >= 0, e.size >= 0 else {
                throw bad("tensor '\(e.name)' points at shard \(e.shard), offset \(e.offset), size \(e.size), outside the checkpoint's \(shards) shard(s)")
            }
        }
        self.prefix = prefix
        self.shardCount = shards
        self.entries = entries
    }

    /// Decodes a `BundleEntryProto`: dtype = 1, shape = 2, shard_id = 3, offset = 4, size = 5,
    /// crc32c = 6 (fixed32), slices = 7.
    static func entry(_ name: String, _ bytes: ArraySlice<UInt8>) throws(ProtoFields.Failure) -> Entry {
        var e = Entry(name: name, dtype: 0, shape: [], shard: 0, offset: 0, size: 0, maskedCRC: 0, isSliced: false)
        var fields = ProtoFields(bytes)
        while let (number, value) = try fields.next() {
            switch number {
            case 1: e.dtype = value.int ?? 0
            case 2: if let m = value.message { e.shape = try shape(m) }
            case 3: e.shard = value.int ?? 0
            case 4: e.offset = value.int ?? 0
            case 5: e.size = value.int ?? 0
            case 6: e.maskedCRC = value.fixed32 ?? 0
            case 7: e.isSliced = true
            default: break
            }
        }
        return e
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

    /// Reads `entry` (2-D) from its shard's bytes `shard`, checking its size and CRC, as float32.
    ///
    /// - Complexity: O(rows · columns).
    public func matrix(_ entry: Entry, shard: Data) throws(OrreryError) -> Matrix {
        let path = shardPath(entry.shard)
        func bad(_ reason: String) -> OrreryError { .malformed(file: path, line: 0, column: nil, reason: reason) }
        guard !entry.isSliced else {
            throw .malformed(file: prefix + ".index", line: 0, column: nil,
                             reason: "tensor '\(entry.name)' is a partitioned variable (saved as slices), which Orrery does not read; save it unpartitioned")
        }
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
