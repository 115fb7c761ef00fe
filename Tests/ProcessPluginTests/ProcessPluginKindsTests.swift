import Foundation
import OrreryCore
import OrreryTesting
import Testing

/// The protocol for the kinds other than reducers: a metric, a selector, an exporter and a loader
/// written in Python, each checked against a result computed here independently, and each with
/// the output mistakes the protocol must catch.
@Suite struct ProcessPluginKindsTests {
    /// A manifest of `kind` running `script`, with `inputs` (manifest YAML) and one integer
    /// parameter `k` (default 3).
    static func plugin(_ id: String, kind: PluginKind, script: String, inputs: String? = nil) throws -> PluginManifest {
        let dir = Fixtures.temporaryDirectory()
        try script.write(to: dir.appendingPathComponent("plugin.py"), atomically: true, encoding: .utf8)
        let text = """
        orrery-plugin: 1
        id: \(id)
        kind: \(kind.rawValue)
        version: "1"
        summary: a test plugin
        \(inputs.map { "inputs: " + $0 } ?? "")
        parameters:
          k:
            type: integer
            default: 3
            help: a count
            minimum: 0
        run: [python3, plugin.py]
        """
        let path = dir.appendingPathComponent("p" + PluginManifest.fileSuffix).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        switch PluginManifest.load(path: path) {
        case .success(let m): return m
        case .failure(let d): throw d
        }
    }

    static func run(_ m: PluginManifest, _ inputs: [String: [StepValue]], output: URL? = nil) async throws -> StepValue {
        let step = try m.registryEntry.prepare(.mapping([], SourceLocation(file: "t", line: 1, column: 1))).get()
        return try await step.run(StepInputs(inputs), context: .testing(seed: 5, output: output))
    }

    static let exactKNN = """
    import json, sys
    import numpy as np
    r = json.load(open(sys.argv[1]))
    k = r["parameters"]["k"]
    x = np.load(r["inputs"]["input"][0]["vectors"]).astype(np.float64)
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    idx = np.argsort(d, axis=1, kind="stable")[:, :k]
    np.save(r["output"]["indices"], idx.astype(np.int64))
    np.save(r["output"]["distances"], np.take_along_axis(d, idx, 1).astype(np.float32))
    """

    @Test func aMetricsNeighbourListsAreTheExactOnes() async throws {
        let input = Fixtures.random(rows: 40, columns: 5, seed: 3)
        let m = try Self.plugin("metric.py-euclidean", kind: .metric, script: Self.exactKNN)
        guard case .neighbors(let n) = try await Self.run(m, ["input": [.embedding(input)]]) else {
            Issue.record("not neighbour lists"); return
        }
        #expect(n.k == 3 && n.queries == Array(0..<40))
        // The reference: brute force here, in Double.
        func distance(_ a: Int, _ b: Int) -> Double {
            var s = 0.0
            for c in 0..<5 {
                let d = Double(input.vectors[a, c]) - Double(input.vectors[b, c])
                s += d * d
            }
            return s.squareRoot()
        }
        for q in 0..<40 {
            var others: [(index: Int, distance: Double)] = []
            for i in 0..<40 where i != q { others.append((i, distance(q, i))) }
            others.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.index < $1.index) }
            let nearest = Array(others.prefix(3))
            let found: [Int] = n.indices[(q * 3)..<(q * 3 + 3)].map { Int($0) }
            #expect(found == nearest.map(\.index))
            for j in 0..<3 { #expect(abs(Double(n.distances[q * 3 + j]) - nearest[j].distance) < 1e-5) }
        }
    }

    @Test func aMetricsIndexOutsideTheInputOrOfFloatTypeIsRefused() async throws {
        let input = Fixtures.random(rows: 6, columns: 2, seed: 1)
        let outside = try Self.plugin("metric.bad", kind: .metric, script: """
        import json, sys
        import numpy as np
        r = json.load(open(sys.argv[1]))
        idx = np.zeros((6, 2), dtype=np.int32); idx[4, 1] = 6
        np.save(r["output"]["indices"], idx)
        np.save(r["output"]["distances"], np.ones((6, 2), dtype=np.float32))
        """)
        await #expect(throws: ProcessPluginError.badOutput(
            plugin: "metric.bad", file: "indices.npy",
            reason: "row 4, column 1 is 6, outside 0..<6 (use -1 for no neighbour)")) {
            _ = try await Self.run(outside, ["input": [.embedding(input)]])
        }
        let floats = try Self.plugin("metric.floats", kind: .metric, script: """
        import json, sys
        import numpy as np
        r = json.load(open(sys.argv[1]))
        np.save(r["output"]["indices"], np.zeros((6, 2), dtype=np.float32))
        np.save(r["output"]["distances"], np.ones((6, 2), dtype=np.float32))
        """)
        do {
            _ = try await Self.run(floats, ["input": [.embedding(input)]])
            Issue.record("float indices were accepted")
        } catch let e as ProcessPluginError {
            #expect("\(e)".contains("unsupported dtype '<f4' for an index array; write int32 ('<i4') or int64 ('<i8')"))
        }
    }

    @Test func aSelectorKeepsTheRowsItNamesInItsOrder() async throws {
        let input = Fixtures.random(rows: 30, columns: 3, seed: 8)
        let m = try Self.plugin("selector.positive-first", kind: .selector, script: """
        import json, sys
        import numpy as np
        r = json.load(open(sys.argv[1]))
        x = np.load(r["inputs"]["input"][0]["vectors"])
        rows = [int(i) for i in np.argsort(-x[:, 0], kind="stable") if x[i, 0] > 0]
        json.dump(rows, open(r["output"]["rows"], "w"))
        """)
        guard case .embedding(let e) = try await Self.run(m, ["input": [.embedding(input)]]) else {
            Issue.record("not an embedding"); return
        }
        let first: [Float] = (0..<30).map { input.vectors[$0, 0] }
        let expected: [Int] = (0..<30).filter { first[$0] > 0 }.sorted { a, b in
            first[a] > first[b] || (first[a] == first[b] && a < b)
        }
        #expect(e.count == expected.count)
        for (i, r) in expected.enumerated() { #expect(e.vectors.row(i) == input.vectors.row(r)) }
        #expect((0..<e.count).map { e.metadata.label($0) } == expected.map { input.metadata.label($0) })

        let bad = try Self.plugin("selector.bad", kind: .selector, script: """
        import json, sys
        json.dump([0, 30], open(json.load(open(sys.argv[1]))["output"]["rows"], "w"))
        """)
        await #expect(throws: ProcessPluginError.badOutput(plugin: "selector.bad", file: "rows.json",
                                                           reason: "row 30 is outside 0..<30")) {
            _ = try await Self.run(bad, ["input": [.embedding(input)]])
        }
    }

    /// An exporter given neighbour lists: it reads the int32 indices Orrery wrote and writes them
    /// as text into `files/`, which Orrery moves into the output folder.
    @Test func anExporterReceivesNeighbourListsAndItsFilesReachTheOutputFolder() async throws {
        let input = Fixtures.random(rows: 12, columns: 4, seed: 2)
        var indices: [Int32] = [], distances: [Float] = []
        for q in 0..<12 {
            for j in 1...2 {
                indices.append(Int32((q + j) % 12))
                distances.append(Float(q * 2 + j) / 4)
            }
        }
        let neighbors = Neighbors(metric: "metric.euclidean", unit: "", embedding: input, queries: Array(0..<12), k: 2,
                                  indices: indices, distances: distances)
        let m = try Self.plugin("exporter.lists", kind: .exporter, script: """
        import json, os, sys
        import numpy as np
        r = json.load(open(sys.argv[1]))
        n = r["inputs"]["input"][0]
        idx = np.load(n["indices"]); dist = np.load(n["distances"])
        assert idx.dtype == np.int32, idx.dtype
        os.makedirs(os.path.join(r["output"]["files"], "lists"))
        with open(os.path.join(r["output"]["files"], "lists", "knn.txt"), "w") as f:
            for q, row in zip(n["queries"], idx):
                f.write(f"{q}: " + " ".join(map(str, row)) + "\\n")
        open(r["output"]["report"], "w").write(f"wrote {len(idx)} lists, k={n['k']}, metric {n['metric']}")
        """, inputs: "[{ name: input, accepts: [neighbors] }]")
        let out = Fixtures.temporaryDirectory()
        guard case .files(let result) = try await Self.run(m, ["input": [.neighbors(neighbors)]], output: out) else {
            Issue.record("not files"); return
        }
        #expect(result.files == ["lists/knn.txt"])
        #expect(result.report == "wrote 12 lists, k=2, metric metric.euclidean")
        let text = try String(contentsOf: out.appendingPathComponent("lists/knn.txt"), encoding: .utf8)
        var expected = ""
        for q in 0..<12 { expected += "\(q): \((q + 1) % 12) \((q + 2) % 12)\n" }
        #expect(text == expected)
    }

    @Test func anExporterCannotReachOutsideItsFolderThroughASymlink() async throws {
        let outsideFolder = Fixtures.temporaryDirectory()
        let target = outsideFolder.appendingPathComponent("secret.txt")
        try "secret".write(to: target, atomically: true, encoding: .utf8)
        let m = try Self.plugin("exporter.sneaky", kind: .exporter, script: """
        import json, os, sys
        r = json.load(open(sys.argv[1]))
        os.makedirs(r["output"]["files"], exist_ok=True)
        os.symlink("\(target.path)", os.path.join(r["output"]["files"], "copy.txt"))
        """)
        let out = Fixtures.temporaryDirectory()
        await #expect(throws: ProcessPluginError.unsafeFile(plugin: "exporter.sneaky", path: "copy.txt")) {
            _ = try await Self.run(m, ["input": [.embedding(Fixtures.random(rows: 3, columns: 2))]], output: out)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.hasPrefix(".") }.isEmpty)
    }

    @Test func aLoaderReturnsItsVectorsAndMetadata() async throws {
        let m = try Self.plugin("loader.grid", kind: .loader, script: """
        import json, sys
        import numpy as np
        r = json.load(open(sys.argv[1]))
        k = r["parameters"]["k"]
        np.save(r["output"]["vectors"], np.arange(k * 2, dtype=np.float64).reshape(k, 2) / 8)
        with open(r["output"]["metadata"], "w") as f:
            f.write("word\\tparity\\n" + "".join(f"w{i}\\t{i % 2}\\n" for i in range(k)))
        """)
        guard case .embedding(let e) = try await Self.run(m, [:]) else { Issue.record("not an embedding"); return }
        #expect(e.count == 3 && e.dimensions == 2)
        #expect(e.vectors.storage == (0..<6).map { Float($0) / 8 })
        #expect((0..<3).map { e.metadata.label($0) } == ["w0", "w1", "w2"])
        #expect(e.metadata.column(named: "parity")?.values == ["0", "1", "0"])
    }
}
