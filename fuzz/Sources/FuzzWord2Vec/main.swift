import Foundation
import LoaderWord2Vec
import OrreryCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = try? Word2VecLoader.parse(Data(bytes: data, count: size), path: "fuzz.bin")
    return 0
}
