import Foundation
import OrreryCore

/// The Projector's tensor files (FORMATS.md): a TSV of values (one row per line, tab-separated, no
/// header) and raw little-endian float32 `.bytes` (row-major, no header).
public enum TensorFiles {
    /// The TSV text of `m`. Values use Swift's shortest round-tripping form, so a float32 reader
    /// gets back exactly these numbers.
    ///
    /// - Complexity: O(n·d).
    public static func tsv(_ m: Matrix) -> Data {
        var out = ""
        out.reserveCapacity(m.rows * m.columns * 10)
        m.storage.withUnsafeBufferPointer { b in
            for i in 0..<m.rows {
                for j in 0..<m.columns {
                    if j > 0 { out += "\t" }
                    let v = b[i * m.columns + j]
                    out += v == 0 ? "0" : v.description
                }
                out += "\n"
            }
        }
        return Data(out.utf8)
    }

    /// The raw little-endian float32 bytes of `m`.
    public static func bytes(_ m: Matrix) -> Data {
        var data = Data(count: m.storage.count * 4)
        data.withUnsafeMutableBytes { out in
            m.storage.withUnsafeBufferPointer { b in
                for (i, v) in b.enumerated() { out.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self) }
            }
        }
        return data
    }

    /// Reads a tensor TSV; `path` names the file in errors.
    ///
    /// - Complexity: O(file size).
    public static func readTSV(_ data: Data, path: String) throws(OrreryError) -> Matrix {
        guard let text = String(data: data, encoding: .utf8) else {
            throw .malformed(file: path, line: 0, column: nil, reason: "not UTF-8 text")
        }
        var storage: [Float] = []
        var columns = -1, rows = 0
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if columns < 0 { columns = fields.count }
            guard fields.count == columns else {
                throw .malformed(file: path, line: number + 1, column: nil,
                                 reason: "\(fields.count) values, but the first row has \(columns)")
            }
            for (j, f) in fields.enumerated() {
                guard let v = Float(f.trimmingCharacters(in: .whitespaces)), v.isFinite else {
                    throw .malformed(file: path, line: number + 1, column: j + 1, reason: "'\(f)' is not a finite number")
                }
                storage.append(v)
            }
            rows += 1
        }
        guard rows > 0 else { throw .emptyDataset("\(path) holds no rows") }
        return Matrix(rows: rows, columns: columns, storage: storage)
    }

    /// Reads raw float32 bytes as `shape` = [rows, columns].
    public static func readBytes(_ data: Data, shape: [Int], path: String) throws(OrreryError) -> Matrix {
        guard shape.count == 2, shape[0] > 0, shape[1] > 0 else {
            throw .malformed(file: path, line: 0, column: nil,
                             reason: "a .bytes tensor needs a 2-element tensorShape [N, D], the config gives \(shape)")
        }
        let count = shape[0] * shape[1]
        guard data.count == count * 4 else {
            throw .malformed(file: path, line: 0, column: nil,
                             reason: "tensorShape \(shape) needs \(count * 4) bytes, the file has \(data.count)")
        }
        var storage = [Float](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            for i in 0..<count {
                storage[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
        }
        let m = Matrix(rows: shape[0], columns: shape[1], storage: storage)
        if let bad = m.firstNonFinite() {
            throw .malformed(file: path, line: 0, column: nil, reason: "row \(bad.row), column \(bad.column) is NaN or infinite")
        }
        return m
    }
}
