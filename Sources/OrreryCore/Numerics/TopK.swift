/// Keeps the k best (smallest key) of a stream of (key, index) pairs, ties broken by the smaller
/// index so results are deterministic.
///
/// - Complexity: O(log k) per accepted candidate, O(1) per rejected one; O(k) memory.
public struct TopK {
    public let k: Int
    // A max-heap on (key, index): the root is the worst kept candidate.
    private var keys: [Float]
    private var indices: [Int32]

    public init(k: Int) {
        self.k = k
        keys = []
        indices = []
        keys.reserveCapacity(k)
        indices.reserveCapacity(k)
    }

    /// Forgets every kept candidate (capacity is kept).
    public mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private static func worse(_ ka: Float, _ ia: Int32, _ kb: Float, _ ib: Int32) -> Bool {
        ka > kb || (ka == kb && ia > ib)
    }

    /// The key a candidate must beat to enter (infinity until k are kept).
    @inline(__always)
    public var threshold: Float { keys.count < k ? .infinity : keys[0] }

    @inline(__always)
    public mutating func offer(_ key: Float, _ index: Int32) {
        if keys.count < k {
            keys.append(key)
            indices.append(index)
            var c = keys.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                guard Self.worse(keys[c], indices[c], keys[p], indices[p]) else { break }
                keys.swapAt(c, p)
                indices.swapAt(c, p)
                c = p
            }
        } else if k > 0, Self.worse(keys[0], indices[0], key, index) {
            keys[0] = key
            indices[0] = index
            var p = 0
            let n = keys.count
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < n, Self.worse(keys[l], indices[l], keys[m], indices[m]) { m = l }
                if r < n, Self.worse(keys[r], indices[r], keys[m], indices[m]) { m = r }
                if m == p { break }
                keys.swapAt(p, m)
                indices.swapAt(p, m)
                p = m
            }
        }
    }

    /// The kept candidates, best first.
    public func sorted() -> [(key: Float, index: Int32)] {
        zip(keys, indices).map { ($0, $1) }.sorted { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
    }
}
