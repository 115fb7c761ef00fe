extension Embedding {
    /// A title for axis `j` that a reader understands: the projection's title (`bad → good`,
    /// `PCA 1 (7.3 %)`, `t-SNE 1`), or the axis name when nothing says how the axes were made.
    public func axisTitle(_ j: Int) -> String {
        if let p = projection, j < p.axisTitles.count { return p.axisTitles[j] }
        return axisName(j)
    }

    /// The view's short name (`PCA (73 % variance)`, `worst → best, bad → good`), or nil for raw
    /// vectors and axes nothing describes.
    public var projectionLabel: String? { projection?.label }
}
