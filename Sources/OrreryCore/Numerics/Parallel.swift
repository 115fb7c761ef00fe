import Foundation
import Dispatch

/// A pointer that several threads write through at once, each to its own disjoint range.
///
/// This is Orrery's one `@unchecked Sendable` type: the compiler cannot prove that parallel writers
/// touch disjoint elements, so every user of `DisjointWrites` must (and does) partition indices so
/// no element is written by two workers or read while another writes it.
public struct DisjointWrites<Element>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>
    public init(_ base: UnsafeMutablePointer<Element>) { self.base = base }
    @inline(__always) public subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// Read-only view of a buffer shared by parallel workers (nobody writes it while they run).
public struct SharedReads<Element>: @unchecked Sendable {
    public let base: UnsafePointer<Element>
    public init(_ base: UnsafePointer<Element>) { self.base = base }
    @inline(__always) public subscript(i: Int) -> Element { base[i] }
}

public enum Parallel {
    /// Number of workers for CPU-bound loops.
    public static var workers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs `body(range)` over `count` items split into contiguous chunks, one chunk per worker.
    public static func forEachChunk(_ count: Int, minimumChunk: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = max(1, min(workers * 4, count / max(1, minimumChunk)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = count * c / chunks, hi = count * (c + 1) / chunks
            if lo < hi { body(lo..<hi) }
        }
    }
}
