/// The protocol-buffer wire format, read by hand: a message is a run of (field number, wire type)
/// tags, each followed by a varint, a fixed 32/64-bit value or a length-prefixed byte string.
///
/// Orrery decodes the few messages of a TensorFlow checkpoint this way (`BundleHeaderProto`,
/// `BundleEntryProto`, `TensorShapeProto`: six fields that matter) rather than with
/// swift-protobuf, whose code generator or build plugin would be a heavy dependency for them.
/// Unknown fields are skipped, as every protobuf reader does, so newer writers stay readable.
struct ProtoFields {
    enum Value: Equatable {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    enum Failure: Error, Equatable {
        case truncated
        case overlongVarint
        /// Wire types 3 and 4 (groups) and 6, 7 do not occur in the messages read here.
        case unsupportedWireType(Int, field: Int)
    }

    private var cursor: ByteCursor

    init(_ bytes: ArraySlice<UInt8>) {
        cursor = ByteCursor(Array(bytes))
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(Failure) -> (field: Int, value: Value)? {
        guard !cursor.atEnd else { return nil }
        do {
            let tag = try cursor.varint64()
            let field = Int(truncatingIfNeeded: tag >> 3)
            switch tag & 7 {
            case 0: return (field, .varint(try cursor.varint64()))
            case 1: return (field, .fixed64(try cursor.fixed64()))
            case 2:
                let length = try cursor.varint64()
                guard length <= UInt64(cursor.remaining) else { throw ByteCursor.Failure.truncated }
                return (field, .bytes(try cursor.take(Int(length))))
            case 5: return (field, .fixed32(try cursor.fixed32()))
            default: throw Failure.unsupportedWireType(Int(tag & 7), field: field)
            }
        } catch let f as Failure {
            throw f
        } catch ByteCursor.Failure.overlongVarint {
            throw .overlongVarint
        } catch {
            throw .truncated
        }
    }
}

extension ProtoFields.Value {
    /// A varint field as a (two's-complement) signed integer: int32/int64/enum fields.
    var int: Int? {
        if case .varint(let v) = self { return Int(truncatingIfNeeded: v) }
        return nil
    }

    var message: ArraySlice<UInt8>? {
        if case .bytes(let b) = self { return b }
        return nil
    }

    var fixed32: UInt32? {
        if case .fixed32(let v) = self { return v }
        return nil
    }
}
