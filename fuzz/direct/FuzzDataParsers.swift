import Foundation

/// Compiled together with the parsers' sources (see fuzz/run), so libFuzzer sees their coverage:
/// byte 0 chooses the parser (.npy, GloVe text, tensor TSV, metadata TSV), the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let body = Data(bytes: data + 1, count: size - 1)
    let none: (Int, Int) throws(OrreryError) -> Void = { _, _ in }
    switch data[0] % 4 {
    case 0: _ = try? NPYFormat.read(body, path: "f.npy")
    case 1:
        if let t = try? TextVectorParser.parse(body, path: "f.txt", format: .wordVectors, progress: none) {
            _ = DuplicateWords.warning(words: t.words, lines: t.lines, path: "f.txt")
        }
    case 2: _ = try? TextVectorParser.parse(body, path: "f.tsv", format: .tensorTSV, progress: none)
    default: _ = try? MetadataTSV.read(body, path: "f.tsv")
    }
    return 0
}
