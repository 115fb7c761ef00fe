import Foundation
import OrreryCore
import OrreryTesting
import Testing

/// Every path an exporter writes stays inside the output folder: lexically at validation, and
/// after symbolic links at write time.
@Suite struct OutputPathTests {
    @Test(arguments: [
        ("", "is empty; name a file inside the output folder"),
        ("/tmp/x.tsv", "is absolute; exporter paths are relative to the output folder"),
        ("~/x.tsv", "starts with '~', which is not expanded; exporter paths are relative to the output folder"),
        ("../x.tsv", "goes up with '..'; exporter paths must stay inside the output folder"),
        ("../../x.tsv", "goes up with '..'; exporter paths must stay inside the output folder"),
        ("sub/../../x.tsv", "goes up with '..'; exporter paths must stay inside the output folder"),
        ("sub/..", "goes up with '..'; exporter paths must stay inside the output folder"),
        (".", "names the output folder itself; name a file inside it"),
        ("./", "ends with '/'; name a file (or a folder) without the trailing slash"),
        ("./.", "names the output folder itself; name a file inside it"),
        ("sub/", "ends with '/'; name a file (or a folder) without the trailing slash"),
        ("orrery.lock", "is orrery.lock, the run record Orrery writes there"),
        ("./orrery.lock", "is orrery.lock, the run record Orrery writes there"),
        ("a/.orrery-tmp-1-x", "uses the name of Orrery's temporary files ('.orrery-tmp-…'), which are deleted on the next run"),
        ("a\u{0}b", "contains a NUL byte"),
    ])
    func lexicalProblemsAreNamed(_ path: String, _ reason: String) {
        #expect(OutputPath.problem(path) == reason)
    }

    @Test(arguments: ["x.tsv", "sub/x.tsv", "./x.tsv", "a//b.tsv", "sub/orrery.lock", "..x", "x..", "a~"])
    func ordinaryPathsPass(_ path: String) {
        #expect(OutputPath.problem(path) == nil)
    }

    /// Every file under `folder` with its bytes (symbolic links as their targets' text).
    static func snapshot(_ folder: URL) -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: folder.path) else { return out }
        while let relative = walker.nextObject() as? String {
            let path = folder.path + "/" + relative
            if let link = try? fm.destinationOfSymbolicLink(atPath: path) {
                out[relative] = "-> " + link
            } else if let data = fm.contents(atPath: path) {
                out[relative] = String(decoding: data, as: UTF8.self)
            } else {
                out[relative] = "(folder)"
            }
        }
        return out
    }

    @Test func noByteLandsOutsideTheOutputFolder() throws {
        let base = Fixtures.temporaryDirectory()
        let fm = FileManager.default
        let out = base.appendingPathComponent("out"), outside = base.appendingPathComponent("outside")
        try fm.createDirectory(at: out.appendingPathComponent("sub/deep"), withIntermediateDirectories: true)
        try fm.createDirectory(at: outside.appendingPathComponent("inner"), withIntermediateDirectories: true)
        try "secret".write(to: outside.appendingPathComponent("f.txt"), atomically: true, encoding: .utf8)
        try "plain".write(to: out.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        // Links of every kind: absolute and relative to outside, to an outside file, dangling,
        // looping, chained, and links that stay inside.
        let links: [(String, String)] = [
            ("link", outside.path), ("rel", "../outside"), ("sub/up2", "../.."), ("sub/deep/up3", "../../.."),
            ("file-link", outside.appendingPathComponent("f.txt").path), ("dangling", base.appendingPathComponent("nowhere").path),
            ("loop", "loop"), ("chain", "link"), ("sub/chain2", "../rel"), ("inner", "sub"), ("sub/up", ".."),
            ("root", "/"),
        ]
        for (name, target) in links {
            try fm.createSymbolicLink(atPath: out.appendingPathComponent(name).path, withDestinationPath: target)
        }
        let before = Self.snapshot(outside)
        let context = StepContext.testing(output: out)
        let refused = [
            "../x.tsv", "../../x.tsv", "sub/../../x.tsv", "/tmp/orrery-abs.tsv", outside.appendingPathComponent("abs.tsv").path,
            ".", "sub/", "./", "link/x.tsv", "link/new/x.tsv", "rel/x.tsv", "rel/inner/x.tsv", "sub/up2/x.tsv",
            "sub/up2/outside/x.tsv", "sub/deep/up3/x.tsv", "file-link", "file-link/x.tsv", "dangling/x.tsv",
            "loop/x.tsv", "chain/x.tsv", "sub/chain2/x.tsv", "root/tmp/x.tsv", "file/x.tsv", "sub", "orrery.lock",
        ]
        for path in refused {
            #expect(throws: OrreryError.self, "\(path)") { try context.write("pwned \(path)", to: path) }
        }
        // Links that stay inside the output folder are followed.
        try context.write("in", to: "inner/x.tsv")
        try context.write("up", to: "sub/up/y.tsv")
        #expect(fm.contents(atPath: out.appendingPathComponent("sub/x.tsv").path) == Data("in".utf8))
        #expect(fm.contents(atPath: out.appendingPathComponent("y.tsv").path) == Data("up".utf8))
        #expect(Self.snapshot(outside) == before)
        #expect(!fm.fileExists(atPath: "/tmp/orrery-abs.tsv"))
        #expect(!fm.fileExists(atPath: base.appendingPathComponent("x.tsv").path))
        #expect(!fm.fileExists(atPath: base.appendingPathComponent("nowhere").path))
        // No temporary is left anywhere.
        #expect(Self.snapshot(base).keys.filter { $0.contains(".orrery-tmp-") }.isEmpty)
    }

    @Test(arguments: [
        ("link/x.tsv", "refusing to write 'link/x.tsv': 'link' is a symbolic link to OUTSIDE, outside the output folder"),
        ("../x.tsv", "refusing to write '../x.tsv': it goes up with '..'; exporter paths must stay inside the output folder"),
        ("/abs.tsv", "refusing to write '/abs.tsv': it is absolute; exporter paths are relative to the output folder"),
        ("file/x.tsv", "refusing to write 'file/x.tsv': 'file' is a file, not a folder"),
        ("sub", "refusing to write 'sub': it is a folder; name a file"),
        ("file-link", "refusing to write 'file-link': it is a symbolic link to OUTSIDE/f.txt, outside the output folder"),
        ("dangling/x.tsv", "refusing to write 'dangling/x.tsv': 'dangling' is a broken symbolic link"),
    ])
    func writeTimeRefusalsSayWhy(_ path: String, _ expected: String) throws {
        let base = Fixtures.temporaryDirectory()
        let fm = FileManager.default
        let out = base.appendingPathComponent("out"), outside = base.appendingPathComponent("outside")
        try fm.createDirectory(at: out.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try fm.createDirectory(at: outside, withIntermediateDirectories: true)
        try "secret".write(to: outside.appendingPathComponent("f.txt"), atomically: true, encoding: .utf8)
        try "plain".write(to: out.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: out.appendingPathComponent("link").path, withDestinationPath: outside.path)
        try fm.createSymbolicLink(atPath: out.appendingPathComponent("file-link").path,
                                  withDestinationPath: outside.appendingPathComponent("f.txt").path)
        try fm.createSymbolicLink(atPath: out.appendingPathComponent("dangling").path, withDestinationPath: "nowhere")
        let real = URL(fileURLWithPath: outside.path).resolvingSymlinksInPath().path
        do {
            try StepContext.testing(output: out).write("x", to: path)
            Issue.record("\(path) was written")
        } catch {
            #expect("\(error)".replacingOccurrences(of: real, with: "OUTSIDE") == expected)
        }
    }

    @Test func outputFolderProblemsAreFoundBeforeWriting() throws {
        let base = Fixtures.temporaryDirectory()
        let file = base.appendingPathComponent("file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        let link = base.appendingPathComponent("link-to-file")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: file.path)
        #expect(OutputFolder.problem(base.appendingPathComponent("new/deeper")) == nil)
        #expect(OutputFolder.problem(base) == nil)
        #expect(OutputFolder.problem(file) == "it is a file, not a folder")
        #expect(OutputFolder.problem(file.appendingPathComponent("sub/x")) == "it cannot be created: \(file.path) is a file, not a folder")
        #expect(OutputFolder.problem(link)?.hasPrefix("it is a symbolic link to ") == true)
        if getuid() != 0 {  // root writes anywhere
            #expect(OutputFolder.problem(URL(fileURLWithPath: "/proc/orrery")) != nil)
        }
        // Nothing was created.
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("new").path))
    }

    @Test func staleTemporariesOfDeadWritersAreRemoved() throws {
        let dir = Fixtures.temporaryDirectory()
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("projector"), withIntermediateDirectories: true)
        let dead = ".orrery-tmp-2147483646-0A1B-x.tsv", deep = "projector/.orrery-tmp-2147483646-0A1C-t.bytes"
        let alive = ".orrery-tmp-\(getpid())-0A1D-y.tsv"
        for name in [dead, deep, alive, ".hidden-of-the-user", "x.tsv"] {
            try "partial".write(to: dir.appendingPathComponent(name), atomically: false, encoding: .utf8)
        }
        #expect(AtomicFile.removeStale(in: dir) == [dead, deep].sorted())
        #expect(Set(try fm.contentsOfDirectory(atPath: dir.path)) == [alive, ".hidden-of-the-user", "x.tsv", "projector"])
        #expect(try fm.contentsOfDirectory(atPath: dir.appendingPathComponent("projector").path).isEmpty)
    }
}
