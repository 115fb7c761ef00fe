/// Exact k-nearest-neighbour search, the one implementation every metric uses.
///
/// Queries are processed in blocks: one `cblas_sgemm` computes the block's inner products with
/// every point, then each row's k best are kept by a bounded heap (`TopK`), rows split across cores.
/// Memory is the points (n·d), one block of products (B·n, B chosen to keep it near 32 MiB) and the
/// results (q·k) — never an n × n matrix.
///
/// - Complexity: O(q·n·d) for the products plus O(q·n) for the selection; O(n·d + B·n + q·k) memory.
public enum NearestNeighborSearch {
    /// The result: `queries × k` neighbour rows (nearest first; -1 pads short lists) and distances.
    public struct Result: Sendable, Equatable {
        public var k: Int
        public var indices: [Int32]
        public var distances: [Float]
    }

    /// The k nearest points to each query.
    ///
    /// - Parameters:
    ///   - points: n × d.
    ///   - queries: q × d query vectors.
    ///   - queryRows: for each query, its row in `points` (or nil) — excluded from its own list when
    ///     `excludeSelf`.
    ///   - onBlock: called after each block with (queries done, total); return false to stop early.
    public static func search(points: Matrix, queries: Matrix, queryRows: [Int?]? = nil, k: Int,
                              measure: DistanceMeasure, excludeSelf: Bool = true,
                              onBlock: (Int, Int) -> Bool = { _, _ in true }) -> Result? {
        precondition(points.columns == queries.columns, "points and queries differ in dimension")
        let n = points.rows, q = queries.rows, d = points.columns
        var indices = [Int32](repeating: -1, count: q * k)
        var distances = [Float](repeating: .nan, count: q * k)
        guard n > 0, q > 0, k > 0 else { return Result(k: k, indices: indices, distances: distances) }

        let normalise = measure.kernel == .cosine
        let p = normalise ? normalisedRows(points) : points
        let qs = normalise ? normalisedRows(queries) : queries
        let pointNorms = measure.kernel == .squaredEuclidean ? squaredNorms(points) : []
        let queryNorms = measure.kernel == .squaredEuclidean ? squaredNorms(queries) : []
        let selfRows: [Int] = (0..<q).map { excludeSelf ? (queryRows?[$0] ?? -1) : -1 }

        let block = max(1, min(q, (8 << 20) / max(1, n)))
        var products = [Float](repeating: 0, count: block * n)
        let kernel = measure.kernel
        let report = measure.report
        var start = 0
        while start < q {
            let rowsHere = min(block, q - start)
            qs.storage.withUnsafeBufferPointer { qb in
                p.storage.withUnsafeBufferPointer { pb in
                    products.withUnsafeMutableBufferPointer { sb in
                        guard let qa = qb.baseAddress, let pa = pb.baseAddress, let sa = sb.baseAddress else { return }
                        if d > 0 {
                            BLAS.sgemm(qa + start * d, transA: false, pa, transB: true, sa, m: rowsHere, n: n, k: d)
                        } else {
                            sa.update(repeating: 0, count: rowsHere * n)
                        }
                    }
                }
            }
            products.withUnsafeBufferPointer { sb in
                pointNorms.withUnsafeBufferPointer { nb in
                    indices.withUnsafeMutableBufferPointer { ib in
                        distances.withUnsafeMutableBufferPointer { db in
                            guard let sa = sb.baseAddress, let ia = ib.baseAddress, let da = db.baseAddress else { return }
                            let s = SharedReads(sa), norms = nb.baseAddress.map(SharedReads.init)
                            let outI = DisjointWrites(ia), outD = DisjointWrites(da)
                            let base = start
                            Parallel.forEachChunk(rowsHere, minimumChunk: 8) { range in
                                for r in range {
                                    let query = base + r
                                    let skip = selfRows[query]
                                    var top = TopK(k: k)
                                    let row = s.base + r * n
                                    if kernel == .squaredEuclidean {
                                        guard let norms else { return }
                                        scan(row, norms: norms.base, n: n, skip: skip, into: &top)
                                    } else {
                                        scan(row, norms: nil, n: n, skip: skip, into: &top)
                                    }
                                    let qn = kernel == .squaredEuclidean ? queryNorms[query] : 0
                                    for (slot, c) in top.sorted().enumerated() {
                                        outI[query * k + slot] = c.index
                                        let value = kernel == .squaredEuclidean ? max(0, c.key + qn) : -c.key
                                        outD[query * k + slot] = report(value)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            start += rowsHere
            if !onBlock(start, q) { return nil }
        }
        return Result(k: k, indices: indices, distances: distances)
    }

    /// Offers every point of one row of products to `top`, keyed so that smaller is nearer:
    /// −s for inner products, ‖x‖² − 2s for squared distances (‖q‖² is added later). Four keys at a
    /// time are reduced to their minimum and compared with the current threshold, so almost every
    /// point is rejected with three `minss` and one well-predicted branch.
    ///
    /// - Complexity: O(n) plus O(log k) per accepted candidate.
    @inline(__always)
    static func scan(_ row: UnsafePointer<Float>, norms: UnsafePointer<Float>?, n: Int, skip: Int, into top: inout TopK) {
        var threshold = top.threshold
        @inline(__always) func key(_ j: Int) -> Float {
            if let norms { return norms[j] - 2 * row[j] }
            return -row[j]
        }
        @inline(__always) func consider(_ j: Int, _ kj: Float) {
            if kj <= threshold && j != skip {
                top.offer(kj, Int32(j))
                threshold = top.threshold
            }
        }
        var j = 0
        while j + 4 <= n {
            let k0 = key(j), k1 = key(j + 1), k2 = key(j + 2), k3 = key(j + 3)
            if min(min(k0, k1), min(k2, k3)) <= threshold {
                consider(j, k0)
                consider(j + 1, k1)
                consider(j + 2, k2)
                consider(j + 3, k3)
            }
            j += 4
        }
        while j < n {
            consider(j, key(j))
            j += 1
        }
    }

    /// Rows scaled to unit length (zero rows stay zero).
    ///
    /// - Complexity: O(n·d).
    public static func normalisedRows(_ m: Matrix) -> Matrix {
        var out = m
        let d = m.columns
        out.storage.withUnsafeMutableBufferPointer { b in
            for r in 0..<m.rows {
                var ss: Float = 0
                for j in 0..<d { ss += b[r * d + j] * b[r * d + j] }
                guard ss > 0 else { continue }
                let inv = 1 / ss.squareRoot()
                for j in 0..<d { b[r * d + j] *= inv }
            }
        }
        return out
    }

    /// ‖row‖² of every row.
    public static func squaredNorms(_ m: Matrix) -> [Float] {
        let d = m.columns
        return m.storage.withUnsafeBufferPointer { b in
            (0..<m.rows).map { r in
                var ss: Float = 0
                for j in 0..<d { ss += b[r * d + j] * b[r * d + j] }
                return ss
            }
        }
    }
}
