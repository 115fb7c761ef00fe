import Foundation
import OrreryCore

/// `exporter.npy`: the embedding's vectors as a float32 `.npy` file (NumPy's `np.load` reads it),
/// with an optional metadata TSV beside it.
public enum NPYExporter: Exporter {
    public struct Parameters: ParameterSet, Equatable, ValidatingParameters {
        @Parameter(help: "the .npy file, relative to the output folder", .outputPath) public var path = "embedding.npy"
        @Parameter(help: "a metadata TSV to write beside it", .outputPath) public var metadata: String? = nil

        public init() {}

        public func validate() throws(ParameterError) {
            if metadata == path { throw ParameterError("metadata", "must differ from path") }
        }
    }

    public static let descriptor = PluginDescriptor(
        id: "exporter.npy", kind: .exporter, version: "1.0.0",
        summary: "The vectors as a float32 .npy file, with an optional metadata TSV.",
        inputs: [.embedding],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: npy-export-example
            steps:
              iris:
                uses: loader.projector
                with: { path: data/iris/projector_config.json }
              save:
                uses: exporter.npy
                from: iris
                with: { path: iris.npy, metadata: iris.tsv }
            """)

    /// - Complexity: O(n·d).
    public static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        let e = try inputs.embedding()
        var files = [try context.write(NPYFormat.write(e.vectors), to: p.path)]
        if let m = p.metadata {
            let (text, replaced) = MetadataTSV.write(e.metadata)
            if replaced > 0 { context.warn("\(replaced) metadata values held tabs or newlines (replaced by spaces) or were empty single labels") }
            files.append(try context.write(text, to: m))
        }
        return ExportResult(files: files)
    }
}
