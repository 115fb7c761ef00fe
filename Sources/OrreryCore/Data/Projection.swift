/// How an embedding's axes were made, as a typed contract between the plugin that made them (a
/// reducer, or a loader reading a saved view) and the plugins that show them (exporters), so no
/// exporter reads another plugin's note keys or axis names.
///
/// A reducer sets it with one of the constructors (`pca`, `tsne`, `umap`, `custom`, `other`), which
/// also compute the axis titles; exporters read `kind`, `axisTitles`, `label` and `parameters`.
public struct Projection: Sendable, Equatable, Codable {
    /// The method, as viewers know it.
    public enum Kind: Sendable, Equatable, Hashable, Codable {
        case pca, tsne, umap, custom
        /// Another method, by its display name (`Isomap`, `MDS`).
        case other(String)

        /// `PCA`, `t-SNE`, `UMAP`, `custom`, or the other method's name.
        public var displayName: String {
            switch self {
            case .pca: return "PCA"
            case .tsne: return "t-SNE"
            case .umap: return "UMAP"
            case .custom: return "custom"
            case .other(let name): return name
            }
        }
    }

    /// The two ends of a custom axis, as written in the workflow (`worst`, `/^bad$/`).
    public struct Ends: Sendable, Equatable, Codable {
        public var from: Term
        public var to: Term

        public init(from: Term, to: Term) {
            self.from = from
            self.to = to
        }
    }

    public var kind: Kind
    /// One title per axis, ready to print (`PCA 1 (7.3 %)`, `t-SNE 2`, `bad → good`).
    public var axisTitles: [String]
    /// PCA: the share of variance of each axis; empty for other kinds.
    public var explainedVariance: [Double]
    /// PCA: which component each axis is (0-based); a loaded view may show components 0, 2.
    public var components: [Int]
    /// Custom: each axis's ends; nil for a seeded random direction. Empty for other kinds.
    public var ends: [Ends?]
    /// The method's parameters a viewer shows, in order (t-SNE: `perplexity`, `iterations`,
    /// `learning-rate`; UMAP: `n-neighbors`, `min-dist`). Keys are the method's parameter keys.
    public var parameters: Notes

    /// The number of axes.
    public var dimensions: Int { axisTitles.count }

    init(kind: Kind, axisTitles: [String], explainedVariance: [Double] = [], components: [Int] = [],
         ends: [Ends?] = [], parameters: Notes = Notes()) {
        self.kind = kind
        self.axisTitles = axisTitles
        self.explainedVariance = explainedVariance
        self.components = components
        self.ends = ends
        self.parameters = parameters
    }
}

extension Projection {
    /// Principal components `components` (default 0, 1, …) with each one's share of variance.
    public static func pca(explainedVariance: [Double], components: [Int]? = nil) -> Projection {
        let components = components ?? Array(explainedVariance.indices)
        let titles = components.enumerated().map { i, c in
            ProjectionText.pcaTitle(component: c, share: i < explainedVariance.count ? explainedVariance[i] : nil)
        }
        return Projection(kind: .pca, axisTitles: titles, explainedVariance: explainedVariance, components: components)
    }

    /// A t-SNE layout in `dimensions` dimensions; `parameters` are shown as given (e.g. perplexity).
    public static func tsne(dimensions: Int, parameters: Notes = Notes()) -> Projection {
        Projection(kind: .tsne, axisTitles: (0..<dimensions).map { "t-SNE \($0 + 1)" }, parameters: parameters)
    }

    /// A UMAP layout in `dimensions` dimensions; `parameters` e.g. `n-neighbors`, `min-dist`.
    public static func umap(dimensions: Int, parameters: Notes = Notes()) -> Projection {
        Projection(kind: .umap, axisTitles: (0..<dimensions).map { "UMAP \($0 + 1)" }, parameters: parameters)
    }

    /// Custom axes between groups of points; nil ends is a random direction. `column` is the
    /// metadata column the terms search (recorded as the parameter `column`).
    public static func custom(_ ends: [Ends?], column: String? = nil) -> Projection {
        var shown = Notes()
        if let column { shown.set("column", column) }
        return Projection(kind: .custom, axisTitles: ends.map(ProjectionText.axisTitle), ends: ends, parameters: shown)
    }

    /// Another method: `name 1`, `name 2`, … unless `axisTitles` are given.
    public static func other(_ name: String, dimensions: Int, axisTitles: [String]? = nil,
                             parameters: Notes = Notes()) -> Projection {
        Projection(kind: .other(name), axisTitles: axisTitles ?? (0..<dimensions).map { "\(name) \($0 + 1)" },
                   parameters: parameters)
    }

    /// The short name of the view, for bookmarks and panel titles: `PCA (73 % variance)`,
    /// `t-SNE (perplexity 30)`, `UMAP (15 neighbours)`, `worst → best, bad → good`.
    public var label: String { ProjectionText.label(self) }
}
