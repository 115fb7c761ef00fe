import Foundation

/// NumPy's `.npy` format (versions 1–3): a magic string, a header dict, then the raw array.
/// Orrery reads 2-D little-endian float32/float64 arrays in C order (a 1-D array is refused: it
/// could mean n points or one) and writes float32.
public enum NPYFormat {
    /// Parses `data` into a matrix; `path` names the file in errors.
    ///
    /// - Complexity: O(n·d).
    ///
    /// With `releasingPages` (only for a mapping, see `MappedFile.map`), the pages of the file are
    /// given back as they are converted: the peak is the matrix plus a window, not twice the matrix.
    public static func read(_ data: Data, path: String, releasingPages: Bool = false) throws(OrreryError) -> Matrix {
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
        let rows: Int, columns: Int
        switch shape.count {
        case 2: (rows, columns) = (shape[0], shape[1])
        case 1:
            // Refused, not guessed: n points of one dimension and one point of n dimensions are
            // both readings of a 1-D array, and neither is what a vector file usually means.
            throw bad("a 1-D array of \(shape[0]) values (shape (\(shapeText))); Orrery reads 2-D arrays of points × dimensions: "
                      + "save x.reshape(-1, 1) for \(shape[0]) points of one dimension, or x.reshape(1, -1) for one point")
        default: throw bad("expected a 2-D array, found shape (\(shapeText))")
        }
        let width: Int
        switch descr {
        case "<f4", "=f4", "|f4": width = 4
        case "<f8", "=f8", "|f8": width = 8
        default: throw bad("unsupported dtype '\(descr)'; Orrery reads little-endian float32 ('<f4') or float64 ('<f8')")
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, count.multipliedReportingOverflow(by: width).overflow == false else {
            throw bad("shape (\(shapeText)) is too large")
        }
        let bodyStart = headerStart + headerLength
        let expected = count * width
        guard data.count - bodyStart >= expected else {
            throw bad("truncated: shape (\(shapeText)) needs \(expected) bytes of data, the file has \(data.count - bodyStart)")
        }
        // More data than the shape holds: the header lies about the shape (np.save never pads).
        guard data.count - bodyStart == expected else {
            throw bad("shape (\(shapeText)) needs \(expected) bytes of data, but the file has \(data.count - bodyStart)")
        }
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
        return Matrix(rows: rows, columns: columns, storage: storage)
    }

    /// A version-1 `.npy` file holding `m` as little-endian float32, C order.
    public static func write(_ m: Matrix) -> Data {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(m.rows), \(m.columns)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        m.storage.withUnsafeBufferPointer { b in
            for v in b { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
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
