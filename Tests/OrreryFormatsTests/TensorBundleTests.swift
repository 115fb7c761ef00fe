import Foundation
import OrreryCore
@testable import OrreryFormats
import OrreryTesting
import Testing

/// The tensor bundle reader on checkpoints TensorFlow wrote, against the values TensorFlow read
/// back from them (Tests/Fixtures/checkpoints, scripts/make-checkpoint-fixtures.py).
@Suite struct TensorBundleTests {
    static let attr = "/.ATTRIBUTES/VARIABLE_VALUE"

    func bundle(_ folder: String, _ prefix: String, in root: URL = Fixtures.checkpoints) throws -> TensorBundle {
        let url = root.appendingPathComponent(folder).appendingPathComponent(prefix + ".index")
        return try TensorBundle(index: [UInt8](Data(contentsOf: url)), prefix: root.appendingPathComponent(folder).appendingPathComponent(prefix).path)
    }

    func read(_ b: TensorBundle, _ name: String) throws -> Matrix {
        let e = try #require(b.entry(named: name))
        return try b.matrix(e) { (k: Int) throws(OrreryError) -> Data in
            do { return try Data(contentsOf: URL(fileURLWithPath: b.shardPath(k))) } catch { throw .unreadable(b.shardPath(k), reason: "\(error)") }
        }
    }

    /// The names, dtypes and shapes TensorFlow listed (tensors.tsv), for every fixture.
    @Test(arguments: [("keras", "ckpt-1"), ("tf1", "model.ckpt-1"), ("mixed", "ckpt-1"), ("sharded", "ckpt-1"),
                      ("logdir", "embedding.ckpt-1")])
    func entriesMatchTensorFlowsListing(_ folder: String, _ prefix: String) throws {
        let b = try bundle(folder, prefix)
        let listing = try String(contentsOf: Fixtures.checkpoints.appendingPathComponent("\(folder)/tensors.tsv"), encoding: .utf8)
        let expected = listing.split(separator: "\n").map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            return "\(f[0]) \(f[1]) \(f[2])"
        }
        let names = [1: "float32", 2: "float64", 3: "int32", 7: "string", 9: "int64", 14: "bfloat16", 19: "float16"]
        let found = b.entries.map { "\($0.name) \(names[$0.dtype] ?? "?") \($0.shape.map(String.init).joined(separator: "x"))" }
        #expect(found == expected)
    }

    @Test(arguments: [("keras", "ckpt-1", "model/layer_with_weights-0/embeddings" + attr, "embeddings.npy"),
                      ("tf1", "model.ckpt-1", "word_embedding", "word_embedding.npy"),
                      ("mixed", "ckpt-1", "vectors64" + attr, "vectors64.npy"),
                      ("mixed", "ckpt-1", "half" + attr, "half.npy"),
                      ("mixed", "ckpt-1", "brain" + attr, "brain.npy"),
                      ("sharded", "ckpt-1", "first" + attr, "first.npy"),
                      ("sharded", "ckpt-1", "second" + attr, "second.npy"),
                      ("logdir", "embedding.ckpt-1", "embedding" + attr, "embedding.npy")])
    func valuesEqualTensorFlowsReading(_ folder: String, _ prefix: String, _ name: String, _ reference: String) throws {
        let m = try read(bundle(folder, prefix), name)
        let tf = try Fixtures.tensorFlowReading(folder, reference)
        #expect(m.rows == tf.rows && m.columns == tf.columns)
        #expect(m.storage == tf.storage)
        #expect(m.storage.contains { $0 != 0 })
    }

    @Test func shardedCheckpointSpansTwoDataFiles() throws {
        let b = try bundle("sharded", "ckpt-1")
        #expect(b.shardCount == 2)
        // TensorFlow's MaxShardSizePolicy split 'second' (9 × 6) into slices across both files.
        let second = try #require(b.entry(named: "second" + Self.attr))
        #expect(second.slices.count == 3)
        #expect(Set(try b.pieces(of: second).map(\.entry.shard)) == [0, 1])
        #expect(b.shardPath(1).hasSuffix("ckpt-1.data-00001-of-00002"))
    }

    @Test func crcMismatchNamesTheTensor() throws {
        let dir = try Fixtures.copyOfCheckpoint("tf1")
        let b = try bundle("tf1", "model.ckpt-1", in: dir.deletingLastPathComponent())
        let e = try #require(b.entry(named: "word_embedding"))
        var shard = try Data(contentsOf: URL(fileURLWithPath: b.shardPath(0)))
        shard[e.offset + 3] ^= 0x01
        #expect(throws: OrreryError.malformed(file: b.shardPath(0), line: 0, column: nil,
                                              reason: "CRC mismatch for tensor 'word_embedding' (bytes \(e.offset)..<\(e.offset + e.size)): the data file is damaged or does not belong to this index")) {
            try b.matrix(e, shard: shard)
        }
    }

    @Test func truncatedDataShardIsAnError() throws {
        let b = try bundle("tf1", "model.ckpt-1")
        let e = try #require(b.entry(named: "word_embedding"))
        let shard = try Data(contentsOf: URL(fileURLWithPath: b.shardPath(0))).prefix(e.offset + e.size - 1)
        let error = #expect(throws: OrreryError.self) { try b.matrix(e, shard: shard) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("truncated: tensor 'word_embedding' needs bytes \(e.offset)..<\(e.offset + e.size), but the shard has \(e.offset + e.size - 1)"))
    }

    @Test func unsupportedDtypeIsNamed() throws {
        let b = try bundle("mixed", "ckpt-1")
        let e = try #require(b.entry(named: "counts" + Self.attr))
        let error = #expect(throws: OrreryError.self) { try b.matrix(e, shard: Data()) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("tensor 'counts/.ATTRIBUTES/VARIABLE_VALUE' has dtype int32 (DataType 3), which Orrery does not load"))
    }

    @Test(arguments: ["bias", "cube"])
    func oneAndThreeDimensionalTensorsAreNotEmbeddings(_ name: String) throws {
        let b = try bundle("mixed", "ckpt-1")
        let e = try #require(b.entry(named: name + Self.attr))
        let error = #expect(throws: OrreryError.self) { try b.matrix(e, shard: Data()) }
        guard case .shapeMismatch(let message)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(message.contains(name == "bias" ? "has shape 3," : "has shape 2 × 3 × 4,"))
    }

    @Test func truncatedIndexIsAnError() throws {
        let url = Fixtures.checkpoints.appendingPathComponent("tf1/model.ckpt-1.index")
        let bytes = [UInt8](try Data(contentsOf: url))
        for cut in [1, 20, bytes.count - 10, bytes.count - 48] {
            #expect(throws: OrreryError.self, "cut \(cut) bytes") { try TensorBundle(index: Array(bytes.dropLast(cut)), prefix: "t") }
        }
    }

    @Test func wrongMagicIsAnError() throws {
        var bytes = [UInt8](try Data(contentsOf: Fixtures.checkpoints.appendingPathComponent("tf1/model.ckpt-1.index")))
        bytes[bytes.count - 1] = 0
        let error = #expect(throws: OrreryError.self) { try TensorBundle(index: bytes, prefix: "t") }
        #expect("\(error.map { "\($0)" } ?? "")".contains("t.index: wrong magic number 0x4775248b80fb57"))
    }

    @Test func damagedIndexBlockFailsItsCRC() throws {
        var bytes = [UInt8](try Data(contentsOf: Fixtures.checkpoints.appendingPathComponent("tf1/model.ckpt-1.index")))
        bytes[2] ^= 0x40  // inside the first data block
        let error = #expect(throws: OrreryError.self) { try TensorBundle(index: bytes, prefix: "t") }
        #expect("\(error.map { "\($0)" } ?? "")".contains("CRC mismatch in the data block at byte 0"))
    }

    @Test func optimizerStateIsRecognised() throws {
        for name in ["word_embedding/Adam", "word_embedding/Adam_1", "w/Momentum", "optimizer/_variables/1" + Self.attr,
                     "model/layer_with_weights-0/embeddings/.OPTIMIZER_SLOT/optimizer/m" + Self.attr, "v/ExponentialMovingAverage"] {
            #expect(TensorBundle.isOptimizerState(name), "\(name)")
        }
        for name in ["word_embedding", "model/layer_with_weights-0/embeddings" + Self.attr, "adam_embedding"] {
            #expect(!TensorBundle.isOptimizerState(name), "\(name)")
        }
    }
}
