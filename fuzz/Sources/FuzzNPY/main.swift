import Foundation
import OrreryCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = try? NPYFormat.read(Data(bytes: data, count: size), path: "fuzz.npy")
    return 0
}
