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
            return "\(name) (\(String(format4: ratios[k] * 100).trimmedDecimals(1))%)"
        }
        return name
    }
}

extension String {
    /// "72.9312" → "72.9" with `places` decimals kept.
    func trimmedDecimals(_ places: Int) -> String {
        guard let dot = firstIndex(of: ".") else { return self }
        let keep = index(dot, offsetBy: places + 1, limitedBy: endIndex) ?? endIndex
        return String(self[..<keep])
    }
}
