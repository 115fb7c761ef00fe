import Foundation
import OrreryCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = try? MetadataTSV.read(Data(bytes: data, count: size), path: "fuzz.tsv")
    return 0
}
