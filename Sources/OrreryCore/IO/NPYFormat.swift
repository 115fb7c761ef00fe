import Foundation

/// NumPy's `.npy` format (versions 1–3): a magic string, a header dict, then the raw array.
/// Orrery reads 2-D little-endian float32/float64 arrays in C order (a 1-D array is refused: it
/// could mean n points or one) and writes float32; index arrays are int32 or int64.
public enum NPYFormat {
    /// What a `.npy` header says: the dtype, the 2-D shape, and where the array's bytes start.
    struct Header {
        var descr: String
        var rows: Int
        var columns: Int
        var bodyStart: Int
        var shapeText: String
    }

    /// Parses and checks the header of `data` (magic, version, C order, a 2-D shape).
    static func header(_ data: Data, path: String) throws(OrreryError) -> Header {
        func bad(_ reason: String) -> OrreryError { .malformed(file: path, line: 0, column: nil, reason: reason) }
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw bad("not a .npy file (no \\x93NUMPY magic at byte 0)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw bad("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw bad("unsupported .npy version \(major)")
        }
        guard data.count >= headerStart + headerLength else { throw bad("truncated header") }
        let headerData = data.subdata(in: (data.startIndex + headerStart)..<(data.startIndex + headerStart + headerLength))
        guard let header = String(data: headerData, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw bad("unreadable header")
        }
        // A header cut short (a damaged file, or a length field that lies) ends before its '}':
        // say so, rather than misreading the field it stops in.
        let dict = header.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\0")))
        guard dict.hasPrefix("{"), dict.hasSuffix("}") else {
            throw bad("truncated header: the header dictionary (\(headerLength) bytes) does not end with '}'")
        }
        guard let descr = field("descr", in: header).map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")) })
        else { throw bad("header has no 'descr'") }
        let fortran = field("fortran_order", in: header)?.trimmingCharacters(in: .whitespaces) ?? "False"
        guard fortran == "False" else {
            guard fortran == "True" else { throw bad("bad 'fortran_order' value '\(fortran)' (expected True or False)") }
            throw bad("Fortran-order arrays are not supported; save with C order")
        }
        guard let shapeText = shape(in: header) else { throw bad("header has no 'shape'") }
        let dims = shapeText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = dims.compactMap { Int($0) }
        guard shape.count == dims.count, shape.allSatisfy({ $0 >= 0 }) else { throw bad("bad shape (\(shapeText))") }
        switch shape.count {
        case 2: return Header(descr: descr, rows: shape[0], columns: shape[1], bodyStart: headerStart + headerLength,
                              shapeText: shapeText)
        case 1:
            // Refused, not guessed: n points of one dimension and one point of n dimensions are
            // both readings of a 1-D array, and neither is what a vector file usually means.
            throw bad("a 1-D array of \(shape[0]) values (shape (\(shapeText))); Orrery reads 2-D arrays of points × dimensions: "
                      + "save x.reshape(-1, 1) for \(shape[0]) points of one dimension, or x.reshape(1, -1) for one point")
        default: throw bad("expected a 2-D array, found shape (\(shapeText))")
        }
    }

    /// Checks that the body of `data` holds exactly `h.rows × h.columns` values of `width` bytes.
    private static func checkBody(_ data: Data, _ h: Header, width: Int, path: String) throws(OrreryError) -> Int {
        func bad(_ reason: String) -> OrreryError { .malformed(file: path, line: 0, column: nil, reason: reason) }
        let (count, overflow) = h.rows.multipliedReportingOverflow(by: h.columns)
        guard !overflow, count.multipliedReportingOverflow(by: width).overflow == false else {
            throw bad("shape (\(h.shapeText)) is too large")
        }
        let expected = count * width
        guard data.count - h.bodyStart >= expected else {
            throw bad("truncated: shape (\(h.shapeText)) needs \(expected) bytes of data, the file has \(data.count - h.bodyStart)")
        }
        // More data than the shape holds: the header lies about the shape (np.save never pads).
        guard data.count - h.bodyStart == expected else {
            throw bad("shape (\(h.shapeText)) needs \(expected) bytes of data, but the file has \(data.count - h.bodyStart)")
        }
        return count
    }

    /// Parses `data` into a matrix; `path` names the file in errors.
    ///
    /// - Complexity: O(n·d).
    ///
    /// With `releasingPages` (only for a mapping, see `MappedFile.map`), the pages of the file are
    /// given back as they are converted: the peak is the matrix plus a window, not twice the matrix.
    public static func read(_ data: Data, path: String, releasingPages: Bool = false) throws(OrreryError) -> Matrix {
        let h = try header(data, path: path)
        let width: Int
        switch h.descr {
        case "<f4", "=f4", "|f4": width = 4
        case "<f8", "=f8", "|f8": width = 8
        default:
            throw .malformed(file: path, line: 0, column: nil,
                             reason: "unsupported dtype '\(h.descr)'; Orrery reads little-endian float32 ('<f4') or float64 ('<f8')")
        }
        let count = try checkBody(data, h, width: width, path: path)
        let bodyStart = h.bodyStart, expected = count * width
        var storage = [Float](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            let body = UnsafeRawBufferPointer(rebasing: raw[bodyStart..<(bodyStart + expected)])
            storage.withUnsafeMutableBufferPointer { out in
                MappedFile.inWindows(body, releasing: releasingPages) { bytes in
                    let values = bytes.lowerBound / width ..< bytes.upperBound / width
                    if width == 4 {
                        for i in values {
                            out[i] = Float(bitPattern: UInt32(littleEndian: body.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                        }
                    } else {
                        for i in values {
                            out[i] = Float(Double(bitPattern: UInt64(littleEndian: body.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))))
                        }
                    }
                }
            }
        }
        return Matrix(rows: h.rows, columns: h.columns, storage: storage)
    }

    /// Parses a 2-D array of integers (int32 or int64, little-endian; what `np.save` writes for
    /// index arrays): its shape and values, row-major.
    ///
    /// - Complexity: O(n·d).
    public static func readIntegers(_ data: Data, path: String) throws(OrreryError) -> (rows: Int, columns: Int, values: [Int64]) {
        let h = try header(data, path: path)
        let width: Int
        switch h.descr {
        case "<i4", "=i4", "|i4": width = 4
        case "<i8", "=i8", "|i8": width = 8
        default:
            throw .malformed(file: path, line: 0, column: nil,
                             reason: "unsupported dtype '\(h.descr)' for an index array; write int32 ('<i4') or int64 ('<i8'), "
                                 + "e.g. np.save(path, indices.astype(np.int32))")
        }
        let count = try checkBody(data, h, width: width, path: path)
        let bodyStart = h.bodyStart
        var values = [Int64](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            if width == 4 {
                for i in 0..<count {
                    values[i] = Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: bodyStart + i * 4, as: Int32.self)))
                }
            } else {
                for i in 0..<count {
                    values[i] = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: bodyStart + i * 8, as: Int64.self))
                }
            }
        }
        return (h.rows, h.columns, values)
    }

    /// A version-1 `.npy` file holding `m` as little-endian float32, C order.
    ///
    /// - Complexity: O(n·d), one copy of the values.
    public static func write(_ m: Matrix) -> Data {
        m.storage.withUnsafeBufferPointer { write(descr: "<f4", rows: m.rows, columns: m.columns, raw: UnsafeRawBufferPointer($0)) }
    }

    /// A version-1 `.npy` file holding `values` (`rows × columns`, row-major) as little-endian int32.
    public static func writeInt32(rows: Int, columns: Int, _ values: [Int32]) -> Data {
        precondition(values.count == rows * columns, "\(values.count) values for a \(rows) × \(columns) array")
        return values.withUnsafeBufferPointer { write(descr: "<i4", rows: rows, columns: columns, raw: UnsafeRawBufferPointer($0)) }
    }

    /// The header for `descr` and the shape, padded to 64 bytes as `np.save` does, then the
    /// values' bytes (little-endian: the host order of every platform Orrery builds for).
    private static func write(descr: String, rows: Int, columns: Int, raw: UnsafeRawBufferPointer) -> Data {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(capacity: 10 + header.utf8.count + raw.count)
        data.append(contentsOf: [0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        #if _endian(little)
        data.append(contentsOf: raw)
        #else
        #error("NPYFormat writes the host's bytes; a big-endian host needs a byte swap here")
        #endif
        return data
    }

    private static func field(_ name: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(name)'") ?? header.range(of: "\"\(name)\"") else { return nil }
        let rest = header[r.upperBound...].drop { $0 == " " || $0 == ":" }
        return String(rest.prefix { $0 != "," && $0 != "}" })
    }

    private static func shape(in header: String) -> String? {
        guard let r = header.range(of: "'shape'"), let open = header[r.upperBound...].firstIndex(of: "("),
              let close = header[open...].firstIndex(of: ")") else { return nil }
        return String(header[header.index(after: open)..<close])
    }
}
