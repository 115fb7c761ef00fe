import Foundation
import OrreryCore
import OrreryFormats

/// The safetensors header parser, then every 2-D float tensor it accepts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let file = Data(bytes: data, count: size)
    if let header = try? SafetensorsHeader.parse(file, path: "fuzz.safetensors") {
        for t in header.tensors { _ = try? SafetensorsHeader.matrix(t, in: file, path: "fuzz.safetensors") }
    }
    return 0
}
