import Foundation
import LoaderTSV
import OrreryCore
import OrreryTesting
import Testing

private func parse(_ text: String) throws(OrreryError) -> TextVectorTable {
    try TextVectorParser.parse(Data(text.utf8), path: "t.tsv", format: .tensorTSV)
}

@Suite struct TSVLoaderTests {
    @Test func descriptorExampleRuns() async throws {
        let values = try await Fixtures.runExample(of: TSVLoader.self)
        guard case .embedding(let e)? = values["digits"] else {
            Issue.record("no embedding from the example")
            return
        }
        #expect(e.count == 1797 && e.label(0) == "0")
    }

    @Test func digitsEqualAnIndependentParse() async throws {
        let text = try String(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("data/digits.tsv"), encoding: .utf8)
        let reference = text.split(separator: "\n").flatMap { $0.split(separator: "\t").map { Float(String($0))! } }
        let labels = try String(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("data/digits_labels.tsv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let e = try await TSVLoader.load(.with { $0.path = "data/digits.tsv"; $0.metadata = "data/digits_labels.tsv" }, context: .testing())
        #expect(e.count == 1797 && e.dimensions == 64)
        #expect(e.vectors.storage == reference)
        // The file's first line: 0 0 5 13 9 1 0 0 0 0 13 15 10 15 5 0 …
        #expect(Array(e.vectors.storage.prefix(16)) == [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0])
        #expect(e.metadata.columnNames == ["label"] && e.metadata.columns[0].values == labels)
        #expect(e.label(0) == "0" && e.label(1796) == labels[1796])
    }

    @Test func withoutMetadataRowsAreNamedByIndex() async throws {
        let e = try await TSVLoader.load(.with { $0.path = "data/digits.tsv" }, context: .testing())
        #expect(e.metadata.columnNames == ["index"] && e.label(1796) == "1796")
    }

    @Test func irisWithAMultiColumnMetadataHeader() async throws {
        let demo = Fixtures.projectorDemo
        guard FileManager.default.fileExists(atPath: demo.appendingPathComponent("iris_labels.tsv").path) else { return }
        // Write the demo's raw float32 tensor (150 × 4) as a tensor TSV.
        let bytes = try Data(contentsOf: demo.appendingPathComponent("iris_tensors.bytes"))
        let values = (0..<(bytes.count / 4)).map { i in
            Float(bitPattern: UInt32(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self) }))
        }
        let lines = stride(from: 0, to: values.count, by: 4).map { values[$0..<$0 + 4].map { "\($0)" }.joined(separator: "\t") }
        let dir = Fixtures.temporaryDirectory()
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("iris.tsv"), atomically: true, encoding: .utf8)
        let e = try await TSVLoader.load(.with { $0.path = "iris.tsv"; $0.metadata = demo.appendingPathComponent("iris_labels.tsv").path },
                                         context: .testing(input: dir))
        #expect(e.count == 150 && e.dimensions == 4)
        #expect(e.vectors.storage == values)
        #expect(e.metadata.columnNames == ["sepal-length", "sepal-width", "petal-length", "petal-width", "class"])
        #expect(e.metadata.column(named: "class")?.values.first == "Iris-setosa")
        #expect(e.metadata.column(named: "sepal-length")?.values.prefix(2) == ["5.1", "4.9"])
    }

    @Test func metadataRowCountMustMatch() async throws {
        let dir = Fixtures.temporaryDirectory()
        let data = Fixtures.workflowsDirectory.appendingPathComponent("data")
        try FileManager.default.copyItem(at: data.appendingPathComponent("digits.tsv"), to: dir.appendingPathComponent("digits.tsv"))
        let labels = try String(contentsOf: data.appendingPathComponent("digits_labels.tsv"), encoding: .utf8)
            .split(separator: "\n").dropLast().joined(separator: "\n") + "\n"
        try labels.write(to: dir.appendingPathComponent("metadata.tsv"), atomically: true, encoding: .utf8)
        await #expect(throws: OrreryError.shapeMismatch("metadata.tsv has 1796 rows but digits.tsv has 1797; row i of the metadata must describe point i")) {
            try await TSVLoader.load(.with { $0.path = "digits.tsv"; $0.metadata = "metadata.tsv" }, context: .testing(input: dir))
        }
    }

    @Test func blankLinesAndCRLFAreSkipped() throws {
        let t = try parse("1\t2.5\r\n\n\r\n-3\t4e2\n")
        #expect(t.vectors.rows == 2 && t.vectors.storage == [1, 2.5, -3, 400] && t.lines == [1, 4])
        #expect(t.words.isEmpty)
    }

    @Test func raggedRowsNameLineAndColumn() {
        #expect(throws: OrreryError.malformed(file: "t.tsv", line: 2, column: nil, reason: "line 2 has 1 value, expected 2")) {
            try parse("1\t2\n3\n")
        }
        #expect(throws: OrreryError.malformed(file: "t.tsv", line: 2, column: 5, reason: "line 2 has 3 values, expected 2")) {
            try parse("1\t2\n3\t4\t5\n")
        }
        #expect(throws: OrreryError.malformed(file: "t.tsv", line: 1, column: 5,
                                              reason: "empty value (two tabs in a row, or a tab at the end of the line)")) {
            try parse("1\t2\t\n")
        }
    }

    @Test func nonNumbersAndNaNAreErrors() {
        #expect(throws: OrreryError.malformed(file: "t.tsv", line: 2, column: 3, reason: "'x' is not a number")) {
            try parse("1\t2\n3\tx\n")
        }
        #expect(throws: OrreryError.malformed(file: "t.tsv", line: 1, column: 1,
                                              reason: "'a' is not a number (a tensor TSV has no header row; put column names in the metadata file)")) {
            try parse("a\tb\n1\t2\n")
        }
        #expect(throws: OrreryError.malformed(file: "t.tsv", line: 1, column: 3, reason: "'NaN' is NaN or infinite")) {
            try parse("1\tNaN\n")
        }
        #expect(throws: OrreryError.emptyDataset("t.tsv has no vectors")) { try parse("\n \n") }
    }
}
