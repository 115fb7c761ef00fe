import Foundation

/// A distance between vectors, defined so that exact nearest-neighbour search can compute it for a
/// block of queries with one matrix product: each measure is a monotone function of an inner
/// product of (possibly normalised) rows, or of the squared Euclidean distance.
public struct DistanceMeasure: Sendable {
    /// What the matrix product computes.
    public enum Kernel: Sendable, Equatable {
        /// x · y (larger is nearer).
        case innerProduct
        /// x̂ · ŷ of unit-length rows (larger is nearer); zero vectors stay zero.
        case cosine
        /// ‖x − y‖² (smaller is nearer).
        case squaredEuclidean
    }

    /// Short name (`cosine`), as used by `metric:` parameters.
    public let name: String
    public let kernel: Kernel
    /// Unit of the reported distance (`°` for angles).
    public let unit: String
    /// Turns a kernel value into the reported distance; monotone in the kernel's "nearer" order.
    public let report: @Sendable (Float) -> Float

    public init(name: String, kernel: Kernel, unit: String = "", report: @escaping @Sendable (Float) -> Float) {
        self.name = name
        self.kernel = kernel
        self.unit = unit
        self.report = report
    }

    /// True when larger kernel values are nearer.
    public var largerIsNearer: Bool { kernel != .squaredEuclidean }

    /// The distance between two vectors, computed directly (for single pairs; search uses BLAS).
    public func distance(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Float {
        var dot: Float = 0, xx: Float = 0, yy: Float = 0
        for i in 0..<x.count {
            dot += x[i] * y[i]
            xx += x[i] * x[i]
            yy += y[i] * y[i]
        }
        switch kernel {
        case .innerProduct: return report(dot)
        case .cosine:
            let denom = (xx * yy).squareRoot()
            return report(denom > 0 ? dot / denom : 0)
        case .squaredEuclidean: return report(max(0, xx + yy - 2 * dot))
        }
    }

    public func distance(_ x: [Float], _ y: [Float]) -> Float {
        x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in distance(px, py) } }
    }

    // The four measures of the built-in metric plugins.

    /// 1 − cos(x, y).
    public static let cosine = DistanceMeasure(name: "cosine", kernel: .cosine) { 1 - $0 }
    /// The angle between x and y, in degrees.
    public static let angle = DistanceMeasure(name: "angle", kernel: .cosine, unit: "°") {
        Float(acos(Double(min(1, max(-1, $0)))) * 180 / Double.pi)
    }
    /// ‖x − y‖.
    public static let euclidean = DistanceMeasure(name: "euclidean", kernel: .squaredEuclidean) { $0.squareRoot() }
    /// x · y (the reported value is the product itself; larger is nearer).
    public static let dot = DistanceMeasure(name: "dot", kernel: .innerProduct) { $0 }
}
