/// The full dataset an embedding was selected from. Immutable and shared by reference, so every
/// subset and projection of a 50,000-word set points at one copy of it.
public final class Dataset: Sendable {
    /// The original vectors, one row per item.
    public let vectors: Matrix
    /// The original metadata.
    public let metadata: MetadataTable

    public init(vectors: Matrix, metadata: MetadataTable) {
        precondition(metadata.count == vectors.rows, "metadata rows differ from vector rows")
        self.vectors = vectors
        self.metadata = metadata
    }

    public var count: Int { vectors.rows }
}

/// Vectors with their metadata, the names of their axes, where each row came from, and how they
/// were made. A projection is an `Embedding` whose `axes` name 2 or 3 (or more) columns.
public struct Embedding: Sendable {
    /// n × d values.
    public var vectors: Matrix
    /// n rows of metadata.
    public var metadata: MetadataTable
    /// Names of the d columns (`pca-0`, `linear-x`, …); empty for raw vectors.
    public var axes: [String]
    /// For each row, its index in `root`.
    public var rows: [Int]
    /// The full dataset this one was selected from (itself, for a loader's output).
    public var root: Dataset
    /// Facts about how this embedding was made.
    public var notes: Notes
    /// How the axes were made (set by reducers and view loaders; nil for raw vectors). Exporters
    /// read titles and labels from here, never from axis names or notes.
    public var projection: Projection?

    /// A root embedding: every row of `vectors`, with `metadata`.
    public init(vectors: Matrix, metadata: MetadataTable, notes: Notes = Notes()) {
        self.vectors = vectors
        self.metadata = metadata
        self.axes = []
        self.rows = Array(0..<vectors.rows)
        self.root = Dataset(vectors: vectors, metadata: metadata)
        self.notes = notes
    }

    /// An embedding derived from `root`: all fields given.
    public init(vectors: Matrix, metadata: MetadataTable, axes: [String], rows: [Int], root: Dataset,
                notes: Notes, projection: Projection? = nil) {
        precondition(metadata.count == vectors.rows && rows.count == vectors.rows,
                     "embedding parts differ in row count")
        precondition(axes.isEmpty || axes.count == vectors.columns, "axis names differ from columns")
        self.vectors = vectors
        self.metadata = metadata
        self.axes = axes
        self.rows = rows
        self.root = root
        self.notes = notes
        self.projection = projection.flatMap { $0.dimensions == vectors.columns ? $0 : nil }
    }

    /// Number of points.
    public var count: Int { vectors.rows }
    /// Number of dimensions.
    public var dimensions: Int { vectors.columns }

    /// The label of row `i` (first metadata column, or the row's index).
    public func label(_ i: Int) -> String { metadata.label(i) }

    /// The name of column `j`: its axis name, or `dim-j` for raw vectors.
    public func axisName(_ j: Int) -> String { axes.isEmpty ? "dim-\(j)" : axes[j] }

    /// True when every row of the root is present, in order.
    public var isWholeRoot: Bool { rows.count == root.count && rows.elementsEqual(0..<root.count) }

    /// The subset made of `indices` (rows of this embedding), keeping axes, root and notes.
    ///
    /// - Complexity: O(k·d) for k indices.
    public func subset(_ indices: [Int]) -> Embedding {
        Embedding(vectors: vectors.selecting(rows: indices), metadata: metadata.selecting(rows: indices),
                  axes: axes, rows: indices.map { rows[$0] }, root: root, notes: notes, projection: projection)
    }

    /// The same points with new coordinates (a projection): metadata, rows and root carried over.
    /// `projection` says how the axes were made (its titles must number the columns).
    public func projected(to vectors: Matrix, axes: [String], notes: Notes, projection: Projection? = nil) -> Embedding {
        Embedding(vectors: vectors, metadata: metadata, axes: axes, rows: rows, root: root, notes: notes,
                  projection: projection)
    }
}
