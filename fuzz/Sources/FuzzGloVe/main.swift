import Foundation
import OrreryCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    if let table = try? TextVectorParser.parse(Data(bytes: data, count: size), path: "fuzz.txt", format: .wordVectors,
                                                limit: nil, progress: { (_: Int, _: Int) throws(OrreryError) in }) {
        _ = DuplicateWords.warning(words: table.words, lines: table.lines, path: "fuzz.txt")
    }
    return 0
}
