import OrreryCore

/// The element types Orrery reads from tensor files, all loaded as float32.
public enum FloatElement: Sendable, Equatable {
    case float32, float64, float16, bfloat16

    /// Bytes per element.
    public var width: Int {
        switch self {
        case .float32: 4
        case .float64: 8
        case .float16, .bfloat16: 2
        }
    }
}

/// Little-endian tensor bytes as a float32 matrix.
public enum FloatTensor {
    /// `rows × columns` elements of `element` from `bytes` (which holds exactly that many), in row
    /// order. float32 bytes are copied as they are; float64 is rounded to the nearest float32.
    ///
    /// - Complexity: O(rows · columns).
    public static func matrix(_ bytes: UnsafeRawBufferPointer, element: FloatElement, rows: Int,
                              columns: Int) -> Matrix {
        let count = rows * columns
        precondition(bytes.count == count * element.width, "byte count differs from the shape")
        // Every element is written below, so the storage is not zeroed first (for a 400k × 300
        // matrix that was a third of the loading time: 458 MiB of memset and its page faults).
        let storage = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            initialized = count
            guard let source = bytes.baseAddress else { return }
            switch element {
            case .float32:
                #if _endian(little)
                UnsafeMutableRawBufferPointer(out).copyMemory(from: bytes)
                #else
                for i in 0..<count {
                    out[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
                #endif
            case .float64:
                for i in 0..<count {
                    out[i] = Float(Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                }
            case .float16:
                for i in 0..<count {
                    out[i] = HalfFloat.float(half: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            case .bfloat16:
                for i in 0..<count {
                    out[i] = HalfFloat.float(bfloat16: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            }
        }
        return Matrix(rows: rows, columns: columns, storage: storage)
    }
}
