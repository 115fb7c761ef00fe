import Foundation
@testable import OrreryCore
import OrreryTesting
import Testing

/// The cache's entry format and store: round trips, shared roots, damaged entries.
@Suite struct StepCacheTests {
    let output = Fixtures.temporaryDirectory()

    func subsetWithNotes() -> Embedding {
        var e = Fixtures.random(rows: 40, columns: 5, seed: 3)
        var notes = Notes()
        notes.set("kl-divergence", 1.25)
        notes.set("explained-variance-ratio", .numbers([0.5, .nan, -0.0]))
        notes.set("reducer", "reducer.test")
        e = e.subset([7, 3, 3, 20])
        return e.projected(to: Matrix(rows: 4, columns: 2, storage: [1, 2, 3, 4, 5, 6, .infinity, -7]),
                           axes: ["pca-0", "pca-1"], notes: notes,
                           projection: .pca(explainedVariance: [0.731, 0.0731]))
    }

    @Test func embeddingRoundTripsWithItsRootStoredOnce() throws {
        let cache = StepCache(directory: Fixtures.temporaryDirectory())
        let e = subsetWithNotes()
        let stored = try cache.store(.embedding(e), preKey: "p1", inputFiles: [], outputDirectory: output)
        let whole = try cache.store(.embedding(Embedding(vectors: e.root.vectors, metadata: e.root.metadata)),
                                    preKey: "p2", inputFiles: [], outputDirectory: output)
        #expect(stored.key != whole.key)
        // A second process (a new StepCache) reads it back.
        let reader = StepCache(directory: cache.directory)
        guard case .hit(let hit) = reader.lookup(preKey: "p1", outputDirectory: output),
              case .embedding(let back) = hit.value else {
            Issue.record("no hit")
            return
        }
        #expect(back.vectors.storage.map(\.bitPattern) == e.vectors.storage.map(\.bitPattern))
        #expect(back.metadata == e.metadata && back.axes == e.axes && back.rows == e.rows)
        #expect(back.root.vectors == e.root.vectors && back.root.metadata == e.root.metadata)
        #expect(back.notes.entries.map(\.key) == e.notes.entries.map(\.key))
        #expect(back.notes.number("kl-divergence") == 1.25)
        #expect(back.projection == e.projection && back.axisTitle(1) == "PCA 2 (7.3 %)")
        #expect(hit.outputHash == stored.outputHash)
        // Both steps share one root dataset object, and one stored copy of it.
        guard case .hit(let hit2) = reader.lookup(preKey: "p2", outputDirectory: output),
              case .embedding(let whole2) = hit2.value else {
            Issue.record("no hit")
            return
        }
        #expect(whole2.root === back.root)
        let objects = try FileManager.default.subpathsOfDirectory(atPath: cache.directory.appendingPathComponent("objects").path)
            .filter { $0.count > 60 }
        #expect(objects.count == 3)  // two step entries + one root
    }

    @Test func neighborsRoundTrip() throws {
        let cache = StepCache(directory: Fixtures.temporaryDirectory())
        let e = Fixtures.random(rows: 10, columns: 3)
        let n = Neighbors(metric: "metric.angle", unit: "°", embedding: e, queries: [0, 4], k: 2,
                          indices: [1, 2, 3, -1], distances: [0.5, 1, 2, .infinity])
        _ = try cache.store(.neighbors(n), preKey: "p", inputFiles: [], outputDirectory: output)
        guard case .hit(let hit) = StepCache(directory: cache.directory).lookup(preKey: "p", outputDirectory: output),
              case .neighbors(let back) = hit.value else {
            Issue.record("no hit")
            return
        }
        #expect(back.metric == n.metric && back.unit == n.unit && back.queries == n.queries && back.k == 2)
        #expect(back.indices == n.indices && back.distances == n.distances)
        #expect(back.embedding.vectors == e.vectors)
    }

    @Test func exportedFilesAreReusedOnlyWhileUnchanged() throws {
        let cache = StepCache(directory: Fixtures.temporaryDirectory())
        try Data("a\tb\n".utf8).write(to: output.appendingPathComponent("t.tsv"))
        _ = try cache.store(.files(ExportResult(files: ["t.tsv"], report: "wrote t")), preKey: "x", inputFiles: [],
                            outputDirectory: output)
        guard case .hit(let hit) = cache.lookup(preKey: "x", outputDirectory: output),
              case .files(let r) = hit.value else {
            Issue.record("no hit")
            return
        }
        #expect(r == ExportResult(files: ["t.tsv"], report: "wrote t"))
        try Data("changed\n".utf8).write(to: output.appendingPathComponent("t.tsv"))
        guard case .miss(let reason) = cache.lookup(preKey: "x", outputDirectory: output) else {
            Issue.record("changed file was trusted")
            return
        }
        #expect(reason == .outputFileChanged("t.tsv"))
    }

    @Test func aChangedInputFileChangesTheKey() throws {
        let cache = StepCache(directory: Fixtures.temporaryDirectory())
        let input = output.appendingPathComponent("in.txt")
        try Data("one".utf8).write(to: input)
        let first = try cache.store(.embedding(Fixtures.grid(rows: 2, columns: 2)), preKey: "L", inputFiles: [input],
                                    outputDirectory: output)
        guard case .hit(let hit) = cache.lookup(preKey: "L", outputDirectory: output) else {
            Issue.record("no hit")
            return
        }
        #expect(hit.key == first.key)
        try Data("two!".utf8).write(to: input)
        guard case .miss(let reason) = cache.lookup(preKey: "L", outputDirectory: output) else {
            Issue.record("changed input was trusted")
            return
        }
        #expect(reason == .inputFileChanged(input.path))
        try FileManager.default.removeItem(at: input)
        guard case .miss(.inputFileMissing) = cache.lookup(preKey: "L", outputDirectory: output) else {
            Issue.record("missing input was trusted")
            return
        }
    }

    /// Ways of damaging a stored entry.
    enum Damage: String, CaseIterable, Sendable {
        case truncatedByOneByte, truncatedToTheHeader, empty, payloadBitFlipped, checksumChanged, wrongMagic,
             futureVersion, unknownKind, extraByte

        func apply(_ d: inout Data) {
            switch self {
            case .truncatedByOneByte: d.removeLast()
            case .truncatedToTheHeader: d = d.prefix(24)
            case .empty: d = Data()
            case .payloadBitFlipped: d[30] ^= 0x10
            case .checksumChanged: d[d.count - 1] ^= 1
            case .wrongMagic: d[0] = 0x41
            case .futureVersion: d[8] = 9
            case .unknownKind: d[12] = 77
            case .extraByte: d.append(0)
            }
        }
    }

    /// Every way of damaging an entry is detected, reported and the entry deleted.
    @Test(arguments: Damage.allCases)
    func damagedEntriesAreDetectedAndDiscarded(damage: Damage) throws {
        let cache = StepCache(directory: Fixtures.temporaryDirectory())
        let stored = try cache.store(.embedding(subsetWithNotes()), preKey: "d", inputFiles: [], outputDirectory: output)
        let url = cache.entryURL(stored.key)
        var data = try Data(contentsOf: url)
        damage.apply(&data)
        try data.write(to: url)
        guard case .miss(.corrupt) = StepCache(directory: cache.directory).lookup(preKey: "d", outputDirectory: output) else {
            Issue.record("\(damage): damaged entry was trusted")
            return
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func expectedFormatMessages() throws {
        let framed = CacheEntryFormat.frame(Data([1, 2, 3]), kind: .files)
        #expect(framed.count == 24 + 3 + 32)
        #expect(throws: CacheEntryError("truncated (10 bytes)")) { try CacheEntryFormat.unframe(framed.prefix(10)) }
        var bad = framed
        bad[25] = 0
        #expect(throws: CacheEntryError("checksum mismatch")) { try CacheEntryFormat.unframe(bad) }
        #expect(throws: CacheEntryError("truncated or padded: header says 3 payload bytes, file has 2")) {
            try CacheEntryFormat.unframe(framed.dropLast())
        }
    }

    @Test func aMissingRootMakesTheEntryUnusable() throws {
        let cache = StepCache(directory: Fixtures.temporaryDirectory())
        let e = subsetWithNotes()
        _ = try cache.store(.embedding(e), preKey: "s", inputFiles: [], outputDirectory: output)
        let rootKey = ContentHash.of(CacheCoding.dataset(e.root))
        try FileManager.default.removeItem(at: cache.entryURL(rootKey))
        guard case .miss(.corrupt(let reason)) = StepCache(directory: cache.directory).lookup(preKey: "s", outputDirectory: output) else {
            Issue.record("entry without its root was trusted")
            return
        }
        #expect(reason.contains("root dataset"))
    }

    @Test func contentHashMatchesKnownVector() throws {
        // SHA-256("abc") from FIPS 180-2.
        #expect(ContentHash.of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let url = output.appendingPathComponent("abc")
        try Data("abc".utf8).write(to: url)
        #expect(try ContentHash.ofFile(url) == ContentHash.of("abc"))
        #expect(ContentHash.combining(["ab", "c"]) != ContentHash.combining(["a", "bc"]))
    }

    /// A neighbours payload whose k times its query count overflows (found by FuzzCacheEntry) is a
    /// damaged entry, reported, not a crash.
    @Test func neighboursWithAnOverflowingKAreRejected() throws {
        let root = Dataset(vectors: Matrix(rows: 2, columns: 1, storage: [1, 2]), metadata: MetadataTable(labels: ["a", "b"]))
        var w = BinaryWriter()
        w.string("cosine")
        w.string("cosine")
        w.string("root")      // the root's key
        w.bool(true)          // the embedding is its root
        w.strings([])         // axes
        w.int(0)              // notes
        w.optionalString(nil) // projection
        w.ints([0, 1])        // queries
        w.int(1 << 62)        // k: 2 × 2^62 overflows
        w.int32s([])
        w.floats([])
        #expect(throws: CacheEntryError("neighbour lists are inconsistent")) {
            try CacheCoding.neighbors(from: w.data, root: { (_: String) throws(CacheEntryError) in root })
        }
        #expect(StepCache.inspect(Data([1]) + w.data) == "neighbour lists are inconsistent")
    }
}
