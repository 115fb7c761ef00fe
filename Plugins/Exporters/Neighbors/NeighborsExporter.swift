import OrreryCore

/// `exporter.neighbors`: neighbour lists as text (`blue: (red, 47.6°), (yellow, 51.9°)`) or as a TSV
/// (query, rank, neighbour, distance). The text form is also printed by `orrery run`.
public enum NeighborsExporter: Exporter {
    public enum Format: String, ParameterEnum {
        case text, tsv, auto
    }

    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the file to write, relative to the output folder", .outputPath) public var path: String
        @Parameter(help: "auto: TSV for a .tsv path, text otherwise") public var format: Format = .auto
        @Parameter(help: "decimals of distances in the text form", defaultText: "1 for degrees, 3 otherwise", .range(0...9))
        public var decimals: Int? = nil
        @Parameter(help: "queries printed by `orrery run` (the file has all)", .nonNegative) public var show = 20

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "exporter.neighbors", kind: .exporter, version: "1.0.0",
        summary: "Neighbour lists as text — blue: (red, 47.6°), (yellow, 51.9°) — or as a TSV; the text is also printed.",
        inputs: [PortDescriptor("input", accepts: [.neighbors], summary: "neighbour lists from a metric step")],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: neighbors-export-example
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              angles:
                uses: metric.angle
                from: glove
                with: { queries: [blue], k: 3 }
              text:
                uses: exporter.neighbors
                from: angles
                with: { path: blue.txt }
            """)

    /// - Complexity: O(q·k).
    public static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        guard let n = inputs.neighbors("input") else { throw OrreryError.missingInput("input") }
        let lines = textLines(n, decimals: p.decimals ?? (n.unit == "°" ? 1 : 3))
        let tsv = p.format == .tsv || (p.format == .auto && p.path.hasSuffix(".tsv"))
        let body: String
        if tsv {
            var s = "query\trank\tneighbor\tdistance\n"
            for q in n.queries.indices {
                for (rank, item) in n.list(q).enumerated() {
                    s += "\(TSVText.clean(n.embedding.label(n.queries[q])))\t\(rank + 1)\t"
                        + "\(TSVText.clean(n.embedding.label(item.row)))\t\(item.distance)\n"
                }
            }
            body = s
        } else {
            body = lines.joined(separator: "\n") + "\n"
        }
        let file = try context.write(body, to: p.path)
        var report = lines.prefix(p.show).joined(separator: "\n")
        if lines.count > p.show { report += "\n… \(lines.count - p.show) more in \(p.path)" }
        return ExportResult(files: [file], report: p.show == 0 ? nil : report)
    }

    /// `blue: (red, 47.6°), (yellow, 51.9°)` per query.
    public static func textLines(_ n: Neighbors, decimals: Int) -> [String] {
        n.queries.indices.map { q in
            n.embedding.label(n.queries[q]) + ": " + n.list(q).map {
                "(\(n.embedding.label($0.row)), \(NumberText.fixed(Double($0.distance), decimals))\(n.unit))"
            }.joined(separator: ", ")
        }
    }
}
