extension Embedding {
    /// A title for axis `j` that a reader understands: a custom axis's queries (`worst ← → best`),
    /// a principal component with its share of variance (`pca-0 (72.9%)`), or the axis name.
    public func axisTitle(_ j: Int) -> String {
        let name = axisName(j)
        func text(_ key: String) -> String? {
            if case .text(let t)? = notes[key] { return t }
            return nil
        }
        if name == "linear-x" || name == "linear-y" {
            let a = name == "linear-x" ? "x" : "y"
            if let from = text("\(a)-from"), let to = text("\(a)-to") { return "\(from) ← → \(to)" }
            return name + " (random direction)"
        }
        if name.hasPrefix("pca-"), let k = Int(name.dropFirst(4)),
           case .numbers(let ratios)? = notes["explained-variance-ratio"], k < ratios.count {
            return "\(name) (\(Self.percent(ratios[k])))"
        }
        return name
    }
}

extension Embedding {
    /// `0.72931` → `72.9%`, without locale-dependent formatting.
    static func percent(_ ratio: Double) -> String {
        let tenths = Int((ratio * 1000).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))%"
    }
}
