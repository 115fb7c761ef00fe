/// Exact k-nearest-neighbour search, the one implementation every metric uses.
///
/// Queries are cut into tiles of `tileRows` rows and points into tiles of `tileColumns` columns.
/// Each worker takes whole query tiles: for each point tile one single-threaded `cblas_sgemm`
/// computes the 64 × 2048 inner products (half a MiB, so they are still in the core's L2 cache when
/// scanned), then each row's k best are kept by a bounded heap (`TopK`) that lives across the point
/// tiles. OpenBLAS runs at one thread (`BLAS.oneThread`), so its threads do not spin beside
/// Orrery's workers. Tile sizes are fixed, so every product, every offer to a heap and
/// every result is the same whatever the number of workers.
/// Memory is the points (n·d), one tile of products per worker and the results (q·k) — never an
/// n × n matrix. `k` above n is lowered to n (callers that exclude self should ask for n − 1 at
/// most; `MetricStep` clamps and warns).
///
/// - Complexity: O(q·n·d) for the products plus O(q·n) for the selection (O(log k) per accepted
///   candidate); O(n·d + workers·tile + q·min(k, n)) memory.
public enum NearestNeighborSearch {
    /// The result: `queries × k` neighbour rows (nearest first; -1 pads short lists) and distances.
    public struct Result: Sendable, Equatable {
        public var k: Int
        public var indices: [Int32]
        public var distances: [Float]

        public init(k: Int, indices: [Int32], distances: [Float]) {
            self.k = k
            self.indices = indices
            self.distances = distances
        }
    }

    /// Query rows per tile (the `m` of each product).
    static let tileRows = 64
    /// Points per tile (the `n` of each product).
    static let tileColumns = 2048

    /// The k nearest points to each query.
    ///
    /// - Parameters:
    ///   - points: n × d.
    ///   - queries: q × d query vectors.
    ///   - queryRows: for each query, its row in `points` (or nil) — excluded from its own list when
    ///     `excludeSelf`.
    ///   - k: neighbours per query; above n it is lowered to n (the result's `k` says which).
    ///   - onBlock: called after each round of tiles with (queries done, total); return false to
    ///     stop early (the result is then nil).
    public static func search(points: Matrix, queries: Matrix, queryRows: [Int?]? = nil, k requested: Int,
                              measure: DistanceMeasure, excludeSelf: Bool = true,
                              onBlock: (Int, Int) -> Bool = { _, _ in true }) -> Result? {
        precondition(points.columns == queries.columns, "points and queries differ in dimension")
        let n = points.rows, q = queries.rows, d = points.columns
        let k = max(0, min(requested, n))
        var indices = [Int32](repeating: -1, count: q * k)
        var distances = [Float](repeating: .nan, count: q * k)
        guard n > 0, q > 0, k > 0 else { return Result(k: k, indices: indices, distances: distances) }

        let normalise = measure.kernel == .cosine
        let euclidean = measure.kernel == .squaredEuclidean
        let p = normalise ? normalisedRows(points) : points
        let qs = normalise ? normalisedRows(queries) : queries
        let pointNorms = euclidean ? squaredNorms(points) : []
        let queryNorms = euclidean ? squaredNorms(queries) : []
        let selfRows: [Int] = (0..<q).map { excludeSelf ? (queryRows?[$0] ?? -1) : -1 }
        let report = measure.report
        let tileRows = Self.tileRows, tileColumns = Self.tileColumns
        let tiles = (q + tileRows - 1) / tileRows
        let tilesPerRound = Parallel.workers * 8

        let finished: Bool = qs.storage.withUnsafeBufferPointer { qb in
            p.storage.withUnsafeBufferPointer { pb in
                pointNorms.withUnsafeBufferPointer { nb in
                    queryNorms.withUnsafeBufferPointer { qnb in
                        selfRows.withUnsafeBufferPointer { sb in
                            indices.withUnsafeMutableBufferPointer { ib in
                                distances.withUnsafeMutableBufferPointer { db in
                                    guard let qa = qb.baseAddress, let pa = pb.baseAddress, let sa = sb.baseAddress,
                                          let ia = ib.baseAddress, let da = db.baseAddress else { return true }
                                    let queriesIn = SharedReads(qa), pointsIn = SharedReads(pa)
                                    // (An empty array's buffer may still have a base address.)
                                    let norms = euclidean ? nb.baseAddress.map(SharedReads.init) : nil
                                    let qNorms = euclidean ? qnb.baseAddress.map(SharedReads.init) : nil
                                    let skips = SharedReads(sa)
                                    let outI = DisjointWrites(ia), outD = DisjointWrites(da)
                                    var first = 0
                                    while first < tiles {
                                        let last = min(tiles, first + tilesPerRound)
                                        let base = first
                                        Parallel.forEachChunk(last - first) { range in
                                            var products = [Float](repeating: 0, count: tileRows * tileColumns)
                                            var tops = [TopK](repeating: TopK(k: k), count: tileRows)
                                            products.withUnsafeMutableBufferPointer { prb in
                                                guard let pr = prb.baseAddress else { return }
                                                for tile in range {
                                                    let r0 = (base + tile) * tileRows
                                                    let rows = min(tileRows, q - r0)
                                                    for i in 0..<rows { tops[i].removeAll() }
                                                    var c0 = 0
                                                    while c0 < n {
                                                        let cols = min(tileColumns, n - c0)
                                                        if d > 0 {
                                                            BLAS.sgemm(queriesIn.base + r0 * d, transA: false,
                                                                       pointsIn.base + c0 * d, transB: true, pr,
                                                                       m: rows, n: cols, k: d)
                                                        } else {
                                                            pr.update(repeating: 0, count: rows * cols)
                                                        }
                                                        for i in 0..<rows {
                                                            let skip = skips[r0 + i] - c0
                                                            if let norms {
                                                                scanSquared(pr + i * cols, norms: norms.base + c0, n: cols,
                                                                            offset: c0, skip: skip, into: &tops[i])
                                                            } else {
                                                                scanProducts(pr + i * cols, n: cols, offset: c0, skip: skip,
                                                                             into: &tops[i])
                                                            }
                                                        }
                                                        c0 += cols
                                                    }
                                                    for i in 0..<rows {
                                                        let query = r0 + i
                                                        let qn = qNorms.map { $0[query] } ?? 0
                                                        for (slot, c) in tops[i].sorted().enumerated() {
                                                            outI[query * k + slot] = c.index
                                                            let value = euclidean ? max(0, c.key + qn) : -c.key
                                                            outD[query * k + slot] = report(value)
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                        first = last
                                        if !onBlock(min(q, first * tileRows), q) { return false }
                                    }
                                    return true
                                }
                            }
                        }
                    }
                }
            }
        }
        return finished ? Result(k: k, indices: indices, distances: distances) : nil
    }

    /// Offers every point of one row of inner products to `top`, keyed −s so that smaller is nearer.
    /// Four keys at a time are reduced to their minimum and compared with the current threshold, so
    /// almost every point is rejected with three `minss` and one well-predicted branch. (A SIMD8
    /// compare with `any` was 2.5× slower: without AVX enabled it goes through the stack.)
    ///
    /// - Complexity: O(n) plus O(log k) per accepted candidate.
    @inline(__always)
    static func scanProducts(_ row: UnsafePointer<Float>, n: Int, offset: Int, skip: Int, into top: inout TopK) {
        scan(n, offset: offset, skip: skip, into: &top) { -row[$0] }
    }

    /// As `scanProducts`, keyed ‖x‖² − 2s (‖q‖² is added later) for squared Euclidean distances.
    ///
    /// - Complexity: O(n) plus O(log k) per accepted candidate.
    @inline(__always)
    static func scanSquared(_ row: UnsafePointer<Float>, norms: UnsafePointer<Float>, n: Int, offset: Int, skip: Int,
                            into top: inout TopK) {
        scan(n, offset: offset, skip: skip, into: &top) { norms[$0] - 2 * row[$0] }
    }

    @inline(__always)
    static func scan(_ n: Int, offset: Int, skip: Int, into top: inout TopK, key: (Int) -> Float) {
        var threshold = top.threshold
        @inline(__always) func consider(_ j: Int, _ kj: Float) {
            if kj <= threshold && j != skip {
                top.offer(kj, Int32(offset + j))
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
