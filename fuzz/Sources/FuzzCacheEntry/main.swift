import Foundation
import OrreryCore

/// Any bytes as a cache entry file: the store must reject it (or read it) without crashing.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = StepCache.inspect(Data(bytes: data, count: size))
    return 0
}
