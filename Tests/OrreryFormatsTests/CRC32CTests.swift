import OrreryCore
@testable import OrreryFormats
import Testing

@Suite struct CRC32CTests {
    /// The check value of the CRC-32C catalogue entry, and RFC 3720's 32-byte test vectors.
    @Test func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func continuingEqualsOnePass() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let first = bytes[..<split].withUnsafeBytes { CRC32C.checksum($0) }
            let both = bytes[split...].withUnsafeBytes { CRC32C.checksum($0, continuing: first) }
            #expect(both == CRC32C.checksum(bytes), "split at \(split)")
        }
    }

    /// ISA-L's CRC equals the portable slicing-by-8 one on every length around its block sizes
    /// and alignments, continuing from any CRC.
    @Test func isaLEqualsThePortableCRC() {
        var g = SeededGenerator(seed: 5)
        let bytes = (0..<20_000).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        bytes.withUnsafeBytes { raw in
            for start in [0, 1, 3, 8, 13] {
                for length in [0, 1, 7, 8, 15, 16, 31, 63, 64, 127, 255, 256, 1023, 1024, 4095, 4097, 19_000] {
                    let piece = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                    for seed in [UInt32(0), 0xE306_9283] {
                        #expect(CRC32C.checksum(piece, continuing: seed) == CRC32C.portable(piece, continuing: seed),
                                "start \(start), length \(length)")
                    }
                }
            }
        }
    }

    @Test(arguments: [UInt32(0), 1, 0xE306_9283, 0xFFFF_FFFF, 0x8000_0000])
    func maskRoundTrips(_ crc: UInt32) {
        #expect(CRC32C.unmask(CRC32C.mask(crc)) == crc)
        #expect(CRC32C.mask(crc) != crc)
    }
}
