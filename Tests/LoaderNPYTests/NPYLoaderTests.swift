import Foundation
import LoaderNPY
import OrreryCore
import OrreryTesting
import Testing

@Suite struct NPYLoaderTests {
    @Test func writtenMatrixRoundTrips() throws {
        let m = Matrix([[1, 2.5, -3], [4, 5, 6e-7]])
        #expect(try NPYFormat.read(NPYFormat.write(m), path: "m.npy") == m)
    }

    @Test func bundledGloVeMatchesTheTextFile() async throws {
        let e = try await NPYLoader.load(.with { $0.path = "data/glove.6B.50d.top50k.npy"; $0.metadata = "data/glove.6B.50d.top50k.words.tsv" }, context: .testing())
        #expect(e.count == 50_000 && e.dimensions == 50)
        // The first line of glove.6B.50d.txt: "the 0.418 0.24968 -0.41242 ..."
        #expect(e.label(0) == "the")
        #expect(e.vectors[0, 0] == Float("0.418"))
        #expect(e.vectors[0, 1] == Float("0.24968"))
        #expect(e.metadata.columnNames == ["label"])
    }

    @Test func truncatedFileIsAnError() throws {
        let data = NPYFormat.write(Matrix([[1, 2], [3, 4]])).dropLast(3)
        #expect(throws: OrreryError.malformed(file: "t.npy", line: 0, column: nil,
                                              reason: "truncated: shape (2, 2) needs 16 bytes of data, the file has 13")) {
            try NPYFormat.read(Data(data), path: "t.npy")
        }
    }

    @Test func notNPYIsAnError() {
        #expect(throws: OrreryError.self) { try NPYFormat.read(Data("hello world".utf8), path: "x") }
    }

    @Test func metadataRowCountMustMatch() async throws {
        let dir = Fixtures.temporaryDirectory()
        try NPYFormat.write(Matrix([[1], [2], [3]])).write(to: dir.appendingPathComponent("m.npy"))
        try "a\nb\n".write(to: dir.appendingPathComponent("m.tsv"), atomically: true, encoding: .utf8)
        await #expect(throws: OrreryError.shapeMismatch("m.tsv has 2 rows but m.npy has 3")) {
            try await NPYLoader.load(.with { $0.path = "m.npy"; $0.metadata = "m.tsv" }, context: .testing(input: dir))
        }
    }
}
