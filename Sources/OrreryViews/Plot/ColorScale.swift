import OrreryCore

/// How a metadata column maps to colour: classes (a palette with swatches) or a continuous
/// quantity (a gradient). The one rule both the SVG and the HTML exporter follow.
public enum ColorScale: String, ParameterEnum, Sendable {
    /// Guess from the values (`guess(_:)`).
    case auto
    case categorical
    case continuous

    /// The most distinct values a numeric column may have and still be read as classes (the ten
    /// digits 0–9, twelve months).
    public static let maxClasses = 12

    /// Continuous only for numbers that look like a quantity: numeric, and either more than
    /// `maxClasses` distinct values or not all integers. Strings, and integers with few distinct
    /// values (class ids, digits), are categorical.
    ///
    /// - Complexity: O(n).
    public static func guess(_ column: MetadataTable.Column) -> ColorScale {
        guard column.isNumeric else { return .categorical }
        var distinct = Set<String>()
        var integers = true
        for v in column.values {
            distinct.insert(v)
            if integers, let x = Double(v), x != x.rounded() { integers = false }
        }
        return integers && distinct.count <= maxClasses ? .categorical : .continuous
    }

    /// This choice for `column`: `auto` resolved by `guess`; `continuous` only for a numeric column.
    public func resolved(for column: MetadataTable.Column) -> ColorScale {
        switch self {
        case .auto: return Self.guess(column)
        case .continuous: return column.isNumeric ? .continuous : .categorical
        case .categorical: return .categorical
        }
    }
}
