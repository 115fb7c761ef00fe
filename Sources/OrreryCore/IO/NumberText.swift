/// Numbers as text, without locale surprises.
public enum NumberText {
    /// `x` with exactly `decimals` digits after the point (rounded half away from zero).
    public static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9e15 else { return "\(x)" }
        let units = Int64(scaled)
        let p = Int64(scale)
        let whole = units / p, frac = units % p
        let sign = x < 0 && units > 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        let f = String(frac)
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - f.count) + f
    }
}
