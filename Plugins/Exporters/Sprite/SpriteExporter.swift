import Foundation
import OrreryCore
import OrreryViews

/// `exporter.sprite`: a sprite atlas PNG as the Projector reads it — one thumbnail per point drawn
/// from its vector (grey levels, one value per pixel, row by row), row-major in a square grid, at
/// most 8192 px a side.
///
/// Hand-off to `exporter.projector`: that exporter draws its own sprite with the same core code
/// (`SpriteAtlas`) when given `sprite: {image-width, image-height, …}`, so its config names the
/// file; this plugin is for using the atlas elsewhere. It also writes a sidecar
/// `<path>.json` with `singleImageDim`, the grid and the image size.
public enum SpriteExporter: Exporter {
    public struct Parameters: ParameterSet, Equatable {
        @Parameter(help: "the PNG, relative to the output folder", .outputPath) public var path = "sprite.png"
        @Parameter(help: "pixels of one image across", defaultText: "√d", .atLeast(1)) public var imageWidth: Int? = nil
        @Parameter(help: "pixels of one image down", defaultText: "d / image-width", .atLeast(1))
        public var imageHeight: Int? = nil
        @Parameter(help: "draw each pixel as scale × scale", .atLeast(1)) public var scale = 1
        @Parameter(help: "dark on light") public var invert = false

        public init() {}
    }

    public static let descriptor = PluginDescriptor(
        id: "exporter.sprite", kind: .exporter, version: "1.0.0",
        summary: "A sprite atlas PNG (one thumbnail per point, drawn from its vector) for the Projector.",
        inputs: [.embedding],
        parameters: Parameters.self,
        example: """
            orrery: 1
            name: sprite-example
            steps:
              iris:
                uses: loader.projector
                with: { path: data/iris/projector_config.json }
              atlas:
                uses: exporter.sprite
                from: iris
                with: { path: iris-sprite.png, image-width: 2, image-height: 2, scale: 4 }
            """)

    /// - Complexity: O(n·d·scale²).
    public static func export(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> ExportResult {
        let e = try inputs.embedding()
        // Thumbnails come from the original vectors of these points (a projection's root).
        let vectors = e.axes.isEmpty ? e.vectors : e.root.vectors.selecting(rows: e.rows)
        let d = vectors.columns
        let w = p.imageWidth ?? (p.imageHeight.map { d / max(1, $0) } ?? Int(Double(d).squareRoot().rounded()))
        let h = p.imageHeight ?? (w > 0 ? d / w : 0)
        let atlas = try SpriteAtlas.render(vectors, style: .init(imageWidth: w, imageHeight: h, scale: p.scale, invert: p.invert),
                                           parameter: "scale")
        let png = try context.write(atlas.png, to: p.path)
        let sidecar = "{\"imagePath\": \"\((p.path as NSString).lastPathComponent)\", \"singleImageDim\": [\(atlas.cell[0]), \(atlas.cell[1])], \"grid\": \(atlas.grid), \"size\": [\(atlas.size[0]), \(atlas.size[1])], \"count\": \(e.count)}\n"
        let json = try context.write(sidecar, to: p.path + ".json")
        return ExportResult(files: [png, json],
                            report: "sprite \(atlas.size[0]) × \(atlas.size[1]) px, \(e.count) thumbnails of \(atlas.cell[0]) × \(atlas.cell[1])")
    }
}
