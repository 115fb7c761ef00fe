import ExporterProjector
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import OrreryCore
import OrreryViews
import OrreryTesting
import Testing

/// The real TensorBoard, installed from PyPI into `.venv-tb` (gitignored), serving an exported
/// folder. Set ORRERY_SKIP_TENSORBOARD=1 to skip (CI time); it is skipped with a printed reason
/// when pip cannot install TensorBoard.
@Suite(.serialized) struct TensorBoardTests {
    static let skip = ProcessInfo.processInfo.environment["ORRERY_SKIP_TENSORBOARD"] != nil

    /// `.venv-tb/bin/tensorboard`, installing it when missing; nil (with the reason) when impossible.
    static func tensorboard() -> (URL?, String) {
        let venv = Fixtures.repositoryRoot.appendingPathComponent(".venv-tb")
        let tb = venv.appendingPathComponent("bin/tensorboard")
        if FileManager.default.isExecutableFile(atPath: tb.path) { return (tb, "") }
        let (c1, o1) = Command.run(["python3", "-m", "venv", venv.path])
        guard c1 == 0 else { return (nil, "python3 -m venv failed: \(o1.suffix(300))") }
        let (c2, o2) = Command.run([venv.appendingPathComponent("bin/pip").path, "install", "-q", "tensorboard"])
        guard c2 == 0, FileManager.default.isExecutableFile(atPath: tb.path) else {
            return (nil, "pip could not install tensorboard: \(o2.suffix(300))")
        }
        return (tb, "")
    }

    /// GET `url`: (HTTP status, body); status 0 when nothing answers.
    static func get(_ url: String) async -> (Int, Data) {
        guard let u = URL(string: url) else { return (0, Data()) }
        var request = URLRequest(url: u)
        request.timeoutInterval = 20
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        } catch {
            return (0, Data())
        }
    }

    static func float32(_ data: Data) -> [Float] {
        stride(from: 0, to: data.count - 3, by: 4).map { i in
            Float(bitPattern: UInt32(data[data.startIndex + i]) | UInt32(data[data.startIndex + i + 1]) << 8
                  | UInt32(data[data.startIndex + i + 2]) << 16 | UInt32(data[data.startIndex + i + 3]) << 24)
        }
    }

    @Test(.enabled(if: !skip, "ORRERY_SKIP_TENSORBOARD is set"))
    func tensorBoardServesTheExportedFolder() async throws {
        let (found, reason) = Self.tensorboard()
        guard let tb = found else {
            print("skipping TensorBoard check: \(reason)")
            return
        }
        // Digits with a sprite, and a stand-in t-SNE of them (a bookmark on the digits tensor).
        let digits = try Digits.load(rows: 300)
        var coords = Matrix(rows: 300, columns: 2)
        for i in 0..<300 { coords[i, 0] = digits.vectors[i, 20] / 3 - 1; coords[i, 1] = Float(i % 17) * 0.25 }
        var notes = Notes()
        notes.set("reducer", "reducer.tsne")
        notes.set("perplexity", 12)
        notes.set("iterations", 500)
        notes.set("learning-rate", 200)
        let tsne = digits.projected(to: coords, axes: ["tsne-0", "tsne-1"], notes: notes,
                                   projection: .tsne(dimensions: 2, parameters: notes))
        let out = Fixtures.temporaryDirectory()
        _ = try await ProjectorExporter.export(
            StepInputs(["input": [.embedding(digits), .embedding(tsne)]]),
            .with { $0.path = "tb"; $0.names = ["digits", "digits t-SNE"]; $0.sprite = .init(imageWidth: 8, imageHeight: 8, scale: 2) },
            context: .testing(output: out))
        let folder = out.appendingPathComponent("tb")

        let port = 16_000 + Int.random(in: 0..<2000)
        let server = Process()
        server.executableURL = tb
        server.arguments = ["--logdir", folder.path, "--host", "127.0.0.1", "--port", String(port)]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            // Always stop the server: SIGINT, then SIGKILL if it lingers (bounded wait).
            server.interrupt()
            let stop = Date().addingTimeInterval(10)
            while server.isRunning && Date() < stop { usleep(100_000) }
            if server.isRunning { kill(server.processIdentifier, SIGKILL) }
        }
        let base = "http://127.0.0.1:\(port)/data/plugin/projector"
        // Wait (bounded) for the server: a few seconds alone, but minutes when it starts beside
        // the whole suite under a sanitizer on two cores.
        var runs = Data()
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline && server.isRunning {
            let (status, body) = await Self.get(base + "/runs")
            if status == 200 { runs = body; break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(String(decoding: runs, as: UTF8.self).contains("\".\""), "TensorBoard did not answer /runs in time")

        let (infoStatus, info) = await Self.get(base + "/info?run=.")
        #expect(infoStatus == 200)
        let object = try JSONSerialization.jsonObject(with: info) as? [String: Any]
        let embeddings = object?["embeddings"] as? [[String: Any]] ?? []
        #expect(embeddings.compactMap { $0["tensorName"] as? String } == ["digits", "digits t-SNE"])
        #expect((embeddings.first?["sprite"] as? [String: Any])?["singleImageDim"] as? [Int] == [16, 16])

        for (name, e) in [("digits", digits), ("digits%20t-SNE", tsne)] {
            let (s, raw) = await Self.get(base + "/tensor?run=.&name=\(name)&num_rows=100000")
            #expect(s == 200)
            #expect(Self.float32(raw) == e.vectors.storage, "tensor \(name) differs from Orrery's values")
        }
        let (ms, metadata) = await Self.get(base + "/metadata?run=.&name=digits")
        #expect(ms == 200)
        #expect(metadata == (try Data(contentsOf: folder.appendingPathComponent("digits_metadata.tsv"))))
        let (bs, bookmarks) = await Self.get(base + "/bookmarks?run=.&name=digits")
        #expect(bs == 200)
        let states = try ProjectorState.decodeFile(bookmarks, path: "bookmarks")
        #expect(states.map(\.selectedProjection) == ["tsne"])
        #expect(states.first?.tSNEis3d == false && states.first?.tSNEPerplexity == 12)
        let (ss, sprite) = await Self.get(base + "/sprite_image?run=.&name=digits")
        #expect(ss == 200)
        #expect(sprite == (try Data(contentsOf: folder.appendingPathComponent("digits_sprite.png"))))

        // Opt-in (about a minute): the Projector's own page in headless Chromium loads the bookmark.
        if ProcessInfo.processInfo.environment["ORRERY_PROJECTOR_UI"] != nil {
            let python = tb.deletingLastPathComponent().appendingPathComponent("python").path
            _ = Command.run([tb.deletingLastPathComponent().appendingPathComponent("pip").path, "install", "-q", "websocket-client"])
            let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/browser/projector_bookmark.py").path
            let shot = FileManager.default.temporaryDirectory.appendingPathComponent("orrery-projector-bookmark.png").path
            let (code, output) = Command.run(["env", "SETTLE=15", "WAIT=15", python, script, "http://127.0.0.1:\(port)/#projector", shot])
            print("Projector page: \(output) (screenshot \(shot))")
            #expect(code == 0)
            #expect(output.contains("\"bookmarks\": [\"t-SNE (perplexity 12)\"]") && output.contains("\"activeTab\": [\"tsne\"]"))
            #expect(output.contains("\"errors\": []"))
        }
    }
}
