import OrreryCore

/// `exporter.tsv`: an embedding as a table a person reads (label, metadata, coordinates, with a
/// header), or as the Projector's tensor + metadata pair.
public enum TSVExporter: Exporter {
    public enum Format: String, ParameterEnum {
        /// One file: a header, then per point its metadata columns and coordinates.
        case table
        /// The Projector's pair: `path` holds the vectors only (no header); `metadata` the metadata TSV.
        case projector
    }

    public struct Parameters: ParameterSet, Equatable, ValidatingParameters {
        @Parameter(help: "the file to write, relative to the output folder", .outputPath) public var path: String
        @Parameter(help: "a table with a header, or the Projector's tensor TSV + metadata TSV")
        public var format: Format = .table
        @Parameter(help: "with format: projector, the metadata file", defaultText: "<path stem>.metadata.tsv", .outputPath)
        public var metadata: String? = nil
        @Parameter(help: "sort rows by this axis name", defaultText: "input order") public var sortBy: String? = nil
        @Parameter(help: "sort from largest to smallest") public var descending = false

        public init() {}

        public func validate() throws(ParameterError) {
            if metadata != nil && format != .projector {
                throw ParameterError("metadata", "only applies with format: projector")
            }
        }

        var metadataPath: String {
            if let metadata { return metadata }
            let stem = path.hasSuffix(".tsv") ? String(path.dropLast(4)) : path
            return stem + ".metadata.tsv"
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "exporter.tsv", kind: .exporter, version: "1.0.0",
        summary: "An embedding as a readable table (label, metadata, coordinates), or the Projector's tensor + metadata TSV pair.",
        inputs: [.embedding],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: tsv-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              first:
                uses: selector.head
                from: glove
                with: { count: 100 }
              table:
                uses: exporter.tsv
                from: first
                with: { path: first-100.tsv }
            """)

    /// - Complexity: O(n·(d + m)) for m metadata columns.
    public static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        let e = try inputs.embedding()
        var order = Array(0..<e.count)
        if let axis = p.sortBy {
            let names = (0..<e.dimensions).map(e.axisName)
            guard let j = names.firstIndex(of: axis) else {
                throw OrreryError.invalidParameter("sort-by", reason: "no axis '\(axis)'; axes: " + names.joined(separator: ", "))
            }
            order.sort { a, b in
                let (va, vb) = (e.vectors[a, j], e.vectors[b, j])
                return va != vb ? (p.descending ? va > vb : va < vb) : a < b
            }
        }
        switch p.format {
        case .table:
            var text = ""
            let clean = TSVText.clean
            let meta = e.metadata.columns
            text += (meta.map { clean($0.name) } + (0..<e.dimensions).map { clean(e.axisName($0)) }).joined(separator: "\t") + "\n"
            for i in order {
                var fields = meta.map { clean($0.values[i]) }
                for j in 0..<e.dimensions { fields.append("\(e.vectors[i, j])") }
                text += fields.joined(separator: "\t") + "\n"
            }
            return ExportResult(files: [try context.write(text, to: p.path)])
        case .projector:
            var tensor = ""
            for i in order {
                tensor += (0..<e.dimensions).map { "\(e.vectors[i, $0])" }.joined(separator: "\t") + "\n"
            }
            let (metadata, replaced) = MetadataTSV.write(e.metadata.selecting(rows: order))
            if replaced > 0 {
                context.warn("\(replaced) metadata value\(replaced == 1 ? "" : "s") held a tab or line break (or was empty in a one-column file) and \(replaced == 1 ? "was" : "were") cleaned for the Projector")
            }
            let files = [try context.write(tensor, to: p.path), try context.write(metadata, to: p.metadataPath)]
            return ExportResult(files: files)
        }
    }
}

