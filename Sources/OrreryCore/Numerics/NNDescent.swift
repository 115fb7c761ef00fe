import CPrefetch
import Dispatch
import Foundation

/// The settings of NN-descent (`NearestNeighborSearch.graph`); `defaults(n:k:)` unless tuning.
public struct NNDescentOptions: Sendable, Equatable {
    public init(trees: Int, leafSize: Int, maxCandidates: Int, iterations: Int, delta: Double, refineWidth: Int) {
        self.trees = max(1, trees)
        self.leafSize = max(2, leafSize)
        self.maxCandidates = max(2, maxCandidates)
        self.iterations = max(1, iterations)
        self.delta = delta
        self.refineWidth = max(0, refineWidth)
    }

    /// Random-projection trees (pynndescent: 5 + √n / 20, at most 64).
    public var trees: Int
    /// Largest leaf (pynndescent: max(10, k)).
    public var leafSize: Int
    /// New and old candidates sampled per point per iteration (pynndescent: min(60, k)).
    public var maxCandidates: Int
    /// Most iterations (pynndescent: max(5, log₂ n)).
    public var iterations: Int
    /// Stop when fewer than `delta · n · k` list entries changed in an iteration.
    public var delta: Double
    /// Entries of each neighbour's list offered to a row in the final neighbours-of-neighbours pass
    /// (0: no pass).
    public var refineWidth: Int

    /// Fewer trees than pynndescent (the forest was the larger cost and the joins recover the
    /// recall) and twice as many candidates (2k, at most 60): measured on the 50k GloVe set, k = 15,
    /// 3 trees and 30 candidates reach recall 0.950 in 3.1 s where 15 candidates plateau at 0.934.
    /// No neighbours-of-neighbours pass above 200,000 rows: on the 1M jittered GloVe set (k = 15)
    /// it took 16 s of 61 for recall 0.9982 against 0.9979 without it.
    public static func defaults(n: Int, k: Int) -> NNDescentOptions {
        NNDescentOptions(trees: min(12, 3 + Int((Double(n).squareRoot() / 150).rounded())),
                         leafSize: max(10, min(k, 30)),
                         maxCandidates: min(60, max(10, 2 * k)),
                         iterations: max(5, Int(log2(Double(max(2, n))).rounded())),
                         delta: 0.001,
                         refineWidth: n > 200_000 ? 0 : min(k, 16))
    }
}

/// Approximate k-nearest-neighbour graph of a point set by NN-descent (Dong, Moses & Li 2011), run
/// the way pynndescent runs it: a forest of random-projection trees gives each point a first list
/// (its leaf-mates), then rounds of "local joins" compare the sampled new and old neighbours of
/// every point with each other — a neighbour of a neighbour is likely a neighbour — until almost
/// no list changes. Rows are worked on in the first tree's leaf order (near points near in memory:
/// the joins are bound by memory latency), the result in the given order.
///
/// Deterministic whatever the number of workers: every random choice is a hash of the seed and of
/// the rows involved (never of the order work is done in); candidate lists keep the `maxCandidates`
/// smallest of those hashes, which does not depend on the order they are offered in; updates found
/// in parallel are applied by the owner of each row, in a fixed order (center blocks of a fixed
/// size, in turn). The same seed gives the same bytes on one worker or many.
///
/// - Complexity: O(n·trees·leafSize·d) for the forest and the first lists, then per iteration
///   O(n·C²·d) for the local joins (C = `maxCandidates`); typically 5–10 iterations. Memory
///   O(n·(d + k + C + trees)), no n × n structure.
enum NNDescent {
    /// The graph: `n × k` neighbour ids (nearest first, never the point itself) and their keys
    /// (smaller is nearer: −x̂·ŷ for cosine, −x·y for inner products, ‖x − y‖² for Euclidean).
    struct Graph {
        var ids: [Int32]
        var keys: [Float]
        var iterations: Int
    }

    /// - Parameters:
    ///   - points: n × d, all finite; n ≥ 2 and 1 ≤ k ≤ n − 1.
    ///   - shouldContinue: called after each iteration with (iteration, most iterations); false
    ///     stops with nil.
    ///   - workers: parallel workers (the result does not depend on it).
    static func graph(points: Matrix, k: Int, kernel: DistanceMeasure.Kernel, seed: UInt64,
                      options: NNDescentOptions? = nil, workers: Int = Parallel.workers,
                      shouldContinue: (Int, Int) -> Bool = { _, _ in true }) -> Graph? {
        let n = points.rows
        precondition(n >= 2 && k >= 1 && k < n, "NN-descent needs 1 ≤ k < n")
        let o = options ?? .defaults(n: n, k: k)
        // 1. Random-projection forest; each point starts from its leaf-mates in every tree.
        let given = PaddedRows(points, normalise: kernel == .cosine)
        var trees = buildForest(data: given, options: o, angular: kernel != .squaredEuclidean, seed: seed, workers: workers)
        // Rows renumbered in the first tree's leaf order, so near points sit near each other in
        // memory and the joins' reads of neighbours' vectors and lists stay in fewer pages and
        // cache lines; ids are mapped back in the sorted lists at the end.
        let order = trees[0].members
        var rank = [Int32](repeating: 0, count: n)
        for (r, old) in order.enumerated() { rank[Int(old)] = Int32(r) }
        let data = given.permuted(order)
        given.deallocate()
        defer { data.deallocate() }
        trees = trees.map { tree in RPTree(members: tree.members.map { rank[Int($0)] }, leafStart: tree.leafStart) }
        let metric = Metric(data: data, kernel: kernel)
        let heap = NeighborHeaps(rows: n, k: k)
        defer { heap.deallocate() }
        let heapW = heap.writes
        // Tree by tree, leaves in parallel (a point is in one leaf of a tree, so each row has one
        // writer): every pair of leaf-mates, its key computed once and offered to both rows.
        for tree in trees {
            let leaves = tree.leafStart.count - 1
            tree.members.withUnsafeBufferPointer { mb in
                tree.leafStart.withUnsafeBufferPointer { lb in
                    guard let mbase = mb.baseAddress, let lbase = lb.baseAddress else { return }
                    let members = SharedReads(mbase), starts = SharedReads(lbase)
                    parallel(leaves, workers: workers) { range in
                        for leaf in range {
                            let lo = Int(starts[leaf]), hi = Int(starts[leaf + 1])
                            for s in lo..<hi {
                                let p = members[s]
                                for t in (s + 1)..<max(s + 1, hi) {
                                    let q = members[t]
                                    let key = metric.key(Int(p), Int(q))
                                    heapW.push(Int(p), q, key, isNew: true)
                                    heapW.push(Int(q), p, key, isNew: true)
                                }
                            }
                        }
                    }
                }
            }
        }
        // Rows whose leaves held fewer than k others are filled with seeded random points.
        parallel(n, workers: workers) { range in
            for i in range {
                var attempt: UInt64 = 0
                while heapW.keys[i * k] == .infinity && attempt < UInt64(8 * k + 64) {
                    let m = Int(mix(seed, UInt64(i), attempt) % UInt64(n))
                    attempt += 1
                    if m != i { heapW.push(i, Int32(m), metric.key(i, m), isNew: true) }
                }
            }
        }

        // 2. Local joins.
        let c = o.maxCandidates
        let candidates = CandidateLists(rows: n, capacity: c)
        defer { candidates.deallocate() }
        // Centers are joined in blocks of 64 (in parallel), a round of blocks at a time; a round's
        // updates go to per-owner buckets and are applied by each row's owner, block by block. (The
        // rounds, not the blocks, decide the result: a round's updates are applied in center order
        // after it. Blocks of 64 keep both workers busy in a round of 768 centers, k = 90.)
        let blockSize = 64
        let pairsPerCenter = c * (c - 1) / 2 + c * c
        let roundSize = max(256, min(16_384, (1 << 22) / max(1, pairsPerCenter)) / 256 * 256)
        let owners = Owners(rows: n, workers: workers)
        var iteration = 0
        while iteration < o.iterations {
            iteration += 1
            buildCandidates(heap: heap, into: candidates, owners: owners, iteration: iteration, seed: seed)
            var changed = 0
            var roundStart = 0
            while roundStart < n {
                let roundEnd = min(n, roundStart + roundSize)
                let blocks = (roundEnd - roundStart + blockSize - 1) / blockSize
                var updates = [[[Update]]](repeating: [], count: blocks)
                updates.withUnsafeMutableBufferPointer { ub in
                    guard let base = ub.baseAddress else { return }
                    let out = DisjointWrites(base)
                    let cw = candidates.writes
                    let first = roundStart
                    parallel(blocks, workers: workers) { range in
                        for b in range {
                            var found = [[Update]](repeating: [], count: owners.count)
                            let lo = first + b * blockSize, hi = min(roundEnd, lo + blockSize)
                            for i in lo..<hi {
                                localJoin(center: i, candidates: cw, heap: heapW, metric: metric, owners: owners,
                                          into: &found)
                            }
                            out[b] = found
                        }
                    }
                }
                changed += apply(updates, to: heap, owners: owners)
                roundStart = roundEnd
            }
            if !shouldContinue(iteration, o.iterations) { return nil }
            if Double(changed) <= o.delta * Double(n) * Double(k) { break }
        }

        // 3. One pass over neighbours of neighbours, old entries included (the joins never pair two
        //    old entries again): every row offered the first `refineWidth` entries of each of its
        //    neighbours' lists, read from a snapshot so rows can be refined in parallel.
        if o.refineWidth > 0 {
            let width = min(k, o.refineWidth)
            let snapshot = sortedLists(heapW, rows: n, workers: workers).ids
            snapshot.withUnsafeBufferPointer { sb in
                guard let sbase = sb.baseAddress else { return }
                let snap = SharedReads(sbase)
                parallel(n, workers: workers) { range in
                    for i in range {
                        for s in 0..<k {
                            let j = Int(snap[i * k + s])
                            guard j >= 0 else { continue }
                            for t in 0..<width {
                                let l = snap[j * k + t]
                                if l >= 0 && Int(l) != i { heapW.push(i, l, metric.key(i, Int(l)), isNew: false) }
                            }
                        }
                    }
                }
            }
        }

        // 4. Sorted lists, in the given numbering.
        let (ids, keys) = sortedLists(heapW, rows: n, workers: workers, renumbering: (order, rank))
        return Graph(ids: ids, keys: keys, iterations: iteration)
    }

    // MARK: - Pieces

    /// Every row's heap as a list sorted by (key, id), unfilled slots (−1, ∞) last. With a
    /// `renumbering` (`order`: internal row → given row, `rank`: its inverse), row i of the result
    /// is internal row rank[i] with its ids mapped to given rows, sorted by the given ids on ties.
    static func sortedLists(_ heapW: HeapWrites, rows n: Int, workers: Int,
                            renumbering: (order: [Int32], rank: [Int32])? = nil) -> (ids: [Int32], keys: [Float]) {
        let k = heapW.k
        var ids = [Int32](repeating: -1, count: n * k)
        var keys = [Float](repeating: .infinity, count: n * k)
        ids.withUnsafeMutableBufferPointer { ib in
            keys.withUnsafeMutableBufferPointer { kb in
                guard let ia = ib.baseAddress, let ka = kb.baseAddress else { return }
                let outI = DisjointWrites(ia), outK = DisjointWrites(ka)
                parallel(n, workers: workers) { range in
                    for i in range {
                        let from = renumbering.map { Int($0.rank[i]) } ?? i
                        let row = (0..<k).map { s -> (Float, Int32) in
                            let id = heapW.ids[from * k + s]
                            return (heapW.keys[from * k + s], id >= 0 ? renumbering.map { $0.order[Int(id)] } ?? id : id)
                        }
                            .sorted { (a: (Float, Int32), b: (Float, Int32)) -> Bool in NNDescent.worse(b.0, b.1, a.0, a.1) }
                        for (s, e) in row.enumerated() {
                            outK[i * k + s] = e.0
                            outI[i * k + s] = e.1
                        }
                    }
                }
            }
        }
        return (ids, keys)
    }

    struct Update: Sendable {
        var p: Int32
        var q: Int32
        var key: Float
    }

    /// Rows copied into a buffer whose row length is a multiple of 8 (zero padded), normalised for
    /// cosine, so distances run on whole SIMD8 lanes.
    struct PaddedRows: Sendable {
        let rows: Int
        let stride: Int
        let base: SharedReads<Float>
        private let owned: DisjointWrites<Float>

        init(_ m: Matrix, normalise: Bool) {
            let s = max(8, (m.columns + 7) / 8 * 8)
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, m.rows * s))
            buffer.initialize(repeating: 0, count: max(1, m.rows * s))
            let src = normalise ? NearestNeighborSearch.normalisedRows(m) : m
            src.storage.withUnsafeBufferPointer { b in
                for r in 0..<m.rows {
                    for j in 0..<m.columns { buffer[r * s + j] = b[r * m.columns + j] }
                }
            }
            rows = m.rows
            stride = s
            owned = DisjointWrites(buffer)
            base = SharedReads(UnsafePointer(buffer))
        }

        private init(rows: Int, stride: Int, buffer: UnsafeMutablePointer<Float>) {
            self.rows = rows
            self.stride = stride
            owned = DisjointWrites(buffer)
            base = SharedReads(UnsafePointer(buffer))
        }

        /// A copy whose row r is row order[r] of this one.
        func permuted(_ order: [Int32]) -> PaddedRows {
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, rows * stride))
            if rows == 0 { buffer.initialize(to: 0) }
            for r in 0..<rows { (buffer + r * stride).initialize(from: row(Int(order[r])), count: stride) }
            return PaddedRows(rows: rows, stride: stride, buffer: buffer)
        }

        func deallocate() { owned.base.deallocate() }

        @inline(__always) func row(_ i: Int) -> UnsafePointer<Float> { base.base + i * stride }

        /// Hints that row `i` will be read soon.
        @inline(__always) func prefetch(_ i: Int) { orrery_prefetch_bytes(row(i), stride * 4) }
    }

    /// The key between two rows (smaller is nearer).
    struct Metric: Sendable {
        let data: PaddedRows
        let kernel: DistanceMeasure.Kernel

        /// Hints that row `a`'s vector will be read soon.
        @inline(__always) func prefetch(_ a: Int) { data.prefetch(a) }

        @inline(__always) func key(_ a: Int, _ b: Int) -> Float {
            let x = UnsafeRawPointer(data.row(a)), y = UnsafeRawPointer(data.row(b))
            var acc = SIMD8<Float>(repeating: 0)
            var off = 0
            let bytes = data.stride * 4
            if kernel == .squaredEuclidean {
                while off < bytes {
                    let diff = x.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
                        - y.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
                    acc += diff * diff
                    off += 32
                }
                return acc.sum()
            }
            while off < bytes {
                acc += x.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self) * y.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
                off += 32
            }
            return -acc.sum()
        }
    }

    /// One bounded max-heap of (key, id, new?) per row, k slots, unfilled slots (∞, −1).
    struct NeighborHeaps: Sendable {
        let rows: Int
        let k: Int
        let writes: HeapWrites

        init(rows: Int, k: Int) {
            self.rows = rows
            self.k = k
            let count = max(1, rows * k)
            let keys = UnsafeMutablePointer<Float>.allocate(capacity: count)
            keys.initialize(repeating: .infinity, count: count)
            let ids = UnsafeMutablePointer<Int32>.allocate(capacity: count)
            ids.initialize(repeating: -1, count: count)
            let flags = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
            flags.initialize(repeating: 0, count: count)
            writes = HeapWrites(k: k, keys: DisjointWrites(keys), ids: DisjointWrites(ids), flags: DisjointWrites(flags))
        }

        func deallocate() {
            writes.keys.base.deallocate()
            writes.ids.base.deallocate()
            writes.flags.base.deallocate()
        }
    }

    /// The heaps' buffers, written only by the worker that owns a row (or read while nobody writes).
    struct HeapWrites: Sendable {
        let k: Int
        let keys: DisjointWrites<Float>
        let ids: DisjointWrites<Int32>
        let flags: DisjointWrites<UInt8>

        /// Hints that row `i`'s root key and ids will be read soon.
        @inline(__always) func prefetch(_ i: Int) {
            orrery_prefetch(keys.base + i * k)
            orrery_prefetch_bytes(ids.base + i * k, k * 4)
        }

        /// Offers `id` at `key` to row `i`; true when it entered. Ties go to the smaller id, and an id
        /// already in the row is refused, so the kept set does not depend on the order of offers.
        @inline(__always) @discardableResult
        func push(_ i: Int, _ id: Int32, _ key: Float, isNew: Bool) -> Bool {
            let base = i * k
            // The root's key decides but for ties; its id is read only then (one cache line fewer
            // for the usual refusal).
            let rootKey = keys[base]
            guard key <= rootKey, key < rootKey || worse(rootKey, ids[base], key, id) else { return false }
            if NNDescent.contains(ids.base + base, count: k, id) { return false }
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                var mk = key, mi = id
                if l < k, worse(keys[base + l], ids[base + l], mk, mi) { m = l; mk = keys[base + l]; mi = ids[base + l] }
                if r < k, worse(keys[base + r], ids[base + r], mk, mi) { m = r }
                if m == p { break }
                keys[base + p] = keys[base + m]
                ids[base + p] = ids[base + m]
                flags[base + p] = flags[base + m]
                p = m
            }
            keys[base + p] = key
            ids[base + p] = id
            flags[base + p] = isNew ? 1 : 0
            return true
        }

    }

    /// Per row: up to `capacity` new and `capacity` old candidates, kept by smallest priority.
    struct CandidateLists: Sendable {
        let capacity: Int
        let writes: CandidateWrites

        init(rows: Int, capacity: Int) {
            self.capacity = capacity
            let count = max(1, rows * capacity)
            func ids() -> DisjointWrites<Int32> {
                let p = UnsafeMutablePointer<Int32>.allocate(capacity: count)
                p.initialize(repeating: -1, count: count)
                return DisjointWrites(p)
            }
            func priorities() -> DisjointWrites<UInt32> {
                let p = UnsafeMutablePointer<UInt32>.allocate(capacity: count)
                p.initialize(repeating: .max, count: count)
                return DisjointWrites(p)
            }
            writes = CandidateWrites(capacity: capacity, newIds: ids(), newPriority: priorities(),
                                     oldIds: ids(), oldPriority: priorities())
        }

        func deallocate() {
            writes.newIds.base.deallocate()
            writes.newPriority.base.deallocate()
            writes.oldIds.base.deallocate()
            writes.oldPriority.base.deallocate()
        }
    }

    struct CandidateWrites: Sendable {
        let capacity: Int
        let newIds: DisjointWrites<Int32>
        let newPriority: DisjointWrites<UInt32>
        let oldIds: DisjointWrites<Int32>
        let oldPriority: DisjointWrites<UInt32>

        func clear(_ i: Int) {
            for s in 0..<capacity {
                newIds[i * capacity + s] = -1
                newPriority[i * capacity + s] = .max
                oldIds[i * capacity + s] = -1
                oldPriority[i * capacity + s] = .max
            }
        }

        /// Hints that row `i`'s new or old list will be read soon.
        @inline(__always) func prefetch(_ i: Int, new: Bool) {
            orrery_prefetch((new ? newPriority : oldPriority).base + i * capacity)
            orrery_prefetch((new ? newIds : oldIds).base + i * capacity)
        }

        /// Offers `id` with `priority` to row `i`'s new or old list (a max-heap on (priority, id)).
        @inline(__always)
        func push(_ i: Int, _ id: Int32, _ priority: UInt32, new: Bool) {
            let ids = new ? newIds : oldIds, pri = new ? newPriority : oldPriority
            let base = i * capacity
            let rootPriority = pri[base]
            guard priority <= rootPriority, priority < rootPriority || worse(rootPriority, ids[base], priority, id)
            else { return }
            if NNDescent.contains(ids.base + base, count: capacity, id) { return }
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                var mp = priority, mi = id
                if l < capacity, worse(pri[base + l], ids[base + l], mp, mi) { m = l; mp = pri[base + l]; mi = ids[base + l] }
                if r < capacity, worse(pri[base + r], ids[base + r], mp, mi) { m = r }
                if m == p { break }
                pri[base + p] = pri[base + m]
                ids[base + p] = ids[base + m]
                p = m
            }
            pri[base + p] = priority
            ids[base + p] = id
        }
    }

    /// One random-projection tree: its leaves as runs of `members`.
    struct RPTree: Sendable {
        var members: [Int32]
        var leafStart: [Int32]

        init(members: [Int32], leafStart: [Int32]) {
            self.members = members
            self.leafStart = leafStart
        }

        /// Splits by the hyperplane between two random points of the node (through the origin for
        /// angular data, through their midpoint otherwise), ties and one-sided splits broken by the
        /// seeded generator, until nodes hold at most `leafSize` points.
        ///
        /// - Complexity: O(n·d·depth), depth ≈ log₂(n / leafSize).
        init(data: PaddedRows, leafSize: Int, angular: Bool, seed: UInt64) {
            let n = data.rows, s = data.stride, lanes = s / 8
            var rng = SeededGenerator(seed: seed)
            var order = (0..<n).map { Int32($0) }
            var starts: [Int32] = []
            var stack = [(0, n)]
            // The hyperplane's normal, the points' sides and the right-hand points of a split, in
            // buffers kept across nodes.
            let normal = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: max(1, lanes))
            defer { normal.deallocate() }
            var side = [Bool](repeating: false, count: n)
            var right = [Int32](repeating: 0, count: n)
            @inline(__always) func vector(_ row: UnsafePointer<Float>, _ l: Int) -> SIMD8<Float> {
                UnsafeRawPointer(row).loadUnaligned(fromByteOffset: l * 32, as: SIMD8<Float>.self)
            }
            while let (lo, hi) = stack.popLast() {
                if hi - lo <= leafSize {
                    starts.append(Int32(lo))
                    continue
                }
                let a = Int(order[lo + Int(rng.next() % UInt64(hi - lo))])
                var b = Int(order[lo + Int(rng.next() % UInt64(hi - lo - 1))])
                if b == a { b = Int(order[hi - 1]) }
                let xa = data.row(a), xb = data.row(b)
                var offset: Float = 0
                if angular {
                    var na = SIMD8<Float>(repeating: 0), nb = SIMD8<Float>(repeating: 0)
                    for l in 0..<lanes {
                        na += vector(xa, l) * vector(xa, l)
                        nb += vector(xb, l) * vector(xb, l)
                    }
                    let sa = na.sum(), sb = nb.sum()
                    let ia: Float = sa > 0 ? 1 / sa.squareRoot() : 0, ib: Float = sb > 0 ? 1 / sb.squareRoot() : 0
                    for l in 0..<lanes { normal[l] = vector(xa, l) * ia - vector(xb, l) * ib }
                } else {
                    var acc = SIMD8<Float>(repeating: 0)
                    for l in 0..<lanes {
                        normal[l] = vector(xa, l) - vector(xb, l)
                        acc += normal[l] * (vector(xa, l) + vector(xb, l))
                    }
                    offset = -acc.sum() / 2
                }
                var left = 0
                order.withUnsafeBufferPointer { ob in
                    side.withUnsafeMutableBufferPointer { sideb in
                        for t in lo..<hi {
                            // Deep nodes' rows are scattered: the row 8 ahead is prefetched.
                            if t + 8 < hi { data.prefetch(Int(ob[t + 8])) }
                            let x = data.row(Int(ob[t]))
                            var acc = SIMD8<Float>(repeating: 0)
                            for l in 0..<lanes { acc += normal[l] * vector(x, l) }
                            let margin = offset + acc.sum()
                            let goesLeft = margin == 0 ? (rng.next() & 1 == 0) : margin > 0
                            sideb[t] = goesLeft
                            if goesLeft { left += 1 }
                        }
                    }
                }
                var mid: Int
                if left == 0 || left == hi - lo {
                    mid = lo + (hi - lo) / 2
                } else {
                    // Stable partition: the left points in order, then the right ones.
                    order.withUnsafeMutableBufferPointer { ob in
                        right.withUnsafeMutableBufferPointer { rb in
                            var l = lo, r = 0
                            for t in lo..<hi {
                                let v = ob[t]
                                if side[t] { ob[l] = v; l += 1 } else { rb[r] = v; r += 1 }
                            }
                            for t in 0..<r { ob[l + t] = rb[t] }
                        }
                    }
                    mid = lo + left
                }
                stack.append((mid, hi))
                stack.append((lo, mid))
            }
            // Leaves in ascending order of start, closed by n.
            starts.sort()
            starts.append(Int32(n))
            members = order
            leafStart = starts
        }
    }

    /// The forest, trees built in parallel (each from its own seed).
    static func buildForest(data: PaddedRows, options o: NNDescentOptions, angular: Bool, seed: UInt64,
                            workers: Int) -> [RPTree] {
        var trees = [RPTree?](repeating: nil, count: o.trees)
        trees.withUnsafeMutableBufferPointer { tb in
            guard let base = tb.baseAddress else { return }
            let out = DisjointWrites(base)
            parallel(o.trees, workers: workers) { range in
                for t in range {
                    out[t] = RPTree(data: data, leafSize: o.leafSize, angular: angular, seed: mix(seed, 0x7265_6573, UInt64(t)))
                }
            }
        }
        return trees.compactMap { $0 }
    }

    /// Every row's new and old candidates for this iteration: its own list entries and the rows
    /// that list it (reverse neighbours), kept by a hash priority; sampled new entries become old.
    ///
    /// - Complexity: O(workers·n·k) reads (each worker scans every list, keeping what it owns).
    static func buildCandidates(heap: NeighborHeaps, into lists: CandidateLists, owners: Owners, iteration: Int,
                                seed: UInt64) {
        let h = heap.writes, c = lists.writes, k = heap.k
        let n = heap.rows
        DispatchQueue.concurrentPerform(iterations: owners.count) { w in
            owners.forEachRow(of: w) { c.clear($0) }
            let ahead = 2
            for i in 0..<n {
                let ownI = owners.owner(Int32(i)) == w
                // The candidate rows this worker will push to, two rows ahead (scattered reverse
                // entries), prefetched.
                if i + ahead < n {
                    for s in 0..<k {
                        let j = h.ids[(i + ahead) * k + s]
                        if j >= 0, owners.owner(j) == w { c.prefetch(Int(j), new: h.flags[(i + ahead) * k + s] != 0) }
                    }
                }
                for s in 0..<k {
                    let j32 = h.ids[i * k + s]
                    guard j32 >= 0 else { continue }
                    let j = Int(j32)
                    let ownJ = owners.owner(j32) == w
                    guard ownI || ownJ else { continue }
                    let isNew = h.flags[i * k + s] != 0
                    let priority = pairPriority(seed: seed, iteration: iteration, i, j)
                    if ownI { c.push(i, j32, priority, new: isNew) }
                    if ownJ { c.push(j, Int32(i), priority, new: isNew) }
                }
            }
        }
        // Sampled new entries are old from now on (after every worker has read the flags). A new
        // entry of row i was offered to i's new list with its pair's priority, so it was kept when
        // the list is not full or it is not worse than the list's worst (its root).
        DispatchQueue.concurrentPerform(iterations: owners.count) { w in
            owners.forEachRow(of: w) { i in
                let rootPriority = c.newPriority[i * c.capacity], rootId = c.newIds[i * c.capacity]
                for s in 0..<k where h.flags[i * k + s] != 0 {
                    let j = Int(h.ids[i * k + s])
                    let priority = pairPriority(seed: seed, iteration: iteration, i, j)
                    if !NNDescent.worse(priority, Int32(j), rootPriority, rootId) { h.flags[i * k + s] = 0 }
                }
            }
        }
    }

    /// The priority of the pair {i, j} in an iteration's candidate lists (smaller is kept first):
    /// the same from either end, so a row's new list can be asked later whether it kept an entry.
    @inline(__always) static func pairPriority(seed: UInt64, iteration: Int, _ i: Int, _ j: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: mix(seed, UInt64(iteration), UInt64(min(i, j)) << 32 | UInt64(max(i, j))) >> 33)
    }

    /// Rows dealt to `count` workers in stripes of 64, in turn. (Not in contiguous halves: rows are
    /// numbered in leaf order, so a round of consecutive centers finds updates for rows near
    /// them, which halves would hand to one worker while the other waits.)
    struct Owners: Sendable {
        static let stripe = 64
        let rows: Int
        let count: Int

        init(rows: Int, workers: Int) {
            self.rows = rows
            count = max(1, min(workers, rows))
        }

        @inline(__always) func owner(_ row: Int32) -> Int { (Int(row) / Self.stripe) % count }

        /// `body(row)` for the rows of worker `w`, ascending.
        @inline(__always) func forEachRow(of w: Int, _ body: (Int) -> Void) {
            var start = w * Self.stripe
            while start < rows {
                for i in start..<min(rows, start + Self.stripe) { body(i) }
                start += count * Self.stripe
            }
        }
    }

    /// Pairs of candidates of one center (new × new, new × old) that would improve either list,
    /// as directed updates in the bucket of the row they change.
    static func localJoin(center i: Int, candidates c: CandidateWrites, heap h: HeapWrites, metric: Metric,
                          owners: Owners, into found: inout [[Update]]) {
        let cap = c.capacity, k = h.k
        let base = i * cap
        // The candidates' current thresholds (their lists' farthest keys), read once per center
        // rather than once per pair.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * cap) { thresholds in
            guard let t = thresholds.baseAddress else { return }
            // The candidates' vectors are prefetched meanwhile (scattered rows, each read by every
            // pair the candidate is in).
            for a in 0..<cap {
                let p = c.newIds[base + a], q = c.oldIds[base + a]
                if p >= 0 { metric.prefetch(Int(p)) }
                if q >= 0 { metric.prefetch(Int(q)) }
                t[a] = p >= 0 ? h.keys[Int(p) * k] : -.infinity
                t[cap + a] = q >= 0 ? h.keys[Int(q) * k] : -.infinity
            }
            @inline(__always) func offer(_ p: Int32, _ pt: Float, _ q: Int32, _ qt: Float) {
                let key = metric.key(Int(p), Int(q))
                if key <= pt { found[owners.owner(p)].append(Update(p: p, q: q, key: key)) }
                if key <= qt { found[owners.owner(q)].append(Update(p: q, q: p, key: key)) }
            }
            for a in 0..<cap {
                let p = c.newIds[base + a]
                guard p >= 0 else { continue }
                let pt = t[a]
                for b in (a + 1)..<max(a + 1, cap) {
                    let q = c.newIds[base + b]
                    if q >= 0 && q != p { offer(p, pt, q, t[b]) }
                }
                for b in 0..<cap {
                    let q = c.oldIds[base + b]
                    if q >= 0 && q != p { offer(p, pt, q, t[cap + b]) }
                }
            }
        }
    }

    /// Applies a round's updates (row p gets q): each owner its own bucket of every block, in block
    /// order; returns the entries changed.
    static func apply(_ updates: [[[Update]]], to heap: NeighborHeaps, owners: Owners) -> Int {
        let h = heap.writes
        var counts = [Int](repeating: 0, count: owners.count)
        counts.withUnsafeMutableBufferPointer { cb in
            guard let cbase = cb.baseAddress else { return }
            let out = DisjointWrites(cbase)
            updates.withUnsafeBufferPointer { ub in
                guard let ubase = ub.baseAddress else { return }
                let all = SharedReads(ubase), blocks = ub.count
                DispatchQueue.concurrentPerform(iterations: owners.count) { w in
                    var changed = 0
                    // The heap rows of the update 8 ahead are prefetched: they are scattered, and
                    // push would otherwise wait for each row's lines in turn.
                    let ahead = 8
                    for b in 0..<blocks where w < all[b].count {
                        all[b][w].withUnsafeBufferPointer { ub in
                            for t in 0..<ub.count {
                                if t + ahead < ub.count { h.prefetch(Int(ub[t + ahead].p)) }
                                let u = ub[t]
                                if h.push(Int(u.p), u.q, u.key, isNew: true) { changed += 1 }
                            }
                        }
                    }
                    out[w] = changed
                }
            }
        }
        return counts.reduce(0, +)
    }

    /// (ka, ia) is farther — a worse list entry or candidate — than (kb, ib): a larger key, or a
    /// larger id at the same key; an unfilled slot (id −1) is worse than any filled one at the same
    /// key.
    @inline(__always) static func worse<Key: Comparable>(_ ka: Key, _ ia: Int32, _ kb: Key, _ ib: Int32) -> Bool {
        if ka != kb { return ka > kb }
        if ia < 0 || ib < 0 { return ia < 0 && ib >= 0 }
        return ia > ib
    }

    /// Whether `id` is among `count` ids at `row`, eight at a time (the duplicate check of every
    /// heap push).
    @inline(__always) static func contains(_ row: UnsafeMutablePointer<Int32>, count: Int, _ id: Int32) -> Bool {
        let raw = UnsafeRawPointer(row)
        let target = SIMD8<Int32>(repeating: id)
        var s = 0
        while s + 8 <= count {
            if any(raw.loadUnaligned(fromByteOffset: s * 4, as: SIMD8<Int32>.self) .== target) { return true }
            s += 8
        }
        while s < count {
            if row[s] == id { return true }
            s += 1
        }
        return false
    }

    /// `body(range)` over `count` items in `workers` contiguous ranges.
    static func parallel(_ count: Int, workers: Int, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = max(1, min(workers * 4, count))
        if workers <= 1 || chunks == 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = count * c / chunks, hi = count * (c + 1) / chunks
            if lo < hi { body(lo..<hi) }
        }
    }

    /// A 64-bit hash of the seed and two values (SplitMix64 finaliser over their mix).
    @inline(__always) static func mix(_ seed: UInt64, _ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = seed &+ a &* 0x9E37_79B9_7F4A_7C15 &+ b &* 0xC2B2_AE3D_27D4_EB4F
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
