/// How faithfully a layout (a 2-D or 3-D projection) keeps the neighbourhoods of the original space.
///
/// - Trustworthiness@k (Venna & Kaski 2001; as `sklearn.manifold.trustworthiness`): 1 minus a
///   normalised penalty for every layout neighbour that is not among the original k nearest, weighted
///   by how far down the original ranking it sits. 1 is perfect; random layouts score about 0.5.
/// - kNN recall@k: the share of each point's k nearest layout neighbours that are also among its
///   k nearest original neighbours.
///
/// Both are averaged over a set of query points (all of them, or a seeded sample when there are
/// more than `sampleLimit`). Layout neighbours come from `NearestNeighborSearch` (Euclidean, as
/// scikit-learn does); original ranks from full distance rows computed a block of queries at a time
/// with `sgemm` — never an n × n matrix.
public enum ProjectionQuality {
    /// The figures for one layout.
    public struct Result: Sendable, Equatable {
        public var k: Int
        public var trustworthiness: Double
        public var recall: Double
        /// How many query points were averaged.
        public var sampled: Int
    }

    /// The most query points `annotate` uses; larger sets are sampled (seeded).
    public static let sampleLimit = 5_000

    /// `limit` distinct rows of `0..<n` chosen with `seed` (sorted), or every row when n ≤ limit.
    /// - Complexity: O(n).
    public static func sampleRows(count n: Int, limit: Int = sampleLimit, seed: UInt64) -> [Int] {
        guard n > limit else { return Array(0..<n) }
        var generator = SeededGenerator(seed: seed)
        var pool = Array(0..<n)
        for i in 0..<limit {
            let j = i + Int(generator.next() % UInt64(n - i))
            pool.swapAt(i, j)
        }
        return pool[0..<limit].sorted()
    }

    /// Trustworthiness@k and recall@k of `layout` against `original` (same rows), averaged over
    /// `queries` (rows). Requires 1 ≤ k < n/2 (scikit-learn's condition); returns nil otherwise.
    ///
    /// With every row as a query the trustworthiness equals scikit-learn's (up to ties in float
    /// distances); with a sample it is the same average over the sampled points.
    /// - Complexity: O(s·n·(d + m) + s·n·log k) time for s queries, d original and m layout
    ///   dimensions; O(n·d + B·n) memory, B ≈ 8M / n queries per block.
    public static func measure(original: Matrix, layout: Matrix, k: Int = 10, queries: [Int],
                               metric: DistanceMeasure = .euclidean) -> Result? {
        precondition(original.rows == layout.rows, "layout and original differ in row count")
        let n = original.rows, d = original.columns, s = queries.count
        guard k >= 1, 2 * k < n, s > 0 else { return nil }

        guard let layoutNeighbours = NearestNeighborSearch.search(
            points: layout, queries: layout.selecting(rows: queries), queryRows: queries, k: k,
            measure: .euclidean) else { return nil }

        let kernel = metric.kernel
        let points = kernel == .cosine ? NearestNeighborSearch.normalisedRows(original) : original
        let norms = kernel == .squaredEuclidean ? NearestNeighborSearch.squaredNorms(original) : []
        let queryVectors = points.selecting(rows: queries)
        var penalty = [Double](repeating: 0, count: s)
        var hits = [Double](repeating: 0, count: s)

        let block = max(1, min(s, (8 << 20) / n))
        var products = [Float](repeating: 0, count: block * n)
        var start = 0
        while start < s {
            let rows = min(block, s - start)
            queryVectors.storage.withUnsafeBufferPointer { qb in
                points.storage.withUnsafeBufferPointer { pb in
                    products.withUnsafeMutableBufferPointer { sb in
                        guard let qa = qb.baseAddress, let pa = pb.baseAddress, let sa = sb.baseAddress else { return }
                        if d > 0 {
                            BLAS.sgemm(qa + start * d, transA: false, pa, transB: true, sa, m: rows, n: n, k: d)
                        } else {
                            sa.update(repeating: 0, count: rows * n)
                        }
                    }
                }
            }
            products.withUnsafeBufferPointer { sb in
                norms.withUnsafeBufferPointer { nb in
                    layoutNeighbours.indices.withUnsafeBufferPointer { lb in
                        penalty.withUnsafeMutableBufferPointer { pb in
                            hits.withUnsafeMutableBufferPointer { hb in
                                guard let sa = sb.baseAddress, let la = lb.baseAddress,
                                      let pa = pb.baseAddress, let ha = hb.baseAddress else { return }
                                let products = SharedReads(sa), layoutLists = SharedReads(la)
                                // An empty array may still have a base address: decide by the kernel, not by the pointer.
                                let normsRead = kernel == .squaredEuclidean ? nb.baseAddress.map(SharedReads.init) : nil
                                let outPenalty = DisjointWrites(pa), outHits = DisjointWrites(ha)
                                let base = start
                                Parallel.forEachChunk(rows, minimumChunk: 4) { range in
                                    var scratch = [Float](repeating: 0, count: n)
                                    for r in range {
                                        let q = base + r
                                        // Keys monotone in the original distance (smaller is nearer):
                                        // ‖y‖² − 2x·y for Euclidean, −x·y for the inner-product kernels.
                                        let keys = products.base + r * n
                                        @inline(__always) func key(_ j: Int) -> Float {
                                            if let normsRead { return normsRead[j] - 2 * keys[j] }
                                            return -keys[j]
                                        }
                                        var thresholds: [Float] = []
                                        thresholds.reserveCapacity(k)
                                        for m in 0..<k {
                                            let j = Int(layoutLists[q * k + m])
                                            if j >= 0 { thresholds.append(key(j)) }
                                        }
                                        thresholds.sort()
                                        guard !thresholds.isEmpty else { continue }
                                        // below[m]: points strictly nearer than thresholds[m] (the query itself
                                        // included, removed below). One branch-free SIMD pass over the key row
                                        // per threshold; a per-point binary search
                                        // mispredicts, as most points sit below some threshold.
                                        scratch.withUnsafeMutableBufferPointer { row in
                                            if let normsRead {
                                                for j in 0..<n { row[j] = normsRead[j] - 2 * keys[j] }
                                            } else {
                                                for j in 0..<n { row[j] = -keys[j] }
                                            }
                                        }
                                        let counts: [Int] = scratch.withUnsafeBufferPointer { row in
                                            #if DEBUG
                                            // Unoptimised builds do not specialise SIMD generics, which then run
                                            // ~4× slower than this search (tests and debug runs); same counts.
                                            countsBelowBySearch(row, sorted: thresholds)
                                            #else
                                            thresholds.map { countBelow(row, $0) }
                                            #endif
                                        }
                                        let me = queries[q]
                                        let selfKey = key(me)
                                        var p = 0.0, h = 0.0
                                        for (m, t) in thresholds.enumerated() {
                                            let below = counts[m] - (selfKey < t ? 1 : 0)
                                            let rank = below + 1
                                            if rank > k { p += Double(rank - k) } else { h += 1 }
                                        }
                                        outPenalty[q] = p
                                        outHits[q] = h
                                    }
                                }
                            }
                        }
                    }
                }
            }
            start += rows
        }
        let total = penalty.reduce(0, +)
        let nk = Double(k), nn = Double(n)
        let trust = 1 - total * 2 / (Double(s) * nk * (2 * nn - 3 * nk - 1))
        let recall = hits.reduce(0, +) / (Double(s) * nk)
        return Result(k: k, trustworthiness: trust, recall: recall, sampled: s)
    }

    /// How many values of `row` are below `t`: eight compares per step, no branches.
    /// - Complexity: O(n).
    @inline(__always)
    public static func countBelow(_ row: UnsafeBufferPointer<Float>, _ t: Float) -> Int {
        guard let base = row.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        let lanes = row.count / 8
        let limit = SIMD8<Float>(repeating: t)
        var acc = SIMD8<Int32>.zero
        for i in 0..<lanes {
            let v = raw.loadUnaligned(fromByteOffset: i * 32, as: SIMD8<Float>.self)
            acc &+= SIMD8<Int32>.zero.replacing(with: 1, where: v .< limit)
        }
        var c = Int(acc.wrappedSum())
        for j in (lanes * 8)..<row.count where row[j] < t { c += 1 }
        return c
    }

    /// For each of the ascending `sorted` thresholds, how many values of `row` are below it: one pass
    /// placing each value below the largest threshold by binary search, then a running sum.
    /// - Complexity: O(n·log k).
    public static func countsBelowBySearch(_ row: UnsafeBufferPointer<Float>, sorted t: [Float]) -> [Int] {
        guard let top = t.last else { return [] }
        var bucket = [Int](repeating: 0, count: t.count)
        for v in row where v < top {
            var lo = 0, hi = t.count - 1
            while lo < hi {  // the first threshold above v
                let mid = (lo + hi) >> 1
                if t[mid] > v { hi = mid } else { lo = mid + 1 }
            }
            bucket[lo] += 1
        }
        var running = 0
        return bucket.map { running += $0; return running }
    }

    /// Measures `layout` against `original` on at most `sampleLimit` (5,000) seeded query points and writes
    /// `trustworthiness@k`, `knn-recall@k` and `quality-sample` (points used) into `notes`. Writes
    /// nothing when there are too few points (k must be below n/2).
    /// - Complexity: that of `measure` with s = min(n, 5,000).
    public static func annotate(_ notes: inout Notes, original: Matrix, layout: Matrix, k: Int = 10, seed: UInt64,
                                metric: DistanceMeasure = .euclidean, sampleLimit: Int = sampleLimit) {
        let queries = sampleRows(count: original.rows, limit: sampleLimit, seed: seed)
        guard let r = measure(original: original, layout: layout, k: k, queries: queries, metric: metric) else { return }
        notes.set("trustworthiness@\(k)", r.trustworthiness)
        notes.set("knn-recall@\(k)", r.recall)
        notes.set("quality-sample", Double(r.sampled))
    }
}
