/// Named string columns describing each row of an embedding (the Projector's metadata TSV).
///
/// A column is *numeric* iff every non-missing (non-empty) value parses as a number — the
/// Projector's rule.
public struct MetadataTable: Sendable, Equatable {
    /// One named column of values; `values.count` equals the table's `count`.
    public struct Column: Sendable, Equatable {
        public var name: String
        public var values: [String]
        public init(name: String, values: [String]) {
            self.name = name
            self.values = values
        }
        /// True when every non-empty value parses as a number (and at least one does).
        public var isNumeric: Bool {
            var any = false
            for v in values where !v.isEmpty {
                guard Double(v) != nil else { return false }
                any = true
            }
            return any
        }
    }

    public private(set) var columns: [Column]
    /// Number of rows.
    public let count: Int

    /// A table of `columns`, every one with `count` values.
    public init(count: Int, columns: [Column] = []) {
        precondition(columns.allSatisfy { $0.values.count == count }, "metadata columns differ in length")
        self.count = count
        self.columns = columns
    }

    /// A single `label` column.
    public init(labels: [String], name: String = "label") {
        self.init(count: labels.count, columns: [Column(name: name, values: labels)])
    }

    /// The column called `name`, if any.
    public func column(named name: String) -> Column? { columns.first { $0.name == name } }

    /// The column used to name points: the first one (the Projector's default label).
    public var labelColumn: Column? { columns.first }

    /// The label of row `i`, or its index when there is no metadata.
    public func label(_ i: Int) -> String { labelColumn?.values[i] ?? String(i) }

    /// Column names in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// Adds or replaces a column.
    public mutating func set(_ column: Column) {
        precondition(column.values.count == count, "metadata column length differs")
        if let i = columns.firstIndex(where: { $0.name == column.name }) {
            columns[i] = column
        } else {
            columns.append(column)
        }
    }

    /// The rows at `indices`, in that order.
    public func selecting(rows indices: [Int]) -> MetadataTable {
        MetadataTable(count: indices.count,
                      columns: columns.map { c in Column(name: c.name, values: indices.map { c.values[$0] }) })
    }
}
