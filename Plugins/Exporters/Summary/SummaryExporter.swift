import OrreryCore

/// `exporter.summary`: the points at both ends of an axis — "the 10 lowest and 10 highest words on
/// worst → best" — printed by `orrery run` and, with `path`, written to a file.
public enum SummaryExporter: Exporter {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the axis name, e.g. linear-x or pca-0", defaultText: "the first axis") public var axis: String? = nil
        @Parameter(help: "points shown at each end", .atLeast(1)) public var count = 10
        @Parameter(help: "also write the summary to this file", .outputPath) public var path: String? = nil
        @Parameter(help: "decimals of the coordinates", .range(0...9)) public var decimals = 3

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "exporter.summary", kind: .exporter, version: "1.0.0",
        summary: "The `count` lowest and highest points along an axis, printed (and written with `path`).",
        inputs: [.embedding],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: summary-example
            seed: 7
            steps:
              glove:
                uses: loader.npy
                with: { path: data/glove.6B.50d.top50k.npy, metadata: data/glove.6B.50d.top50k.words.tsv }
              near:
                uses: selector.neighbors
                from: glove
                with: { of: music, k: 50 }
              axis:
                uses: reducer.custom-axis
                from: near
                with: { x: { from: old, to: new } }
              ends:
                uses: exporter.summary
                from: axis
                with: { count: 5 }
            """)

    /// - Complexity: O(n log n).
    public static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        let e = try inputs.embedding()
        guard e.count > 0, e.dimensions > 0 else { throw OrreryError.emptyDataset("nothing to summarise") }
        let names = (0..<e.dimensions).map(e.axisName)
        var j = 0
        if let axis = p.axis {
            guard let found = names.firstIndex(of: axis) else {
                throw OrreryError.invalidParameter("axis", reason: "no axis '\(axis)'; axes: " + names.joined(separator: ", "))
            }
            j = found
        }
        let order = (0..<e.count).sorted { a, b in
            e.vectors[a, j] != e.vectors[b, j] ? e.vectors[a, j] < e.vectors[b, j] : a < b
        }
        let shown = e.axisTitle(j)
        let title = shown == names[j] ? names[j] : "\(names[j]) (\(shown))"
        let n = min(p.count, e.count)
        func line(_ rank: Int, _ i: Int) -> String {
            "  \(rank). \(e.label(i))  \(NumberText.fixed(Double(e.vectors[i, j]), p.decimals))"
        }
        var text = "lowest \(n) on \(title):\n"
        text += order.prefix(n).enumerated().map { line($0 + 1, $1) }.joined(separator: "\n")
        text += "\nhighest \(n) on \(title):\n"
        text += order.reversed().prefix(n).enumerated().map { line($0 + 1, $1) }.joined(separator: "\n")
        var files: [String] = []
        if let path = p.path { files.append(try context.write(text + "\n", to: path)) }
        return ExportResult(files: files, report: text)
    }
}
