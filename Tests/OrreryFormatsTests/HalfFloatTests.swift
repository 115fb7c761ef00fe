import OrreryFormats
import Testing

@Suite struct HalfFloatTests {
    @Test func halfPrecisionValues() {
        #expect(HalfFloat.float(half: 0x3C00) == 1)
        #expect(HalfFloat.float(half: 0xC000) == -2)
        #expect(HalfFloat.float(half: 0x3555) == 0.333251953125)
        #expect(HalfFloat.float(half: 0x7BFF) == 65504)
        #expect(HalfFloat.float(half: 0x0400) == 0x1p-14)  // smallest normal
        #expect(HalfFloat.float(half: 0x0001) == 0x1p-24)  // smallest subnormal
        #expect(HalfFloat.float(half: 0x83FF) == -1023 * 0x1p-24)
        #expect(HalfFloat.float(half: 0x0000) == 0 && HalfFloat.float(half: 0x8000).sign == .minus)
        #expect(HalfFloat.float(half: 0x7C00) == .infinity && HalfFloat.float(half: 0xFC00) == -.infinity)
        #expect(HalfFloat.float(half: 0x7E00).isNaN)
    }

    /// Every half value agrees with Swift's own Float16 where the platform has it.
    @Test func everyHalfMatchesFloat16() {
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
        for bits in 0...UInt16.max {
            let mine = HalfFloat.float(half: bits), theirs = Float(Float16(bitPattern: bits))
            #expect(mine.bitPattern == theirs.bitPattern || (mine.isNaN && theirs.isNaN), "0x\(String(bits, radix: 16))")
        }
        #endif
    }

    @Test func bfloat16IsTheTopHalfOfAFloat() {
        #expect(HalfFloat.float(bfloat16: 0x3F80) == 1)
        #expect(HalfFloat.float(bfloat16: 0xC0A0) == -5)
        #expect(HalfFloat.float(bfloat16: 0x3EAB) == Float(bitPattern: 0x3EAB_0000))
    }
}
