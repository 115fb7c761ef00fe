/// An n × d matrix of `Float`, row-major, in one contiguous buffer that BLAS can use directly.
///
/// `Matrix` has value semantics: copies share storage until one of them is mutated (copy-on-write,
/// inherited from `Array`).
public struct Matrix: Sendable, Equatable {
    /// Number of rows (points).
    public let rows: Int
    /// Number of columns (dimensions).
    public let columns: Int
    /// The `rows × columns` values, row after row.
    public var storage: [Float]

    /// A matrix over `storage`, which must hold exactly `rows × columns` values.
    public init(rows: Int, columns: Int, storage: [Float]) {
        precondition(rows >= 0 && columns >= 0 && storage.count == rows * columns,
                     "Matrix storage holds \(storage.count) values, not \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix of zeros.
    public init(rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, storage: [Float](repeating: 0, count: rows * columns))
    }

    /// A matrix from nested rows. Convenient for small literals and tests; not for hot paths.
    public init(_ nested: [[Float]]) {
        let columns = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(rows: nested.count, columns: columns, storage: nested.flatMap { $0 })
    }

    /// The element at `row`, `column`.
    public subscript(row: Int, column: Int) -> Float {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// A copy of one row.
    public func row(_ index: Int) -> [Float] {
        Array(storage[(index * columns)..<((index + 1) * columns)])
    }

    /// A copy of one column.
    public func column(_ index: Int) -> [Float] {
        (0..<rows).map { storage[$0 * columns + index] }
    }

    /// The rows at `indices`, in that order.
    ///
    /// - Complexity: O(k·d) for k indices.
    public func selecting(rows indices: [Int]) -> Matrix {
        var out = [Float](repeating: 0, count: indices.count * columns)
        let d = columns
        storage.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (i, r) in indices.enumerated() {
                    for j in 0..<d { dst[i * d + j] = src[r * d + j] }
                }
            }
        }
        return Matrix(rows: indices.count, columns: columns, storage: out)
    }

    /// The columns at `indices`, in that order.
    public func selecting(columns indices: [Int]) -> Matrix {
        var out = [Float](repeating: 0, count: rows * indices.count)
        for r in 0..<rows {
            for (j, c) in indices.enumerated() { out[r * indices.count + j] = storage[r * columns + c] }
        }
        return Matrix(rows: rows, columns: indices.count, storage: out)
    }

    /// The index of the first row holding a value that is NaN or infinite, with its column.
    ///
    /// - Complexity: O(rows · columns), 16 values a step (a value is not finite when its exponent
    ///   bits are all ones), then value by value from the block that holds the first one.
    public func firstNonFinite() -> (row: Int, column: Int)? {
        guard columns > 0 else { return nil }
        let first: Int? = storage.withUnsafeBytes { raw in
            let n = raw.count / 4
            let exponent = SIMD16<UInt32>(repeating: 0x7F80_0000)
            var i = 0
            while i + 16 <= n {
                let bits = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<UInt32>.self)
                if any(bits & exponent .== exponent) { break }
                i += 16
            }
            while i < n {
                if !Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)).isFinite { return i }
                i += 1
            }
            return nil
        }
        return first.map { ($0 / columns, $0 % columns) }
    }
}
