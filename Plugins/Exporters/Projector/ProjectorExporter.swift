import Foundation
import OrreryCore
import OrreryViews

/// `exporter.projector`: a folder that both TensorBoard (`tensorboard --logdir FOLDER`) and the
/// standalone Embedding Projector open.
///
/// The folder holds `projector_config.pbtxt` (TSV tensors, for TensorBoard) and
/// `projector_config.json` (raw float32 `.bytes` tensors, for the standalone projector), with one
/// tensor, metadata TSV, optional bookmarks file and optional sprite per input embedding, all
/// named by relative paths inside the folder.
///
/// Bookmarks: every input whose axes are a projection the Projector draws (PCA, t-SNE, UMAP,
/// custom) becomes a bookmark on the raw-vector input of the same dataset when there is one (so the
/// Projector shows the raw vectors and the bookmark restores Orrery's projection), else on its own
/// tensor. Sprites are drawn here from the root vectors of each tensor's points with the shared
/// `SpriteAtlas` (the same code `exporter.sprite` uses), so the config can name them.
public enum ProjectorExporter: Exporter {
    public struct SpriteOptions: ParameterValue, Equatable {
        public static var parameterType: String { "{from-vectors: true, image-width, image-height, scale: 1, invert: false}" }
        /// Draw thumbnails from the original vectors (grey levels, one value per pixel).
        public var fromVectors: Bool = true
        public var imageWidth: Int
        public var imageHeight: Int
        public var scale: Int = 1
        public var invert: Bool = false

        enum CodingKeys: String, CodingKey {
            case fromVectors = "from-vectors", imageWidth = "image-width", imageHeight = "image-height", scale, invert
        }

        public init(imageWidth: Int, imageHeight: Int, scale: Int = 1, invert: Bool = false) {
            self.imageWidth = imageWidth
            self.imageHeight = imageHeight
            self.scale = scale
            self.invert = invert
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fromVectors = try c(.fromVectors, default: true)
            imageWidth = try c.decode(Int.self, forKey: .imageWidth)
            imageHeight = try c.decode(Int.self, forKey: .imageHeight)
            scale = try c(.scale, default: 1)
            invert = try c(.invert, default: false)
        }
    }

    public struct Parameters: ParameterSet, Equatable, ValidatingParameters {
        @Parameter(help: "the folder, relative to the output folder", .outputPath) public var path = "projector"
        @Parameter(help: "tensor names, one per input", defaultText: "from notes") public var names: [String]? = nil
        @Parameter(help: "keep at most this many points (seeded; TensorBoard shows at most 100,000)", .atLeast(1))
        public var sample: Int? = nil
        @Parameter(help: "a bookmark for every projection input") public var bookmarks = true
        @Parameter(help: "thumbnails drawn from the vectors") public var sprite: SpriteOptions? = nil

        public init() {}

        public func validate() throws(ParameterError) {
            if let s = sprite {
                if s.imageWidth < 1 { throw ParameterError("sprite.image-width", "must be at least 1") }
                if s.imageHeight < 1 { throw ParameterError("sprite.image-height", "must be at least 1") }
                if s.scale < 1 { throw ParameterError("sprite.scale", "must be at least 1") }
            }
            if let n = names, Set(n).count != n.count { throw ParameterError("names", "tensor names must differ") }
        }
    }

    /// TensorBoard sends at most this many points to the browser.
    public static let tensorBoardCap = 100_000

    public static let descriptor = PluginDescriptor(
        id: "exporter.projector", kind: .exporter, version: "1.0.0",
        summary: "A folder TensorBoard and the standalone Embedding Projector open: config, tensors, metadata, bookmarks, sprite.",
        inputs: [
            PortDescriptor("input", accepts: [.embedding], summary: "the embeddings (raw vectors and projections)", multiple: true),
            PortDescriptor("selection", accepts: [.embedding], summary: "points to select in the bookmarks", required: false),
        ],
        parameters: Parameters.self,
        usesSeed: true,
        example: """
            orrery: 1
            name: projector-example
            steps:
              iris:
                uses: loader.projector
                with: { path: data/iris/projector_config.json }
              iris-pca:
                uses: loader.projector
                with: { path: data/iris/projector_config.json, bookmark: "PCA (2 components, 97.8% of variance)" }
              folder:
                uses: exporter.projector
                from: [iris, iris-pca]
                with: { path: iris-projector }
            """)

    public static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        var embeddings = inputs.embeddings("input")
        guard !embeddings.isEmpty else { throw OrreryError.missingInput("input") }
        if let names = p.names, names.count != embeddings.count {
            throw OrreryError.invalidParameter("names", reason: "\(names.count) names for \(embeddings.count) inputs")
        }
        if let n = p.sample { embeddings = embeddings.map { SeededSample.subset($0, keep: n, seed: context.seed) } }
        for e in embeddings where e.count > tensorBoardCap {
            context.warn("\(e.count) points: TensorBoard sends at most \(tensorBoardCap) to the browser; set `sample: \(tensorBoardCap)` to choose which (seeded)")
        }
        let selection = inputs.optionalEmbedding("selection")

        // Names and file stems.
        var used: Set<String> = []
        let names: [String] = embeddings.enumerated().map { i, e in
            var name = p.names?[i] ?? defaultName(e)
            var k = 2
            while used.contains(name) { name = (p.names?[i] ?? defaultName(e)) + " \(k)"; k += 1 }
            used.insert(name)
            return name
        }
        var stems: Set<String> = []
        let stem: [String] = names.map { n in
            var s = slug(n)
            var k = 2
            while stems.contains(s) { s = slug(n) + "-\(k)"; k += 1 }
            stems.insert(s)
            return s
        }

        // Bookmarks: each projection onto the raw input of its dataset, else onto itself.
        var states = [[ProjectorState]](repeating: [], count: embeddings.count)
        if p.bookmarks {
            for (i, e) in embeddings.enumerated() where ProjectorState.projectorKind(of: e.projection) != nil {
                let host = embeddings.indices.first { j in
                    ProjectorState.projectorKind(of: embeddings[j].projection) == nil && embeddings[j].root === e.root
                        && Set(embeddings[j].rows).isSuperset(of: e.rows)
                } ?? i
                let made = try ProjectorState.make(projection: e, reference: embeddings[host],
                                                   label: bookmarkLabel(e, name: names[i]), selection: selection)
                if made.unselected > 0 { context.warn("\(made.unselected) selected points are not in '\(names[i])'") }
                states[host].append(made.state)
            }
        }

        if let o = p.sprite, o.fromVectors, embeddings.count > 1 {
            let fits = embeddings.indices.filter { embeddings[$0].root.vectors.columns == o.imageWidth * o.imageHeight }
            if fits.isEmpty {
                throw OrreryError.invalidParameter("sprite.image-width", reason: "images of \(o.imageWidth) × \(o.imageHeight) pixels need vectors of \(o.imageWidth * o.imageHeight) values; no input has them")
            }
            for i in embeddings.indices where !fits.contains(i) {
                context.warn("'\(names[i])' gets no sprite: its vectors do not hold \(o.imageWidth) × \(o.imageHeight) pixels")
            }
        }
        var files: [String] = []
        var infos: [ProjectorConfig.EmbeddingInfo] = []
        var jsonInfos: [ProjectorConfig.EmbeddingInfo] = []
        func write(_ data: Data, _ name: String) throws {
            try context.checkCancellation()
            files.append(try context.write(data, to: p.path + "/" + name))
        }
        for (i, e) in embeddings.enumerated() {
            let s = stem[i]
            try write(TensorFiles.tsv(e.vectors), "\(s)_tensors.tsv")
            try write(TensorFiles.bytes(e.vectors), "\(s)_tensors.bytes")
            var metadataPath: String? = nil
            if !e.metadata.columns.isEmpty {
                let (text, replaced) = MetadataTSV.write(e.metadata)
                if replaced > 0 {
                    context.warn("'\(names[i])': \(replaced) metadata values held tabs or newlines (replaced by spaces) or were empty single labels (written as <empty>); the metadata TSV has no escaping")
                }
                metadataPath = "\(s)_metadata.tsv"
                try write(Data(text.utf8), "\(s)_metadata.tsv")
            }
            var bookmarksPath: String? = nil
            if !states[i].isEmpty {
                bookmarksPath = "\(s)_bookmarks.txt"
                try write(ProjectorState.encodeFile(states[i]), "\(s)_bookmarks.txt")
            }
            var sprite: ProjectorConfig.Sprite? = nil
            if let o = p.sprite, o.fromVectors, e.root.vectors.columns == o.imageWidth * o.imageHeight || embeddings.count == 1 {
                let images = e.root.vectors.selecting(rows: e.rows)
                let atlas = try SpriteAtlas.render(images, style: .init(imageWidth: o.imageWidth, imageHeight: o.imageHeight,
                                                                        scale: o.scale, invert: o.invert),
                                                   parameter: "sprite.scale")
                try write(atlas.png, "\(s)_sprite.png")
                sprite = .init(imagePath: "\(s)_sprite.png", singleImageDim: atlas.cell)
            }
            let info = ProjectorConfig.EmbeddingInfo(
                tensorName: names[i], tensorPath: "\(s)_tensors.tsv", tensorShape: [e.count, e.dimensions],
                metadataPath: metadataPath, bookmarksPath: bookmarksPath, sprite: sprite)
            infos.append(info)
            var j = info
            j.tensorPath = "\(s)_tensors.bytes"
            jsonInfos.append(j)
        }
        try write(Data(ProjectorConfig(embeddings: infos).pbtxt.utf8), "projector_config.pbtxt")
        try write(ProjectorConfig(embeddings: jsonInfos, modelCheckpointPath: "Orrery").json, "projector_config.json")
        let report = "\(embeddings.count) tensors (" + names.joined(separator: ", ") + ") in \(p.path); open with: tensorboard --logdir \(context.outputDirectory.appendingPathComponent(p.path).standardizedFileURL.path)"
        return ExportResult(files: files, report: report)
    }

    static func text(_ notes: Notes, _ key: String) -> String? {
        if case .text(let t)? = notes[key] { return t }
        return nil
    }

    static func defaultName(_ e: Embedding) -> String {
        if e.axes.isEmpty, let t = text(e.notes, "tensor-name") { return t }
        if let r = text(e.notes, "reducer") { return String(r.split(separator: ".").last ?? Substring(r)) }
        if let kind = ProjectorState.projectorKind(of: e.projection) { return kind }
        if let s = text(e.notes, "source") {
            let base = (s as NSString).lastPathComponent
            return (base as NSString).deletingPathExtension
        }
        return "embedding"
    }

    static func bookmarkLabel(_ e: Embedding, name: String) -> String {
        e.projectionLabel ?? name
    }

    static func slug(_ s: String) -> String {
        let out = String(s.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        let trimmed = out.split(separator: "-").joined(separator: "-")
        return trimmed.isEmpty ? "tensor" : trimmed
    }
}
