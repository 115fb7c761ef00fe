import OrreryCore

/// A quadtree (2-D) or octree (3-D) over the current layout, in one flat array of nodes, for the
/// Barnes-Hut approximation of t-SNE's repulsive forces.
///
/// Every node covers a contiguous range of `order` (the points in tree order), so a leaf's points
/// sit side by side in `positions`, and a node's children are contiguous in `nodes`. Leaves hold up
/// to `leafSize` points (or more when points coincide); no per-node allocation.
struct BarnesHutTree<V: SIMD>: Sendable where V: Sendable, V.Scalar == Double {
    struct Node: Sendable {
        /// Centre of mass of the node's points.
        var center: V
        /// Number of points.
        var mass: Double
        /// (Side of the node's cell)².
        var width2: Double
        /// Range of tree positions covered.
        var lo: Int32
        var hi: Int32
        /// Index of the first child (-1 for a leaf) and number of children.
        var firstChild: Int32
        var childCount: Int32
    }

    private(set) var nodes: [Node] = []
    /// Tree position → point index.
    private(set) var order: [Int32]
    /// Positions in tree order.
    private(set) var positions: [V]
    let leafSize: Int

    /// Builds the tree over `points`.
    ///
    /// - Complexity: O(n·depth) time (depth ≈ log n for spread-out points), O(n) memory.
    init(points: UnsafeBufferPointer<V>, leafSize: Int = 4) {
        let n = points.count
        self.leafSize = max(1, leafSize)
        order = (0..<n).map { Int32($0) }
        positions = Array(points)
        guard n > 0 else { return }
        var lower = points[0], upper = points[0]
        for p in points {
            lower = pointwiseMin(lower, p)
            upper = pointwiseMax(upper, p)
        }
        let center = (lower + upper) * 0.5
        let half = max((upper - lower).max() * 0.5 * (1 + 1e-9), 1e-300)
        nodes.reserveCapacity(2 * n / self.leafSize + 16)
        nodes.append(Node(center: .zero, mass: 0, width2: 0, lo: 0, hi: Int32(n), firstChild: -1, childCount: 0))
        var scratchOrder = [Int32](repeating: 0, count: n)
        var scratchPositions = [V](repeating: .zero, count: n)
        build(0, lo: 0, hi: n, cellCenter: center, half: half, minimumHalf: half * 1e-12, depth: 0,
              scratchOrder: &scratchOrder, scratchPositions: &scratchPositions)
    }

    private mutating func build(_ node: Int, lo: Int, hi: Int, cellCenter: V, half: Double, minimumHalf: Double,
                                depth: Int, scratchOrder: inout [Int32], scratchPositions: inout [V]) {
        nodes[node].width2 = 4 * half * half
        if hi - lo <= leafSize || half <= minimumHalf || depth >= 60 {
            var sum = V.zero
            for s in lo..<hi { sum += positions[s] }
            nodes[node].center = sum / Double(hi - lo)
            nodes[node].mass = Double(hi - lo)
            return
        }
        // Counting sort of the range by child cell.
        let dims = V.scalarCount
        let cells = 1 << dims
        var counts = (0, 0, 0, 0, 0, 0, 0, 0)
        var startOf = [Int](repeating: 0, count: cells + 1)
        func code(_ p: V) -> Int {
            var c = 0
            for d in 0..<dims where p[d] > cellCenter[d] { c |= 1 << d }
            return c
        }
        withUnsafeMutableBytes(of: &counts) { raw in
            let cnt = raw.bindMemory(to: Int.self)
            for s in lo..<hi { cnt[code(positions[s])] += 1 }
            startOf[0] = lo
            for c in 0..<cells { startOf[c + 1] = startOf[c] + cnt[c] }
        }
        var next = startOf
        for s in lo..<hi {
            let c = code(positions[s])
            scratchOrder[next[c]] = order[s]
            scratchPositions[next[c]] = positions[s]
            next[c] += 1
        }
        for s in lo..<hi {
            order[s] = scratchOrder[s]
            positions[s] = scratchPositions[s]
        }
        let first = nodes.count
        var children: [(Int, Int, Int)] = []  // (cell, lo, hi)
        for c in 0..<cells where startOf[c + 1] > startOf[c] {
            children.append((c, startOf[c], startOf[c + 1]))
            nodes.append(Node(center: .zero, mass: 0, width2: 0, lo: Int32(startOf[c]), hi: Int32(startOf[c + 1]),
                              firstChild: -1, childCount: 0))
        }
        nodes[node].firstChild = Int32(first)
        nodes[node].childCount = Int32(children.count)
        let quarter = half * 0.5
        var massSum = 0.0
        var weighted = V.zero
        for (i, child) in children.enumerated() {
            var childCenter = cellCenter
            for d in 0..<dims { childCenter[d] += (child.0 >> d) & 1 == 1 ? quarter : -quarter }
            build(first + i, lo: child.1, hi: child.2, cellCenter: childCenter, half: quarter, minimumHalf: minimumHalf,
                  depth: depth + 1, scratchOrder: &scratchOrder, scratchPositions: &scratchPositions)
            massSum += nodes[first + i].mass
            weighted += nodes[first + i].mass * nodes[first + i].center
        }
        nodes[node].mass = massSum
        nodes[node].center = weighted / massSum
    }
}

/// One point's repulsion, summed over a Barnes-Hut tree: Σ_j w_ij² (y_i − y_j) and Σ_j w_ij with
/// w_ij = 1 / (1 + ‖y_i − y_j‖²), a cell of side s at distance r summarised by its centre of mass
/// when s / r < θ (and it does not contain the point itself).
///
/// - Complexity: O(log n) nodes per point for fixed θ > 0 on spread-out layouts.
@inline(__always)
func barnesHutRepulsion<V: SIMD>(nodes: UnsafePointer<BarnesHutTree<V>.Node>, positions: UnsafePointer<V>,
                                 treePosition t: Int32, theta2: Double, stack: UnsafeMutablePointer<Int32>)
    -> (force: V, z: Double) where V: Sendable, V.Scalar == Double {
    let y = positions[Int(t)]
    var force = V.zero
    var z = 0.0
    var top = 1
    stack[0] = 0
    while top > 0 {
        top -= 1
        let node = nodes[Int(stack[top])]
        let contains = node.lo <= t && t < node.hi
        if !contains {
            let diff = y - node.center
            let d2 = (diff * diff).sum()
            if node.width2 < theta2 * d2 {
                let w = 1 / (1 + d2)
                let mw = node.mass * w
                z += mw
                force += (mw * w) * diff
                continue
            }
        }
        if node.firstChild < 0 {
            for s in Int(node.lo)..<Int(node.hi) where s != Int(t) {
                let diff = y - positions[s]
                let w = 1 / (1 + (diff * diff).sum())
                z += w
                force += (w * w) * diff
            }
        } else {
            for c in 0..<Int(node.childCount) {
                stack[top] = node.firstChild + Int32(c)
                top += 1
            }
        }
    }
    return (force, z)
}
