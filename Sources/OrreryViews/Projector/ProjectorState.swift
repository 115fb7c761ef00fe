import Foundation
import OrreryCore

/// One bookmark of the Projector: its `State` object (FORMATS.md). Writing puts every field in;
/// reading accepts files that lack the newer ones (UMAP, `shuffledDataIndices`, …).
public struct ProjectorState: Sendable, Equatable, Codable {
    /// `cameraDef`.
    public struct Camera: Sendable, Equatable, Codable {
        public var orthographic: Bool
        public var position: [Double]
        public var target: [Double]
        public var zoom: Double

        public init(orthographic: Bool, position: [Double], target: [Double], zoom: Double) {
            self.orthographic = orthographic
            self.position = position
            self.target = target
            self.zoom = zoom
        }

        /// The Projector's starting camera in 2-D: looking down from (0, 0, 4).
        public static let default2D = Camera(orthographic: true, position: [0, 0, 4], target: [0, 0, 0], zoom: 1)
        /// The Projector's starting camera in 3-D (`START_CAMERA_POS_3D`).
        public static let default3D = Camera(orthographic: false, position: [0.45, 0.9, 1.6], target: [0, 0, 0], zoom: 1)
    }

    public var label: String = ""
    public var isSelected: Bool = false
    public var selectedProjection: String = "pca"
    /// [N, D] of the dataset the state refers to (after isolation).
    public var dataSetDimensions: [Int] = [0, 0]
    /// One object per point: projection key → coordinate.
    public var projections: [[String: Double]] = []
    /// Indices into the full dataset of the isolated points, or nil.
    public var filteredPoints: [Int]? = nil
    /// Indices into the current (possibly isolated) dataset.
    public var selectedPoints: [Int] = []
    public var shuffledDataIndices: [Int] = []
    public var pcaComponentDimensions: [Int] = [0, 1, 2]
    public var tSNEIteration: Int = 0
    public var tSNEPerplexity: Double = 30
    /// The UI slider's exponent: rate = 10^value.
    public var tSNELearningRate: Double = 1
    public var tSNEis3d: Bool = true
    public var umapIs3d: Bool = true
    public var umapNeighbors: Int = 15
    public var umapMinDist: Double = 0.1
    public var customSelectedSearchByMetadataOption: String = ""
    public var customXLeftText: String = ""
    public var customXRightText: String = ""
    public var customYUpText: String = ""
    public var customYDownText: String = ""
    public var customXLeftRegex: Bool = false
    public var customXRightRegex: Bool = false
    public var customYUpRegex: Bool = false
    public var customYDownRegex: Bool = false
    public var cameraDef: Camera = .default2D
    public var selectedColorOptionName: String = "No color map"
    public var forceCategoricalColoring: Bool = false
    public var selectedLabelOption: String = "label"

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case label, isSelected, selectedProjection, dataSetDimensions, projections, filteredPoints, selectedPoints,
             shuffledDataIndices, pcaComponentDimensions, tSNEIteration, tSNEPerplexity, tSNELearningRate, tSNEis3d,
             umapIs3d, umapNeighbors, umapMinDist, customSelectedSearchByMetadataOption, customXLeftText,
             customXRightText, customYUpText, customYDownText, customXLeftRegex, customXRightRegex, customYUpRegex,
             customYDownRegex, cameraDef, selectedColorOptionName, forceCategoricalColoring, selectedLabelOption
    }

    /// Every field name the format defines (the keys a written state holds).
    public static var fieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ProjectorState()
        label = try c(.label, default: d.label)
        isSelected = try c(.isSelected, default: d.isSelected)
        selectedProjection = try c(.selectedProjection, default: d.selectedProjection)
        dataSetDimensions = try c(.dataSetDimensions, default: d.dataSetDimensions)
        projections = try c(.projections, default: d.projections)
        filteredPoints = try c(.filteredPoints)
        selectedPoints = try c(.selectedPoints, default: d.selectedPoints)
        shuffledDataIndices = try c(.shuffledDataIndices, default: d.shuffledDataIndices)
        pcaComponentDimensions = try c(.pcaComponentDimensions, default: d.pcaComponentDimensions)
        tSNEIteration = Int(try c(.tSNEIteration, default: Double(d.tSNEIteration)))
        tSNEPerplexity = try c(.tSNEPerplexity, default: d.tSNEPerplexity)
        tSNELearningRate = try c(.tSNELearningRate, default: d.tSNELearningRate)
        tSNEis3d = try c(.tSNEis3d, default: d.tSNEis3d)
        umapIs3d = try c(.umapIs3d, default: d.umapIs3d)
        umapNeighbors = Int(try c(.umapNeighbors, default: Double(d.umapNeighbors)))
        umapMinDist = try c(.umapMinDist, default: d.umapMinDist)
        customSelectedSearchByMetadataOption = try c(.customSelectedSearchByMetadataOption, default: d.customSelectedSearchByMetadataOption)
        customXLeftText = try c(.customXLeftText, default: "")
        customXRightText = try c(.customXRightText, default: "")
        customYUpText = try c(.customYUpText, default: "")
        customYDownText = try c(.customYDownText, default: "")
        customXLeftRegex = try c(.customXLeftRegex, default: false)
        customXRightRegex = try c(.customXRightRegex, default: false)
        customYUpRegex = try c(.customYUpRegex, default: false)
        customYDownRegex = try c(.customYDownRegex, default: false)
        cameraDef = try c(.cameraDef, default: d.cameraDef)
        selectedColorOptionName = try c(.selectedColorOptionName, default: d.selectedColorOptionName)
        forceCategoricalColoring = try c(.forceCategoricalColoring, default: d.forceCategoricalColoring)
        selectedLabelOption = try c(.selectedLabelOption, default: d.selectedLabelOption)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(label, forKey: .label)
        try c.encode(isSelected, forKey: .isSelected)
        try c.encode(selectedProjection, forKey: .selectedProjection)
        try c.encode(dataSetDimensions, forKey: .dataSetDimensions)
        try c.encode(projections, forKey: .projections)
        try c.encode(filteredPoints, forKey: .filteredPoints)   // null when not isolated
        try c.encode(selectedPoints, forKey: .selectedPoints)
        try c.encode(shuffledDataIndices, forKey: .shuffledDataIndices)
        try c.encode(pcaComponentDimensions, forKey: .pcaComponentDimensions)
        try c.encode(tSNEIteration, forKey: .tSNEIteration)
        try c.encode(tSNEPerplexity, forKey: .tSNEPerplexity)
        try c.encode(tSNELearningRate, forKey: .tSNELearningRate)
        try c.encode(tSNEis3d, forKey: .tSNEis3d)
        try c.encode(umapIs3d, forKey: .umapIs3d)
        try c.encode(umapNeighbors, forKey: .umapNeighbors)
        try c.encode(umapMinDist, forKey: .umapMinDist)
        try c.encode(customSelectedSearchByMetadataOption, forKey: .customSelectedSearchByMetadataOption)
        try c.encode(customXLeftText, forKey: .customXLeftText)
        try c.encode(customXRightText, forKey: .customXRightText)
        try c.encode(customYUpText, forKey: .customYUpText)
        try c.encode(customYDownText, forKey: .customYDownText)
        try c.encode(customXLeftRegex, forKey: .customXLeftRegex)
        try c.encode(customXRightRegex, forKey: .customXRightRegex)
        try c.encode(customYUpRegex, forKey: .customYUpRegex)
        try c.encode(customYDownRegex, forKey: .customYDownRegex)
        try c.encode(cameraDef, forKey: .cameraDef)
        try c.encode(selectedColorOptionName, forKey: .selectedColorOptionName)
        try c.encode(forceCategoricalColoring, forKey: .forceCategoricalColoring)
        try c.encode(selectedLabelOption, forKey: .selectedLabelOption)
    }

    /// A bookmarks file: a JSON array of states, keys sorted (stable output).
    public static func encodeFile(_ states: [ProjectorState]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(states)) ?? Data("[]".utf8)
    }

    /// Reads a bookmarks file.
    public static func decodeFile(_ data: Data, path: String) throws(OrreryError) -> [ProjectorState] {
        do {
            return try JSONDecoder().decode([ProjectorState].self, from: data)
        } catch {
            throw .malformed(file: path, line: 0, column: nil, reason: "not a Projector bookmarks file: \(error)")
        }
    }

    /// The projection keys the state's view draws (`pca-0`, `linear-x`, …), in axis order.
    public var drawnKeys: [String] {
        switch selectedProjection {
        case "pca": return pcaComponentDimensions.map { "pca-\($0)" }
        case "tsne": return (0..<(tSNEis3d ? 3 : 2)).map { "tsne-\($0)" }
        case "umap": return (0..<(umapIs3d ? 3 : 2)).map { "umap-\($0)" }
        default: return ["linear-x", "linear-y"]
        }
    }
}
