import Foundation
import OrreryCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = try? TextVectorParser.parse(Data(bytes: data, count: size), path: "fuzz.tsv", format: .tensorTSV,
                                    limit: nil, progress: { (_: Int, _: Int) throws(OrreryError) in })
    return 0
}
