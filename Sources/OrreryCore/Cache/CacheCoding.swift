import Foundation

/// The payloads of cache entries: embeddings (their root stored once, by its own content key),
/// neighbour lists, exporters' file lists, and root datasets. Decoding checks every count and
/// index before building a value, so a damaged payload is an error, never a crash.
enum CacheCoding {
    /// A recorded output file: its path (relative to the output folder) and content hash.
    struct FileHash: Sendable, Equatable {
        var path: String
        var sha256: String
    }

    // MARK: Writing

    /// What a cache file holds, ready to be streamed into a `BinaryWriter`.
    enum Payload {
        case embedding(Embedding, rootKey: String)
        case neighbors(Neighbors, rootKey: String)
        case files([FileHash], report: String?)
        case dataset(Dataset)

        var kind: CacheEntryFormat.Kind {
            switch self {
            case .embedding: return .embedding
            case .neighbors: return .neighbors
            case .files: return .files
            case .dataset: return .dataset
            }
        }

        func write<S: ByteSink>(to w: inout BinaryWriter<S>) {
            switch self {
            case .embedding(let e, let rootKey): CacheCoding.embedding(e, rootKey: rootKey, &w)
            case .neighbors(let n, let rootKey):
                w.string(n.metric)
                w.string(n.unit)
                CacheCoding.embedding(n.embedding, rootKey: rootKey, &w)
                w.ints(n.queries)
                w.int(n.k)
                w.int32s(n.indices)
                w.floats(n.distances)
                CacheCoding.notes(n.notes, &w)
            case .files(let files, let report):
                w.int(files.count)
                for f in files {
                    w.string(f.path)
                    w.string(f.sha256)
                }
                w.optionalString(report)
            case .dataset(let d):
                CacheCoding.matrix(d.vectors, &w)
                CacheCoding.metadata(d.metadata, &w)
            }
        }

        /// The payload in memory (small values and tests).
        var data: Data {
            var w = BinaryWriter()
            write(to: &w)
            return w.data
        }
    }

    static func dataset(_ d: Dataset) -> Data { Payload.dataset(d).data }

    private static func embedding<S: ByteSink>(_ e: Embedding, rootKey: String, _ w: inout BinaryWriter<S>) {
        w.string(rootKey)
        // A loader's output is its own root: store only a flag, not a second copy.
        let isRoot = e.isWholeRoot && e.vectors == e.root.vectors && e.metadata == e.root.metadata
        w.bool(isRoot)
        if !isRoot {
            matrix(e.vectors, &w)
            metadata(e.metadata, &w)
            w.ints(e.rows)
        }
        w.strings(e.axes)
        notes(e.notes, &w)
        w.optionalString(projection(e.projection))
    }

    /// A projection as canonical JSON (sorted keys), or nil.
    private static func projection(_ p: Projection?) -> String? {
        guard let p else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(p) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private static func matrix<S: ByteSink>(_ m: Matrix, _ w: inout BinaryWriter<S>) {
        w.int(m.rows)
        w.int(m.columns)
        w.floats(m.storage)
    }

    private static func metadata<S: ByteSink>(_ m: MetadataTable, _ w: inout BinaryWriter<S>) {
        w.int(m.count)
        w.int(m.columns.count)
        for c in m.columns {
            w.string(c.name)
            w.strings(c.values)
        }
    }

    private static func notes<S: ByteSink>(_ n: Notes, _ w: inout BinaryWriter<S>) {
        w.int(n.entries.count)
        for e in n.entries {
            w.string(e.key)
            switch e.value {
            case .number(let x):
                w.u8(0)
                w.u64(x.bitPattern)
            case .numbers(let xs):
                w.u8(1)
                w.int(xs.count)
                for x in xs { w.u64(x.bitPattern) }
            case .text(let s):
                w.u8(2)
                w.string(s)
            }
        }
    }

    // MARK: Reading

    typealias RootResolver = (String) throws(CacheEntryError) -> Dataset

    /// `releasingPages`: `payload` is part of a mapping whose pages may be given back once read
    /// (see `MappedFile.map`).
    static func dataset(from payload: Data, releasingPages: Bool = false) throws(CacheEntryError) -> Dataset {
        var r = BinaryReader(payload, releasingPages: releasingPages)
        let vectors = try matrix(&r)
        let meta = try metadata(&r)
        guard r.isAtEnd else { throw .init("trailing bytes") }
        guard meta.count == vectors.rows else { throw .init("metadata rows differ from vector rows") }
        return Dataset(vectors: vectors, metadata: meta)
    }

    static func embedding(from payload: Data, root: RootResolver,
                          releasingPages: Bool = false) throws(CacheEntryError) -> Embedding {
        var r = BinaryReader(payload, releasingPages: releasingPages)
        let e = try embedding(&r, root: root)
        guard r.isAtEnd else { throw .init("trailing bytes") }
        return e
    }

    static func neighbors(from payload: Data, root: RootResolver,
                          releasingPages: Bool = false) throws(CacheEntryError) -> Neighbors {
        var r = BinaryReader(payload, releasingPages: releasingPages)
        let metric = try r.string(), unit = try r.string()
        let e = try embedding(&r, root: root)
        let queries = try r.ints(), k = try r.int()
        let indices = try r.int32s(), distances = try r.floats()
        // Entries written before neighbour lists had notes end here.
        let notes = r.isAtEnd ? Notes() : try notes(&r)
        guard r.isAtEnd else { throw .init("trailing bytes") }
        // k comes from the file: a product that overflows is a damaged entry, not a crash (the
        // fuzzer found k = 2^62 with two queries).
        guard k >= 0, queries.count.multipliedReportingOverflow(by: k) == (indices.count, false),
              distances.count == indices.count,
              queries.allSatisfy({ $0 >= 0 && $0 < e.count }),
              indices.allSatisfy({ $0 >= -1 && Int($0) < e.count }) else {
            throw .init("neighbour lists are inconsistent")
        }
        return Neighbors(metric: metric, unit: unit, embedding: e, queries: queries, k: k, indices: indices,
                         distances: distances, notes: notes)
    }

    static func files(from payload: Data) throws(CacheEntryError) -> (files: [FileHash], report: String?) {
        var r = BinaryReader(payload)
        let n = try r.count(16)
        var files: [FileHash] = []
        for _ in 0..<n { files.append(FileHash(path: try r.string(), sha256: try r.string())) }
        let report = try r.optionalString()
        guard r.isAtEnd else { throw .init("trailing bytes") }
        return (files, report)
    }

    private static func embedding(_ r: inout BinaryReader, root resolve: RootResolver) throws(CacheEntryError) -> Embedding {
        let root = try resolve(try r.string())
        let vectors: Matrix, meta: MetadataTable, rows: [Int]
        if try r.bool() {
            (vectors, meta, rows) = (root.vectors, root.metadata, Array(0..<root.count))
        } else {
            vectors = try matrix(&r)
            meta = try metadata(&r)
            rows = try r.ints()
        }
        let axes = try r.strings()
        let notes = try notes(&r)
        var projection: Projection? = nil
        if let json = try r.optionalString() {
            guard let p = try? JSONDecoder().decode(Projection.self, from: Data(json.utf8)) else {
                throw .init("unreadable projection")
            }
            projection = p
        }
        guard meta.count == vectors.rows, rows.count == vectors.rows,
              axes.isEmpty || axes.count == vectors.columns,
              projection.map({ $0.dimensions == vectors.columns }) ?? true,
              rows.allSatisfy({ $0 >= 0 && $0 < root.count }) else {
            throw .init("embedding parts are inconsistent")
        }
        return Embedding(vectors: vectors, metadata: meta, axes: axes, rows: rows, root: root, notes: notes,
                         projection: projection)
    }

    private static func matrix(_ r: inout BinaryReader) throws(CacheEntryError) -> Matrix {
        let rows = try r.int(), columns = try r.int()
        let storage = try r.floats()
        guard rows >= 0, columns >= 0, rows.multipliedReportingOverflow(by: columns) == (storage.count, false) else {
            throw .init("matrix shape differs from its values")
        }
        return Matrix(rows: rows, columns: columns, storage: storage)
    }

    private static func metadata(_ r: inout BinaryReader) throws(CacheEntryError) -> MetadataTable {
        let count = try r.int()
        let n = try r.count(16)
        var columns: [MetadataTable.Column] = []
        for _ in 0..<n {
            let name = try r.string()
            let values = try r.strings()
            guard values.count == count else { throw .init("metadata column lengths differ") }
            columns.append(.init(name: name, values: values))
        }
        guard count >= 0 else { throw .init("negative row count") }
        return MetadataTable(count: count, columns: columns)
    }

    private static func notes(_ r: inout BinaryReader) throws(CacheEntryError) -> Notes {
        var notes = Notes()
        let n = try r.count(9)
        for _ in 0..<n {
            let key = try r.string()
            switch try r.u8() {
            case 0: notes.set(key, .number(Double(bitPattern: try r.u64())))
            case 1:
                let m = try r.count(8)
                var xs: [Double] = []
                for _ in 0..<m { xs.append(Double(bitPattern: try r.u64())) }
                notes.set(key, .numbers(xs))
            case 2: notes.set(key, .text(try r.string()))
            default: throw .init("bad note")
            }
        }
        return notes
    }
}
