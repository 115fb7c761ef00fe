/// The error for a metadata file whose row count differs from its vectors', naming the
/// Projector's header rule when that rule explains the difference of one: a one-column file has
/// no header (so a header written there becomes an extra label), a file with several columns
/// starts with one (so a missing header swallows the first row).
public enum MetadataRowCount {
    public static func mismatch(_ metadata: MetadataTable, path: String, vectorsPath: String, rows: Int) -> OrreryError {
        let base = "\(path) has \(metadata.count) rows but \(vectorsPath) has \(rows)"
        if metadata.columns.count == 1, metadata.count == rows + 1, let first = metadata.columns.first?.values.first {
            return .shapeMismatch(base + ": a metadata file with one column has no header row (the Projector's rule), "
                                  + "so its first line '\(first)' is read as the label of point 0; remove that line")
        }
        if metadata.columns.count > 1, metadata.count + 1 == rows {
            let header = metadata.columns.map(\.name).joined(separator: "\\t")
            return .shapeMismatch(base + ": a metadata file with several columns starts with a header row (the Projector's rule), "
                                  + "so its first line '\(header)' was read as column names; add a header line above it")
        }
        return .shapeMismatch(base + "; row i of the metadata must describe point i")
    }
}
