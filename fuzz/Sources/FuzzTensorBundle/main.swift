import Foundation
import OrreryCore
import OrreryFormats

/// The checkpoint index reader: SSTable blocks, footer, trailers, then the bundle's entries.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let bundle = try? TensorBundle(index: bytes, prefix: "fuzz") {
        for e in bundle.entries { _ = try? bundle.matrix(e) { (_: Int) throws(OrreryError) -> Data in Data(bytes) } }
    }
    return 0
}
