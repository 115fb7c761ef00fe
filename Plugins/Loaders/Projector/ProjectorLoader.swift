import Foundation
import OrreryCore
import OrreryFormats
import OrreryViews

/// `loader.projector`: one embedding of a Projector folder — TensorBoard's `projector_config.pbtxt`
/// or the standalone projector's JSON config — with its metadata; optionally one of its bookmarks
/// loaded as the projection it saved.
public enum ProjectorLoader: Loader {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "a projector_config.pbtxt, a JSON config, or a folder holding one", .nonEmpty)
        public var path: String
        @Parameter(help: "the tensor_name to load", defaultText: "the first") public var embedding: String? = nil
        @Parameter(help: "load this bookmark's projection (axes and isolated points) instead of the raw vectors")
        public var bookmark: String? = nil

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "loader.projector", kind: .loader, version: "1.0.0",
        summary: "An embedding of a Projector folder (projector_config.pbtxt or standalone JSON config), or one of its bookmarks.",
        inputs: [],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: projector-loader-example
            steps:
              iris:
                uses: loader.projector
                with: { path: data/iris/projector_config.json, embedding: Iris }
            """)

    /// - Complexity: O(n·d) for the tensor plus the metadata's size.
    public static func load(_ p: Parameters, context: StepContext) async throws -> Embedding {
        let (configURL, config) = try readConfig(p.path, context: context)
        let folder = configURL.deletingLastPathComponent()
        // Resolved through the context (as an absolute path) so the file is hashed into the step's cache key.
        func url(_ path: String) -> URL {
            context.inputURL(path.hasPrefix("/") ? path : folder.appendingPathComponent(path).standardizedFileURL.path)
        }
        guard !config.embeddings.isEmpty else { throw OrreryError.emptyDataset("\(p.path) names no embeddings") }
        let info: ProjectorConfig.EmbeddingInfo
        if let name = p.embedding {
            guard let e = config.embedding(named: name) else {
                let names = config.embeddings.map(\.tensorName)
                throw OrreryError.invalidParameter("embedding", reason: "no tensor named '\(name)' in \(p.path); tensors: "
                    + names.map { "'\($0)'" }.joined(separator: ", "))
            }
            info = e
        } else {
            info = config.embeddings[0]
        }
        let vectors: Matrix
        let source: String
        if let tensorPath = info.tensorPath {
            let data = try MappedFile.read(url(tensorPath), path: tensorPath)
            vectors = tensorPath.hasSuffix(".bytes")
                ? try TensorFiles.readBytes(data, shape: info.tensorShape, path: tensorPath)
                : try TensorFiles.readTSV(data, path: tensorPath)
            if info.tensorShape.count == 2, !tensorPath.hasSuffix(".bytes"),
               info.tensorShape != [vectors.rows, vectors.columns] {
                throw OrreryError.shapeMismatch("\(tensorPath) holds \(vectors.rows) × \(vectors.columns) values but tensor_shape says \(info.tensorShape[0]) × \(info.tensorShape[1])")
            }
            source = tensorPath
        } else {
            // The guide's log folder: the tensor is a checkpoint variable — of model_checkpoint_path,
            // or of the latest checkpoint of the config's folder.
            let checkpoint = config.modelCheckpointPath.map { $0.hasPrefix("/") ? $0 : folder.appendingPathComponent($0).standardizedFileURL.path }
                ?? folder.standardizedFileURL.path
            let read = try CheckpointReader.read(checkpoint, tensor: info.tensorName, context: context)
            vectors = read.vectors
            source = read.prefix
        }
        let tensorPath = source
        var metadata = MetadataTable(labels: (0..<vectors.rows).map(String.init), name: "index")
        if let m = info.metadataPath {
            metadata = try MetadataTSV.read(contentsOf: url(m), path: m)
            guard metadata.count == vectors.rows else {
                throw MetadataRowCount.mismatch(metadata, path: m, vectorsPath: tensorPath, rows: vectors.rows)
            }
        }
        var notes = Notes()
        notes.set("source", tensorPath)
        notes.set("tensor-name", info.tensorName)
        if let s = info.sprite {
            notes.set("sprite", s.imagePath)
            notes.set("single-image-dim", .numbers(s.singleImageDim.map(Double.init)))
        }
        let root = Embedding(vectors: vectors, metadata: metadata, notes: notes)
        var states: [ProjectorState] = []
        if let b = info.bookmarksPath {
            states = try ProjectorState.decodeFile(MappedFile.read(url(b), path: b), path: b)
            notes.set("bookmarks", states.map(\.label).joined(separator: "\n"))
        }
        guard let wanted = p.bookmark else {
            var e = root
            e.notes = notes
            return e
        }
        guard let state = states.first(where: { $0.label == wanted }) else {
            throw OrreryError.invalidParameter("bookmark", reason: info.bookmarksPath == nil
                ? "tensor '\(info.tensorName)' has no bookmarks file"
                : "no bookmark labelled '\(wanted)'; bookmarks: " + states.map { "'\($0.label)'" }.joined(separator: ", "))
        }
        return try projection(state, of: root, notes: notes, file: info.bookmarksPath ?? "")
    }

    /// The projection a bookmark saved, as an embedding of its (isolated) points.
    static func projection(_ s: ProjectorState, of root: Embedding, notes base: Notes, file: String) throws(OrreryError) -> Embedding {
        let rows = s.filteredPoints ?? Array(0..<root.count)
        if let bad = rows.first(where: { $0 < 0 || $0 >= root.count }) {
            throw .malformed(file: file, line: 0, column: nil, reason: "bookmark '\(s.label)' isolates point \(bad), but the tensor has \(root.count)")
        }
        guard s.projections.count == rows.count else {
            throw .malformed(file: file, line: 0, column: nil,
                             reason: "bookmark '\(s.label)' has \(s.projections.count) projected points for \(rows.count) points")
        }
        let keys = s.drawnKeys
        var storage = [Float](repeating: 0, count: rows.count * keys.count)
        for (i, point) in s.projections.enumerated() {
            for (j, k) in keys.enumerated() {
                guard let v = point[k] else {
                    throw .malformed(file: file, line: 0, column: nil, reason: "bookmark '\(s.label)': point \(i) has no '\(k)' coordinate")
                }
                storage[i * keys.count + j] = Float(v)
            }
        }
        var notes = base
        notes.set("bookmark", s.label)
        notes.set("reducer", "projector.\(s.selectedProjection)")
        switch s.selectedProjection {
        case "tsne":
            notes.set("perplexity", s.tSNEPerplexity)
            notes.set("iterations", Double(s.tSNEIteration))
            notes.set("learning-rate", pow(10, s.tSNELearningRate))
        case "custom":
            func term(_ text: String, _ regex: Bool) -> String { regex ? "/\(text)/" : text }
            if !s.customXLeftText.isEmpty { notes.set("x-from", term(s.customXLeftText, s.customXLeftRegex)) }
            if !s.customXRightText.isEmpty { notes.set("x-to", term(s.customXRightText, s.customXRightRegex)) }
            if !s.customYDownText.isEmpty { notes.set("y-from", term(s.customYDownText, s.customYDownRegex)) }
            if !s.customYUpText.isEmpty { notes.set("y-to", term(s.customYUpText, s.customYUpRegex)) }
            if !s.customSelectedSearchByMetadataOption.isEmpty { notes.set("search-column", s.customSelectedSearchByMetadataOption) }
        default: break
        }
        if !s.selectedPoints.isEmpty { notes.set("selected-points", .numbers(s.selectedPoints.map(Double.init))) }
        return Embedding(vectors: Matrix(rows: rows.count, columns: keys.count, storage: storage),
                         metadata: root.metadata.selecting(rows: rows), axes: keys, rows: rows, root: root.root, notes: notes,
                         projection: s.projection)
    }

    /// Finds and parses the config `path` names (a file, or a folder holding one).
    static func readConfig(_ path: String, context: StepContext) throws(OrreryError) -> (URL, ProjectorConfig) {
        var url = context.inputURL(path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { throw .fileNotFound(path) }
        if isFolder.boolValue {
            let candidates = ["projector_config.pbtxt", "projector_config.json"]
            guard let found = candidates.map({ url.appendingPathComponent($0) })
                .first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                throw .invalidParameter("path", reason: "\(path) holds neither projector_config.pbtxt nor projector_config.json")
            }
            url = found
        }
        let data = try MappedFile.read(url, path: path)
        if url.pathExtension == "json" || data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D) }) == 0x7B {
            return (url, try ProjectorConfig.parse(json: data, path: path))
        }
        return (url, try ProjectorConfig.parse(pbtxt: String(decoding: data, as: UTF8.self), path: path))
    }
}
