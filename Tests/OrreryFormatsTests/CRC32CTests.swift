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

    @Test(arguments: [UInt32(0), 1, 0xE306_9283, 0xFFFF_FFFF, 0x8000_0000])
    func maskRoundTrips(_ crc: UInt32) {
        #expect(CRC32C.unmask(CRC32C.mask(crc)) == crc)
        #expect(CRC32C.mask(crc) != crc)
    }
}
