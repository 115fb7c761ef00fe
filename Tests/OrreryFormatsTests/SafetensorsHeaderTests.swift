import Foundation
import OrreryCore
import OrreryFormats
import Testing

/// Small safetensors files made here, byte by byte, as the format describes them.
@Suite struct SafetensorsHeaderTests {
    /// A file: the 8-byte length, `header` as JSON, then `data`.
    static func file(_ header: String, _ data: [UInt8]) -> Data {
        var out = Data()
        let n = UInt64(header.utf8.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        out.append(contentsOf: Array(header.utf8))
        out.append(contentsOf: data)
        return out
    }

    static func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

    @Test func readsFloatTypes() throws {
        let f32 = Self.bytes([Float(1), -2.5, 3, 4, 5, 6])
        let f16 = Self.bytes([UInt16(0x3C00), 0xC000, 0x3555, 0x7BFF])
        let bf16 = Self.bytes([UInt16(0x3F80), 0xC0A0])
        let f64 = Self.bytes([1.0 / 3.0, 2e-3])
        let header = """
            {"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},\
            "b":{"dtype":"F16","shape":[2,2],"data_offsets":[24,32]},"c":{"dtype":"BF16","shape":[1,2],"data_offsets":[32,36]},\
            "d":{"dtype":"F64","shape":[2,1],"data_offsets":[36,52]}}
            """
        let data = Self.file(header, f32 + f16 + bf16 + f64)
        let h = try SafetensorsHeader.parse(data, path: "m.safetensors")
        #expect(h.tensors.map(\.name) == ["a", "b", "c", "d"])
        #expect(h.metadata == ["format": "pt"])
        func m(_ i: Int) throws -> Matrix { try SafetensorsHeader.matrix(h.tensors[i], in: data, path: "m") }
        #expect(try m(0) == Matrix([[1, -2.5, 3], [4, 5, 6]]))
        #expect(try m(1) == Matrix([[1, -2], [0.333251953125, 65504]]))
        #expect(try m(2) == Matrix([[1, -5]]))
        #expect(try m(3) == Matrix([[Float(1.0 / 3.0)], [Float(2e-3)]]))
    }

    @Test func headerLongerThanTheFileIsAnError() {
        var data = Self.file(#"{"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]}}"#, [0, 0, 0, 0])
        data[0] = 200
        #expect(throws: OrreryError.malformed(file: "m", line: 0, column: nil, reason: "the header length says 200 bytes, but the file has only 60 after it; the file was cut short or is not a safetensors file")) {
            try SafetensorsHeader.parse(data, path: "m")
        }
    }

    @Test func overlappingTensorsAreAnError() {
        let data = Self.file(#"{"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]}}"#,
                             [UInt8](repeating: 0, count: 12))
        #expect(throws: OrreryError.malformed(file: "m", line: 0, column: nil, reason: "the data of tensors 'a' [0, 8) and 'b' [4, 12) overlap")) {
            try SafetensorsHeader.parse(data, path: "m")
        }
    }

    @Test func offsetsPastTheDataAreAnError() {
        let data = Self.file(#"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, [UInt8](repeating: 0, count: 12))
        #expect(throws: OrreryError.malformed(file: "m", line: 0, column: nil, reason: "tensor 'a' has data_offsets [0, 16], outside the 12 bytes of data after the header")) {
            try SafetensorsHeader.parse(data, path: "m")
        }
    }

    @Test func sizeMustMatchShapeAndDtype() {
        let data = Self.file(#"{"a":{"dtype":"F16","shape":[2,2],"data_offsets":[0,16]}}"#, [UInt8](repeating: 0, count: 16))
        #expect(throws: OrreryError.malformed(file: "m", line: 0, column: nil, reason: "tensor 'a' (F16, shape 2 × 2) takes 8 bytes, but its data_offsets [0, 16] span 16")) {
            try SafetensorsHeader.parse(data, path: "m")
        }
    }

    @Test func unsupportedDtypeIsNamed() throws {
        let data = Self.file(#"{"ids":{"dtype":"I64","shape":[1,2],"data_offsets":[0,16]}}"#, [UInt8](repeating: 0, count: 16))
        let h = try SafetensorsHeader.parse(data, path: "m")
        #expect(throws: OrreryError.malformed(file: "m", line: 0, column: nil, reason: "tensor 'ids' has dtype I64, which Orrery does not load; it reads F32, F64, F16 and BF16 tensors")) {
            try SafetensorsHeader.matrix(h.tensors[0], in: data, path: "m")
        }
    }

    @Test(arguments: [Data(), Data([1, 0, 0]), Data("{}".utf8), file("not json", []), file("[1,2]", []),
                      file(#"{"a":{"dtype":"F32","shape":[-1,1],"data_offsets":[0,4]}}"#, [0, 0, 0, 0]),
                      file(#"{"a":{"dtype":"F32","shape":[1,1],"data_offsets":[4,0]}}"#, [0, 0, 0, 0]),
                      file(#"{"a":{"dtype":"F32","shape":[1,1]}}"#, [0, 0, 0, 0])])
    func malformedFilesAreErrors(_ data: Data) {
        #expect(throws: OrreryError.self) { try SafetensorsHeader.parse(data, path: "m") }
    }
}
