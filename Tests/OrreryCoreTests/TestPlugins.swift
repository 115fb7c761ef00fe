import OrreryCore

/// Minimal plugins of each shape, for testing the runtime without the built-ins.
enum TestLoader: Loader {
    struct Parameters: ParameterSet {
        init() {}
    }
    static let descriptor = PluginDescriptor(id: "loader.test", kind: .loader, version: "1", summary: "1, 2, 3",
                                             inputs: [], parameters: Parameters.self, example: "")
    static func load(_ p: Parameters, context: StepContext) async throws -> Embedding {
        Embedding(vectors: Matrix([[1], [2], [3]]), metadata: MetadataTable(labels: ["a", "b", "c"]))
    }
}

enum TestReducer: Reducer {
    struct Parameters: ParameterSet {
        @Parameter(help: "scale factor") var factor = 1.0
        init() {}
    }
    static let descriptor = PluginDescriptor(id: "reducer.test", kind: .reducer, version: "1", summary: "scales",
                                             inputs: [.embedding], parameters: Parameters.self, usesSeed: true, example: "")
    static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
        guard p.factor > 0 else { throw OrreryError.invalidParameter("factor", reason: "must be positive") }
        var notes = input.notes
        notes.set("seed", Double(context.seed))
        return input.projected(to: Matrix(rows: input.count, columns: 1, storage: input.vectors.storage.map { $0 * Float(p.factor) }),
                               axes: ["x"], notes: notes)
    }
}

enum TestExporter: Exporter {
    struct Parameters: ParameterSet {
        @Parameter(help: "the file") var path: String
        init() {}
    }
    static let descriptor = PluginDescriptor(id: "exporter.test", kind: .exporter, version: "1", summary: "writes",
                                             inputs: [.embedding], parameters: Parameters.self, example: "")
    static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        ExportResult(files: [try context.write("\(try inputs.embedding().count)\n", to: p.path)])
    }
}

enum TestNeighborsExporter: Exporter {
    typealias Parameters = TestLoader.Parameters
    static let descriptor = PluginDescriptor(
        id: "exporter.neighbors-test", kind: .exporter, version: "1", summary: "reads neighbours",
        inputs: [PortDescriptor("input", accepts: [.neighbors], summary: "lists")], parameters: Parameters.self, example: "")
    static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        ExportResult(files: [])
    }
}

enum TestMetric: Metric {
    static let measure = DistanceMeasure.euclidean
    static let descriptor = PluginDescriptor(id: "metric.test", kind: .metric, version: "1", summary: "euclidean",
                                             inputs: [.embedding], parameters: MetricParameters.self, example: "")
}
