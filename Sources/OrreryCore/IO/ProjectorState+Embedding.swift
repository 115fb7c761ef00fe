import Foundation

extension ProjectorState {
    /// The Projector's name for the view an embedding's axes come from: `pca`, `tsne`, `umap` or
    /// `custom`, or nil when the axes are not a projection the Projector knows.
    public static func projectionKind(of axes: [String]) -> String? {
        guard !axes.isEmpty else { return nil }
        func all(_ prefix: String, max: Int) -> Bool {
            axes.allSatisfy { a in a.hasPrefix(prefix) && Int(a.dropFirst(prefix.count)).map { $0 >= 0 && $0 < max } == true }
        }
        if all("pca-", max: 10) { return "pca" }
        if all("tsne-", max: 3) && axes.count >= 2 { return "tsne" }
        if all("umap-", max: 3) && axes.count >= 2 { return "umap" }
        if axes == ["linear-x", "linear-y"] { return "custom" }
        return nil
    }

    /// A Term as the Projector's custom-axis query: a `/regex/` gives its pattern (regex on); a
    /// label gives `^label$` as a regex, because Orrery matches labels whole (ignoring case) while
    /// the Projector's plain text is a substring search — the anchored regex finds the same points.
    public static func query(forTerm text: String) -> (text: String, regex: Bool) {
        switch Term(parsing: text) {
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
        guard let kind = projectionKind(of: projection.axes) else {
            throw .shapeMismatch("a bookmark needs a projection the Projector draws (axes pca-0…pca-9, tsne-0…tsne-2, umap-0…umap-2, or linear-x and linear-y), but the input's axes are "
                + (projection.axes.isEmpty ? "unnamed (raw vectors)" : projection.axes.joined(separator: ", ")))
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
        let keys = projection.axes
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
        let notes = projection.notes
        switch kind {
        case "pca":
            let components = keys.compactMap { Int($0.dropFirst(4)) }
            s.pcaComponentDimensions = Array(components.prefix(3))
            s.cameraDef = s.pcaComponentDimensions.count == 3 ? .default3D : .default2D
        case "tsne":
            s.tSNEis3d = d == 3
            s.cameraDef = d == 3 ? .default3D : .default2D
            if let it = notes.number("iterations") { s.tSNEIteration = Int(it) }
            if let p = notes.number("perplexity") { s.tSNEPerplexity = p }
            if let lr = notes.number("learning-rate"), lr > 0 { s.tSNELearningRate = log10(lr) }
        case "umap":
            s.umapIs3d = d == 3
            s.cameraDef = d == 3 ? .default3D : .default2D
            if let k = notes.number("neighbors") { s.umapNeighbors = Int(k) }
            if let m = notes.number("min-dist") { s.umapMinDist = m }
        default:
            s.cameraDef = .default2D
            if case .text(let c)? = notes["search-column"] { s.customSelectedSearchByMetadataOption = c }
            func q(_ key: String) -> (String, Bool) {
                if case .text(let t)? = notes[key] { return query(forTerm: t) }
                return ("", false)
            }
            (s.customXLeftText, s.customXLeftRegex) = q("x-from")
            (s.customXRightText, s.customXRightRegex) = q("x-to")
            (s.customYDownText, s.customYDownRegex) = q("y-from")
            (s.customYUpText, s.customYUpRegex) = q("y-to")
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
}
