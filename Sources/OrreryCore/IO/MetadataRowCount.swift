/// The error for a metadata file whose row count differs from its vectors', naming the
/// Projector's header rule when that rule explains the difference of one: a one-column file has
/// no header (so a header written there becomes an extra label), a file with several columns
/// starts with one (so a missing header swallows the first row).
public enum MetadataRowCount {
    public static func mismatch(_ metadata: MetadataTable, path: String, vectorsPath: String, rows: Int) -> OrreryError {
        let base = "\(path) has \(metadata.count) row\(metadata.count == 1 ? "" : "s") but \(vectorsPath) has \(rows)"
        if metadata.columns.count == 1, metadata.count == rows + 1, let first = metadata.columns.first?.values.first {
            return .shapeMismatch(base + ": if its first line ('\(first)') is a header, remove it; "
                                  + "a metadata file with one column has no header row (the Projector's rule)")
        }
        if metadata.columns.count > 1, metadata.count + 1 == rows {
            let header = metadata.columns.map(\.name).joined(separator: "\\t")
            return .shapeMismatch(base + ": if its first line ('\(header)') is data, add a header line above it; "
                                  + "a metadata file with several columns starts with a header row (the Projector's rule)")
        }
        return .shapeMismatch(base + "; row i of the metadata must describe point i")
    }
}
