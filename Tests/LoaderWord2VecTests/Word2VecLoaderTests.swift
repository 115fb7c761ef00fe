import Foundation
import LoaderWord2Vec
import OrreryCore
import OrreryTesting
import Testing

/// A word2vec binary writer, independent of the loader: header, then word, space, float32 LE, "\n".
private func word2vecBinary(_ rows: [(String, [Float])], header: String? = nil, newline: Bool = true) -> Data {
    var data = Data((header ?? "\(rows.count) \(rows.first?.1.count ?? 0)").utf8 + [0x0A])
    for (word, vector) in rows {
        data.append(contentsOf: Array(word.utf8) + [0x20])
        for v in vector { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        if newline { data.append(0x0A) }
    }
    return data
}

private let sample: [(String, [Float])] = [("king", [1, -2.5, 3e-7]), ("queen", [0.25, 4, -1]), ("héllo", [7, 8, 9])]

@Suite struct Word2VecLoaderTests {
    @Test func descriptorExampleRuns() async throws {
        let values = try await Fixtures.runExample(of: Word2VecLoader.self)
        guard case .embedding(let e)? = values["words"] else {
            Issue.record("no embedding from the example")
            return
        }
        #expect(e.count == 1000 && e.label(0) == "the")
    }

    @Test func writtenFileReadsBack() throws {
        for newline in [true, false] {
            let t = try Word2VecLoader.parse(word2vecBinary(sample, newline: newline), path: "w.bin")
            #expect(t.words == ["king", "queen", "héllo"])
            #expect(t.vectors.rows == 3 && t.vectors.columns == 3)
            #expect(t.vectors.storage == sample.flatMap(\.1))
        }
    }

    @Test func limitReadsTheFirstRows() throws {
        let t = try Word2VecLoader.parse(word2vecBinary(sample), path: "w.bin", limit: 2)
        #expect(t.words == ["king", "queen"] && t.vectors.storage == [1, -2.5, 3e-7, 0.25, 4, -1])
    }

    @Test func bundledSampleEqualsTheGloVeText() async throws {
        // sample.w2v.bin was written from glove.6B.50d.sample.txt (Workflows/data/README.md).
        let w = try await Word2VecLoader.load(.with { $0.path = "data/sample.w2v.bin" }, context: .testing())
        let text = try String(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("data/glove.6B.50d.sample.txt"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: " ") }
        #expect(w.count == 1000 && w.dimensions == 50)
        #expect(w.metadata.columnNames == ["word"])
        #expect(w.metadata.columns[0].values == lines.map { String($0[0]) })
        #expect(w.vectors.storage == lines.flatMap { $0.dropFirst().map { Float(String($0))! } })
    }

    @Test func truncatedFileIsAnError() {
        let full = word2vecBinary(sample)
        // Cut 5 bytes into the last row's vector: "3 3\n" (4) + 2 rows of (word + space + 12 + \n),
        // then "héllo " (7 bytes: é is two).
        let cut = 4 + (5 + 12 + 1) + (6 + 12 + 1) + 7 + 5
        #expect(throws: OrreryError.malformed(file: "w.bin", line: 0, column: nil,
                                              reason: "truncated: row 3 ('héllo') needs 12 bytes of vector at byte 48, but the file has only 5 more")) {
            try Word2VecLoader.parse(full.prefix(cut), path: "w.bin")
        }
        #expect(throws: OrreryError.malformed(file: "w.bin", line: 0, column: nil,
                                              reason: "truncated: the header says 3 rows of 3 float32 values (at least 42 more bytes), but only 40 bytes follow it")) {
            try Word2VecLoader.parse(full.prefix(4 + 18 + 19 + 3), path: "w.bin")
        }
        #expect(throws: OrreryError.malformed(file: "w.bin", line: 0, column: nil,
                                              reason: "truncated: row 1 of 1 starts at byte 4 but the file ends before its word's space")) {
            try Word2VecLoader.parse(Data("1 1\nabcdefghij".utf8), path: "w.bin")
        }
    }

    @Test func headerThatLiesIsAnError() {
        #expect(throws: OrreryError.malformed(file: "w.bin", line: 0, column: nil,
                                              reason: "truncated: the header says 40 rows of 3 float32 values (at least 560 more bytes), but only 57 bytes follow it")) {
            try Word2VecLoader.parse(word2vecBinary(sample, header: "40 3"), path: "w.bin")
        }
        #expect(throws: OrreryError.malformed(file: "w.bin", line: 0, column: nil,
                                              reason: "the header says 2 rows, but 20 more bytes follow row 2 (at byte 41); is the header's N or D wrong?")) {
            try Word2VecLoader.parse(word2vecBinary(sample, header: "2 3"), path: "w.bin")
        }
    }

    @Test func badHeaderIsAnError() {
        #expect(throws: OrreryError.malformed(file: "w.bin", line: 1, column: nil,
                                              reason: "bad header 'three 3': expected 'N D' (rows and dimensions, positive integers)")) {
            try Word2VecLoader.parse(word2vecBinary(sample, header: "three 3"), path: "w.bin")
        }
        #expect(throws: OrreryError.malformed(file: "w.bin", line: 1, column: nil,
                                              reason: "no 'N D' header line (expected two numbers then a newline at the start of a word2vec binary file)")) {
            try Word2VecLoader.parse(Data(repeating: 0x41, count: 100), path: "w.bin")
        }
        #expect(throws: OrreryError.emptyDataset("w.bin is empty")) { try Word2VecLoader.parse(Data(), path: "w.bin") }
    }

    @Test func nanValueIsAnError() {
        #expect(throws: OrreryError.malformed(file: "w.bin", line: 0, column: nil,
                                              reason: "row 2 ('b'), value 2 at byte 21 is NaN or infinite")) {
            try Word2VecLoader.parse(word2vecBinary([("a", [1, 2]), ("b", [3, .nan])]), path: "w.bin")
        }
    }
}
