import Foundation
import OrreryCore
import OrreryViews
import OrreryTesting

enum Iris {
    /// The real Iris files of the standalone projector, bundled in Workflows/data/iris.
    static func load() throws -> Embedding {
        let dir = Fixtures.workflowsDirectory.appendingPathComponent("data/iris")
        let m = try TensorFiles.readBytes(Data(contentsOf: dir.appendingPathComponent("iris_tensors.bytes")), shape: [150, 4], path: "iris")
        let meta = try MetadataTSV.read(contentsOf: dir.appendingPathComponent("iris_labels.tsv"), path: "labels")
        var notes = Notes()
        notes.set("source", "data/iris/iris_tensors.bytes")
        return Embedding(vectors: m, metadata: meta, notes: notes)
    }

    /// A stand-in for reducer.pca: the centred first three columns, named pca-0…2, with notes.
    static func pca(_ e: Embedding, rows: [Int]? = nil) -> Embedding {
        let base = rows.map { e.subset($0) } ?? e
        var m = Matrix(rows: base.count, columns: 3)
        for j in 0..<3 {
            let col = base.vectors.column(j)
            let mean = col.reduce(0, +) / Float(col.count)
            for i in 0..<base.count { m[i, j] = col[i] - mean }
        }
        var notes = Notes()
        notes.set("reducer", "reducer.pca")
        notes.set("explained-variance-ratio", .numbers([0.92, 0.05, 0.02]))
        notes.set("explained-variance-total", 0.99)
        return base.projected(to: m, axes: ["pca-0", "pca-1", "pca-2"], notes: notes,
                              projection: .pca(explainedVariance: [0.92, 0.05, 0.02]))
    }
}
