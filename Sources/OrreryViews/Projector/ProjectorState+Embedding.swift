import Foundation
import OrreryCore

extension ProjectorState {
    /// The Projector's name for a projection's view: `pca`, `tsne`, `umap` or `custom`, or nil
    /// for a method the Projector does not draw.
    public static func projectorKind(of projection: Projection?) -> String? {
        switch projection?.kind {
        case .pca?: return "pca"
        case .tsne?: return "tsne"
        case .umap?: return "umap"
        case .custom?: return "custom"
        case .other?, nil: return nil
        }
    }

    /// How this bookmark's axes were made (for `loader.projector`): the view's kind, components,
    /// parameters and custom-axis ends as a typed `Projection`.
    public var projection: Projection {
        switch selectedProjection {
        case "pca":
            return .pca(explainedVariance: [], components: pcaComponentDimensions)
        case "tsne":
            var shown = Notes()
            shown.set("perplexity", tSNEPerplexity)
            shown.set("iterations", Double(tSNEIteration))
            shown.set("learning-rate", pow(10, tSNELearningRate))
            return .tsne(dimensions: tSNEis3d ? 3 : 2, parameters: shown)
        case "umap":
            var shown = Notes()
            shown.set("n-neighbors", Double(umapNeighbors))
            shown.set("min-dist", umapMinDist)
            return .umap(dimensions: umapIs3d ? 3 : 2, parameters: shown)
        default:
            func term(_ text: String, _ regex: Bool) -> Term { regex ? .regex(text) : .label(text) }
            func ends(_ from: String, _ fromRegex: Bool, _ to: String, _ toRegex: Bool) -> Projection.Ends? {
                from.isEmpty || to.isEmpty ? nil : .init(from: term(from, fromRegex), to: term(to, toRegex))
            }
            return .custom([ends(customXLeftText, customXLeftRegex, customXRightText, customXRightRegex),
                            ends(customYDownText, customYDownRegex, customYUpText, customYUpRegex)],
                           column: customSelectedSearchByMetadataOption.isEmpty ? nil : customSelectedSearchByMetadataOption)
        }
    }

    /// A Term as the Projector's custom-axis query: a `/regex/` gives its pattern (regex on); a
    /// label gives `^label$` as a regex, because Orrery matches labels whole (ignoring case) while
    /// the Projector's plain text is a substring search — the anchored regex finds the same points.
    public static func query(forTerm term: Term) -> (text: String, regex: Bool) {
        switch term {
        case .regex(let r): return (r, true)
        case .label(let l): return ("^" + NSRegularExpression.escapedPattern(for: l) + "$", true)
        }
    }

    /// The bookmark showing `projection`.
    ///
    /// - Parameters:
    ///   - reference: the points of the tensor the bookmark belongs to; nil for the projection's
    ///     root dataset. It must share the projection's root and hold every projected point. When the
    ///     projection covers only some of its points, `filteredPoints` isolates them.
    ///   - selection: points to select (matched by their row in the root); points not in the
    ///     projection are skipped and counted in `unselected`.
    /// - Complexity: O(n·a) for n points and a axes.
    public static func make(projection: Embedding, reference: Embedding?, label: String,
                            selection: Embedding? = nil) throws(OrreryError) -> (state: ProjectorState, unselected: Int) {
        guard let kind = projectorKind(of: projection.projection), let made = projection.projection,
              kind == "pca" ? made.components.allSatisfy({ $0 < 10 }) : kind == "custom" ? made.dimensions == 2 : (2...3).contains(made.dimensions) else {
            throw .shapeMismatch("a bookmark needs a projection the Projector draws (PCA components 1–10, t-SNE or UMAP in 2 or 3 dimensions, or custom axes), but the input's axes are "
                + (projection.projection.map { "\($0.kind.displayName): " + $0.axisTitles.joined(separator: ", ") }
                    ?? (projection.axes.isEmpty ? "unnamed (raw vectors)" : projection.axes.joined(separator: ", ") + ", made by no known method")))
        }
        let referenceRows: [Int]
        let dimensions: Int
        let labelColumn: String
        if let reference {
            guard reference.root === projection.root else {
                throw .shapeMismatch("the projection and the tensor it is bookmarked on come from different datasets")
            }
            referenceRows = reference.rows
            dimensions = reference.dimensions
            labelColumn = reference.metadata.labelColumn?.name ?? "label"
        } else {
            referenceRows = Array(0..<projection.root.count)
            dimensions = projection.root.vectors.columns
            labelColumn = projection.root.metadata.labelColumn?.name ?? "label"
        }
        var position = [Int: Int](minimumCapacity: referenceRows.count)
        for (i, r) in referenceRows.enumerated() where position[r] == nil { position[r] = i }
        var positions: [Int] = []
        positions.reserveCapacity(projection.count)
        for r in projection.rows {
            guard let p = position[r] else {
                throw .shapeMismatch("point '\(projection.root.metadata.label(r))' of the projection is not in the tensor it is bookmarked on")
            }
            positions.append(p)
        }

        var s = ProjectorState()
        s.label = label
        s.isSelected = false
        s.selectedProjection = kind
        s.filteredPoints = positions.elementsEqual(0..<referenceRows.count) ? nil : positions
        s.dataSetDimensions = [projection.count, dimensions]
        let keys = Self.keys(for: made)
        let d = projection.dimensions
        s.projections = projection.vectors.storage.withUnsafeBufferPointer { b in
            (0..<projection.count).map { i in
                var o = [String: Double](minimumCapacity: d)
                for j in 0..<d { o[keys[j]] = Double(b[i * d + j]) }
                return o
            }
        }
        s.shuffledDataIndices = Array(0..<projection.count)
        s.selectedLabelOption = labelColumn
        s.customSelectedSearchByMetadataOption = labelColumn
        let shown = made.parameters
        switch kind {
        case "pca":
            s.pcaComponentDimensions = Array(made.components.prefix(3))
            s.cameraDef = s.pcaComponentDimensions.count == 3 ? .default3D : .default2D
        case "tsne":
            s.tSNEis3d = d == 3
            s.cameraDef = d == 3 ? .default3D : .default2D
            if let it = shown.number("iterations") { s.tSNEIteration = Int(it) }
            if let p = shown.number("perplexity") { s.tSNEPerplexity = p }
            if let lr = shown.number("learning-rate"), lr > 0 { s.tSNELearningRate = log10(lr) }
        case "umap":
            s.umapIs3d = d == 3
            s.cameraDef = d == 3 ? .default3D : .default2D
            if let k = shown.number("n-neighbors") { s.umapNeighbors = Int(k) }
            if let m = shown.number("min-dist") { s.umapMinDist = m }
        default:
            s.cameraDef = .default2D
            if case .text(let c)? = shown["column"] { s.customSelectedSearchByMetadataOption = c }
            func q(_ axis: Int, _ end: KeyPath<Projection.Ends, Term>) -> (String, Bool) {
                guard axis < made.ends.count, let e = made.ends[axis] else { return ("", false) }
                return query(forTerm: e[keyPath: end])
            }
            (s.customXLeftText, s.customXLeftRegex) = q(0, \.from)
            (s.customXRightText, s.customXRightRegex) = q(0, \.to)
            (s.customYDownText, s.customYDownRegex) = q(1, \.from)
            (s.customYUpText, s.customYUpRegex) = q(1, \.to)
        }
        var unselected = 0
        if let selection {
            var here = [Int: Int](minimumCapacity: projection.count)
            for (i, r) in projection.rows.enumerated() where here[r] == nil { here[r] = i }
            for r in selection.rows {
                if let i = here[r] { s.selectedPoints.append(i) } else { unselected += 1 }
            }
        }
        return (s, unselected)
    }

    /// The keys of a point's coordinates in the Projector's `projections` objects.
    static func keys(for p: Projection) -> [String] {
        switch p.kind {
        case .pca: return p.components.map { "pca-\($0)" }
        case .tsne: return (0..<p.dimensions).map { "tsne-\($0)" }
        case .umap: return (0..<p.dimensions).map { "umap-\($0)" }
        default: return ["linear-x", "linear-y"]
        }
    }
}
