/// Conversions of 16-bit floats to `Float`, by their bits (so they work where Swift has no
/// `Float16`): IEEE 754 half precision (1 sign, 5 exponent, 10 fraction bits) and bfloat16 (the
/// top 16 bits of a float32). Every value converts exactly: both are subsets of float32.
public enum HalfFloat {
    /// An IEEE half-precision value, subnormals, infinities and NaNs included.
    @inline(__always)
    public static func float(half h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let fraction = UInt32(h & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: fraction · 2^-24, exact in float32.
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | fraction << 13)
        }
    }

    /// A bfloat16 value.
    @inline(__always)
    public static func float(bfloat16 b: UInt16) -> Float {
        Float(bitPattern: UInt32(b) << 16)
    }
}
