import Foundation
import Synchronization
import LoaderGloVe
import OrreryCore
import OrreryTesting
import Testing

/// Parses `text` as word vectors (the loader's core) with file name "g.txt".
private func parse(_ text: String, limit: Int? = nil) throws(OrreryError) -> TextVectorTable {
    try TextVectorParser.parse(Data(text.utf8), path: "g.txt", format: .wordVectors, limit: limit)
}

/// An independent reading of a GloVe text: split on spaces, `Float(String)` per token.
private func reference(_ text: String) -> (words: [String], rows: [[Float]]) {
    var words: [String] = [], rows: [[Float]] = []
    for line in text.split(separator: "\n") {
        let tokens = line.split(separator: " ")
        words.append(String(tokens[0]))
        rows.append(tokens.dropFirst().map { Float(String($0))! })
    }
    return (words, rows)
}

/// Collects the events a step reports.
private final class EventLog: Sendable {
    let events = Mutex<[RunEvent]>([])
    var handler: RunEventHandler { { event in self.events.withLock { $0.append(event) } } }
    var progress: [Int] { events.withLock { $0.compactMap { if case .progress(_, let done, _, _) = $0 { done } else { nil } } } }
    var warnings: [String] { events.withLock { $0.compactMap { if case .warning(_, let m) = $0 { m } else { nil } } } }
}

@Suite struct GloVeLoaderTests {
    @Test func descriptorExampleRuns() async throws {
        let values = try await Fixtures.runExample(of: GloVeLoader.self)
        guard case .embedding(let e)? = values["glove"] else {
            Issue.record("no embedding from the example")
            return
        }
        #expect(e.count == 500 && e.label(0) == "the")
    }

    @Test func bundledSampleEqualsAnIndependentParse() async throws {
        let text = try String(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("data/glove.6B.50d.sample.txt"), encoding: .utf8)
        let ref = reference(text)
        let e = try await GloVeLoader.load(.with { $0.path = "data/glove.6B.50d.sample.txt" }, context: .testing())
        #expect(e.count == 1000 && e.dimensions == 50)
        #expect(e.metadata.columnNames == ["word"])
        #expect(e.metadata.columns[0].values == ref.words)
        #expect(e.vectors.storage == ref.rows.flatMap { $0 })
        #expect(e.label(0) == "the" && e.vectors[0, 0] == Float("0.418"))
    }

    /// A file that cannot be mapped (a named pipe, which is what `path: <(zcat glove.txt.gz)` gives)
    /// is read whole and parses the same: pages of ordinary memory are never "given back" (that
    /// would zero them under the parser).
    @Test func aNamedPipeLoadsLikeTheFile() async throws {
        let sample = Fixtures.workflowsDirectory.appendingPathComponent("data/glove.6B.50d.sample.txt")
        let text = try Data(contentsOf: sample)
        let fifo = Fixtures.temporaryDirectory().appendingPathComponent("glove.fifo")
        try #require(mkfifo(fifo.path, 0o600) == 0)
        let path = fifo.path
        let writer = Thread {
            guard let h = FileHandle(forWritingAtPath: path) else { return }
            h.write(text)
            try? h.close()
        }
        writer.start()
        let piped = try await GloVeLoader.load(.with { $0.path = path }, context: .testing())
        let file = try await GloVeLoader.load(.with { $0.path = sample.path }, context: .testing())
        #expect(piped.count == 1000)
        #expect(piped.vectors == file.vectors && piped.metadata == file.metadata)
    }

    @Test func fiftyThousandWordFileMatchesTheBundledNPY() async throws {
        let url = Fixtures.sharedData.appendingPathComponent("glove.6B.50d.top50k.txt")
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let log = EventLog()
        let e = try await GloVeLoader.load(.with { $0.path = url.path }, context: .testing(events: log.handler))
        // The .npy was made from the same text with numpy (see Workflows/data/README.md).
        let npy = try NPYFormat.read(Data(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("data/glove.6B.50d.top50k.npy")), path: "npy")
        #expect(e.vectors == npy)
        let words = try MetadataTSV.read(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("data/glove.6B.50d.top50k.words.tsv"), path: "w")
        #expect(e.metadata.columns[0].values == words.columns[0].values)
        #expect(log.progress == [10_000, 20_000, 30_000, 40_000, 50_000, 50_000])
    }

    @Test func fastPathEqualsStrtofOnEveryValueOfTheFiftyThousandWordFile() throws {
        let url = Fixtures.sharedData.appendingPathComponent("glove.6B.50d.top50k.txt")
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let data = try Data(contentsOf: url)
        var slow = TextVectorParser.Format.wordVectors
        slow.fastPath = false
        let a = try TextVectorParser.parse(data, path: "g", format: .wordVectors).vectors.storage
        let b = try TextVectorParser.parse(data, path: "g", format: slow).vectors.storage
        #expect(a.count == 2_500_000)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
    }

    @Test func fastPathEqualsStrtofOnRandomDecimals() throws {
        // Short and long significands, leading/trailing zeros, exponents inside and outside ±10.
        var g = SeededGenerator(seed: 7)
        var text = ""
        for row in 0..<10_000 {
            text += "w\(row)"
            for _ in 0..<10 {
                let digits = 1 + Int(g.nextUnit() * 10)
                var token = g.nextUnit() < 0.5 ? "-" : ""
                var body = (0..<digits).map { _ in String(Int(g.nextUnit() * 10)) }.joined()
                let point = Int(g.nextUnit() * Double(digits + 1))
                if point < digits { body.insert(".", at: body.index(body.startIndex, offsetBy: point)) }
                token += body
                if g.nextUnit() < 0.3 { token += "e\(Int(g.nextUnit() * 30) - 15)" }
                text += " " + token
            }
            text += "\n"
        }
        var slow = TextVectorParser.Format.wordVectors
        slow.fastPath = false
        let a = try TextVectorParser.parse(Data(text.utf8), path: "r", format: .wordVectors).vectors.storage
        let b = try TextVectorParser.parse(Data(text.utf8), path: "r", format: slow).vectors.storage
        #expect(a.count == 100_000)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        // And both agree with Swift's own (correctly rounded) parser.
        let reference = text.split(separator: "\n").flatMap { $0.split(separator: " ").dropFirst().map { Float(String($0))! } }
        #expect(a.map(\.bitPattern) == reference.map(\.bitPattern))
    }

    @Test func cancelledRunStopsWithCancelled() async throws {
        let url = Fixtures.sharedData.appendingPathComponent("glove.6B.50d.top50k.txt")
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await GloVeLoader.load(.with { $0.path = url.path }, context: .testing())
        }
        await #expect(throws: OrreryError.cancelled) { try await task.value }
    }

    @Test func limitReadsTheFirstRows() async throws {
        let e = try await GloVeLoader.load(.with { $0.path = "data/glove.6B.50d.sample.txt"; $0.limit = 3 }, context: .testing())
        #expect(e.count == 3 && e.metadata.columns[0].values == ["the", ",", "."])
    }

    @Test func word2vecTextHeaderIsDetected() throws {
        let t = try parse("2 3\nking 1 2 3\nqueen 4 5 6e-3\n")
        #expect(t.header?.rows == 2 && t.header?.columns == 3)
        #expect(t.words == ["king", "queen"] && t.lines == [2, 3])
        #expect(t.vectors.storage == [1, 2, 3, 4, 5, Float("6e-3")!])
    }

    @Test func crlfTrailingSpacesAndBlankLinesAreAccepted() throws {
        let t = try parse("a 1.5 -2 \r\n\r\nb 3 4\r\n")
        #expect(t.words == ["a", "b"] && t.vectors.storage == [1.5, -2, 3, 4] && t.lines == [1, 3])
    }

    @Test func raggedRowNamesLineAndCount() {
        #expect(throws: OrreryError.malformed(file: "g.txt", line: 2, column: nil, reason: "line 2 has 2 values, expected 3")) {
            try parse("a 1 2 3\nb 1 2\n")
        }
        // Too many values: the column of the first extra one.
        #expect(throws: OrreryError.malformed(file: "g.txt", line: 2, column: 9, reason: "line 2 has 4 values, expected 3")) {
            try parse("a 1 2 3\nb 1 2 3 4\n")
        }
    }

    @Test func headerThatLiesIsAnError() {
        #expect(throws: OrreryError.malformed(file: "g.txt", line: 3, column: nil,
                                              reason: "line 3 has 2 values, expected 3 (the header on line 1 says 3)")) {
            try parse("2 3\na 1 2 3\nb 1 2\n")
        }
        #expect(throws: OrreryError.malformed(file: "g.txt", line: 1, column: nil, reason: "the header says 3 rows but the file has 2")) {
            try parse("3 2\na 1 2\nb 1 2\n")
        }
        #expect(throws: OrreryError.malformed(file: "g.txt", line: 4, column: nil,
                                              reason: "row 3 found, but the header on line 1 says the file has 2 rows")) {
            try parse("2 2\na 1 2\nb 1 2\nc 1 2\n")
        }
    }

    @Test func nonNumberAndNaNNameTheirColumn() {
        // "é" is one character (two bytes): the column counts characters.
        #expect(throws: OrreryError.malformed(file: "g.txt", line: 2, column: 5, reason: "'0.4x1' is not a number")) {
            try parse("a 1 2\né 1 0.4x1\n")
        }
        #expect(throws: OrreryError.malformed(file: "g.txt", line: 1, column: 5, reason: "'nan' is NaN or infinite")) {
            try parse("a 1 nan\n")
        }
        #expect(throws: OrreryError.malformed(file: "g.txt", line: 1, column: 3, reason: "'-inf' is NaN or infinite")) {
            try parse("a -inf 1\n")
        }
        #expect(throws: OrreryError.malformed(file: "g.txt", line: 1, column: 3, reason: "'1e39' is out of Float32 range")) {
            try parse("a 1e39 1\n")
        }
    }

    @Test func emptyFileAndWordWithoutValues() {
        #expect(throws: OrreryError.emptyDataset("g.txt is empty")) { try parse("") }
        #expect(throws: OrreryError.emptyDataset("g.txt has no vectors")) { try parse("\n\n") }
        #expect(throws: OrreryError.malformed(file: "g.txt", line: 1, column: nil, reason: "line 1 has a word but no values")) {
            try parse("lonely\n")
        }
    }

    @Test func nonUTF8WordIsAnError() {
        var data = Data("a 1\n".utf8)
        data.append(contentsOf: [0x62, 0xE9, 0x20, 0x32, 0x0A])  // "b\xE9 2" (Latin-1 é)
        #expect(throws: OrreryError.malformed(file: "g.txt", line: 2, column: 1, reason: "the word is not UTF-8 text (bytes 62 e9)")) {
            try TextVectorParser.parse(data, path: "g.txt", format: .wordVectors)
        }
    }

    @Test func duplicateWordsAreKeptWithAWarning() async throws {
        let dir = Fixtures.temporaryDirectory()
        try "a 1\nb 2\na 3\nc 4\nb 5\na 6\nc 7\nd 8\nd 9\n".write(to: dir.appendingPathComponent("d.txt"), atomically: true, encoding: .utf8)
        let log = EventLog()
        let e = try await GloVeLoader.load(.with { $0.path = "d.txt" }, context: .testing(input: dir, events: log.handler))
        #expect(e.count == 9)
        #expect(log.warnings == ["d.txt has 5 repeated words, kept as separate rows: 'a' (lines 1 and 3), 'b' (lines 2 and 5), 'a' (lines 1 and 6) and 2 more"])
    }

    @Test func missingFileAndBadLimit() async throws {
        await #expect(throws: OrreryError.fileNotFound("nope.txt")) {
            try await GloVeLoader.load(.with { $0.path = "nope.txt" }, context: .testing())
        }
        #expect(throws: WorkflowDiagnostics.self) { try GloVeLoader.Parameters.yaml("{ path: x, limit: 0 }") }
    }
}
