import Foundation
import OrreryCore
import OrreryViews

/// `exporter.bookmarks`: the Projector's bookmarks file (a JSON array of `State` objects), one
/// bookmark per projection that feeds it. Load it in the Projector's bookmark panel, or name it
/// as `bookmarks_path` beside the dataset's tensor.
///
/// Each state refers to the projection's root dataset: when the projection covers a subset,
/// `filteredPoints` isolates those points (indices into the root) and `projections` holds one
/// object per isolated point.
public enum BookmarksExporter: Exporter {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the file, relative to the output folder", .outputPath) public var path = "bookmarks.txt"
        @Parameter(help: "the bookmark's name (numbered when several)", defaultText: "from notes")
        public var label: String? = nil
        @Parameter(help: "mark the first bookmark as selected") public var selected = true

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "exporter.bookmarks", kind: .exporter, version: "1.0.0",
        summary: "The Projector's bookmarks (State JSON): one bookmark per PCA, t-SNE, UMAP or custom-axis projection.",
        inputs: [
            PortDescriptor("input", accepts: [.embedding], summary: "projections (axes pca-*, tsne-*, umap-*, linear-x/y)", multiple: true),
            PortDescriptor("selection", accepts: [.embedding], summary: "points to select", required: false),
        ],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: bookmarks-example
            steps:
              iris-pca:
                uses: loader.projector
                with: { path: data/iris/projector_config.json, bookmark: "PCA (2 components, 97.8% of variance)" }
              marks:
                uses: exporter.bookmarks
                from: iris-pca
                with: { path: iris-bookmarks.txt, label: Iris PCA }
            """)

    public static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        let projections = inputs.embeddings("input")
        guard !projections.isEmpty else { throw OrreryError.missingInput("input") }
        let selection = inputs.optionalEmbedding("selection")
        var states: [ProjectorState] = []
        for (i, e) in projections.enumerated() {
            var label = p.label ?? defaultLabel(e)
            if p.label != nil && projections.count > 1 { label += " \(i + 1)" }
            let made = try ProjectorState.make(projection: e, reference: nil, label: label, selection: selection)
            if made.unselected > 0 { context.warn("\(made.unselected) selected points are not in projection '\(label)'") }
            var s = made.state
            s.isSelected = p.selected && i == 0
            states.append(s)
        }
        let path = try context.write(ProjectorState.encodeFile(states), to: p.path)
        return ExportResult(files: [path], report: "\(states.count) bookmarks: " + states.map(\.label).joined(separator: "; "))
    }

    /// "PCA (73 % variance)", "t-SNE (perplexity 30)", "worst → best, bad → good".
    static func defaultLabel(_ e: Embedding) -> String {
        e.projectionLabel ?? "custom axes"
    }
}
