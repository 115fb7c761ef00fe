import OrreryCore

/// `reducer.sphereize`: the Projector's "Spherize data" — subtract the centroid, then scale each
/// vector to unit length (a vector equal to the centroid stays zero). The axes and the root dataset
/// are kept, so custom axes and neighbour searches in the root still see the raw vectors.
public enum SphereizeReducer: Reducer {
    public struct Parameters: ParameterSet, Equatable {
        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "reducer.sphereize", kind: .reducer, version: "1.0.0",
        summary: "Subtracts the centroid and scales every vector to unit length (the Projector's \"Spherize data\").",
        inputs: [.embedding],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: sphereize-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              top:
                uses: selector.head
                from: glove
                with: { count: 2000 }
              sphere:
                uses: reducer.sphereize
                from: top
                with: {}
              pca:
                uses: reducer.pca
                from: sphere
                with: { components: 3, mode: projector }
            """)

    /// - Complexity: O(n·d).
    public static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
        guard input.count > 0 else { throw OrreryError.emptyDataset("the input has no points") }
        // One NaN would spread through the centroid into every point.
        if let (r, c) = input.vectors.firstNonFinite() {
            throw OrreryError.shapeMismatch("input row \(r), column \(c) is NaN or infinite; sphereize needs finite values")
        }
        var notes = input.notes
        notes.set("sphereized", "centroid subtracted, unit length")
        var out = input
        out.vectors = sphereized(input.vectors)
        out.notes = notes
        return out
    }

    /// `x` with its centroid (computed in double precision) subtracted and every row scaled to unit
    /// length; rows that become zero stay zero.
    /// - Complexity: O(n·d).
    public static func sphereized(_ x: Matrix) -> Matrix {
        let n = x.rows, d = x.columns
        var centroid = [Double](repeating: 0, count: d)
        x.storage.withUnsafeBufferPointer { xs in
            for r in 0..<n { for j in 0..<d { centroid[j] += Double(xs[r * d + j]) } }
        }
        for j in 0..<d { centroid[j] /= Double(max(1, n)) }
        var out = x
        out.storage.withUnsafeMutableBufferPointer { o in
            for r in 0..<n {
                var ss = 0.0
                for j in 0..<d {
                    let v = Double(o[r * d + j]) - centroid[j]
                    o[r * d + j] = Float(v)
                    ss += v * v
                }
                let inv: Float = ss > 0 ? Float(1 / ss.squareRoot()) : 0
                for j in 0..<d { o[r * d + j] *= inv }
            }
        }
        return out
    }
}
