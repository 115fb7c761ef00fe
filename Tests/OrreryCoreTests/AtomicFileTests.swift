import Foundation
import OrreryCore
import OrreryTesting
import Testing

@Suite struct AtomicFileTests {
    @Test func replacesWholeFilesAndLeavesNoTemporaryFile() throws {
        let dir = Fixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("sub/a.txt")
        try AtomicFile.write(Data("first".utf8), to: url)
        try AtomicFile.write(Data("second".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("sub").path) == ["a.txt"])
    }

    @Test func failedWriteLeavesTheOldFileAndNoTemporary() throws {
        let dir = Fixtures.temporaryDirectory()
        let target = dir.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        // Renaming a file over a non-empty folder fails.
        #expect(throws: OrreryError.self) { try AtomicFile.write(Data("x".utf8), to: target) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["folder"])
    }
}
