import ExporterNPY
import Foundation
import OrreryCore
import OrreryTesting
import Testing

@Suite struct NPYExporterTests {
    @Test func vectorsAndMetadataRoundTrip() async throws {
        let e = Embedding(vectors: Matrix([[1, -2.5, 3e-8], [4, 5, 6]]),
                          metadata: MetadataTable(count: 2, columns: [.init(name: "word", values: ["a\tb", "c"]), .init(name: "n", values: ["1", "2"])]))
        let out = Fixtures.temporaryDirectory()
        let r = try await NPYExporter.export(StepInputs(["input": [.embedding(e)]]), .with { $0.path = "v.npy"; $0.metadata = "v.tsv" },
                                             context: .testing(output: out))
        #expect(r.files == ["v.npy", "v.tsv"])
        let data = try Data(contentsOf: out.appendingPathComponent("v.npy"))
        #expect(try NPYFormat.read(data, path: "v.npy") == e.vectors)
        #expect(String(decoding: data.prefix(70), as: UTF8.self).contains("'descr': '<f4'"))
        #expect(try String(contentsOf: out.appendingPathComponent("v.tsv"), encoding: .utf8) == "word\tn\na b\t1\nc\t2\n")
    }

    @Test func numpyReadsTheFile() async throws {
        let e = Fixtures.random(rows: 7, columns: 3, seed: 5)
        let out = Fixtures.temporaryDirectory()
        _ = try await NPYExporter.export(StepInputs(["input": [.embedding(e)]]), .with { $0.path = "r.npy" }, context: .testing(output: out))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import numpy as np, sys; a = np.load(sys.argv[1]); print(a.dtype, a.shape, repr(float(a[6, 2])))",
                       out.appendingPathComponent("r.npy").path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        guard (try? p.run()) != nil else { print("skipping: no python3"); return }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if text.contains("No module named") { print("skipping: no numpy"); return }
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "float32 (7, 3) \(Double(e.vectors[6, 2]))")
    }
}
