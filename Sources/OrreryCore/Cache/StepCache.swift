import Foundation
import Synchronization

/// The content-addressed store of step results (`.orrery/cache/` by default).
///
/// ```
/// objects/ab/abcdef…   one framed entry (CacheEntryFormat) per step key, and one per root dataset,
///                      named by the SHA-256 of its own payload (so 20 subsets of a 50,000-word set
///                      share one stored copy of it)
/// manifests/<pre-key>.json  the input files a step read when it last ran with that pre-key
/// ```
/// Entries are written atomically; one that fails its checks is reported, deleted and recomputed.
public final class StepCache: Sendable {
    public let directory: URL

    /// How a look-up went.
    public enum Lookup: Sendable {
        case hit(CachedStep)
        case miss(MissReason)
    }

    /// Why a step has no usable entry.
    public enum MissReason: Sendable, Equatable, CustomStringConvertible {
        /// The step never ran with these parameters, seed and inputs.
        case neverRan
        case inputFileChanged(String)
        case inputFileMissing(String)
        case noEntry
        case corrupt(String)
        case outputFileChanged(String)

        public var description: String {
            switch self {
            case .neverRan: return "no cache entry"
            case .inputFileChanged(let p): return "input file changed: \(p)"
            case .inputFileMissing(let p): return "input file missing: \(p)"
            case .noEntry: return "no cache entry"
            case .corrupt(let r): return "cache entry is damaged (\(r)); recomputing"
            case .outputFileChanged(let p): return "output file changed or missing: \(p)"
            }
        }
    }

    /// A usable entry.
    public struct CachedStep: Sendable {
        public var key: String
        public var value: StepValue
        public var outputHash: String
        public var inputFiles: [(path: String, sha256: String)]
        public var files: [(path: String, sha256: String)]
    }

    private struct Roots {
        /// Root datasets by content key, and the key of each dataset object seen in this process.
        var byKey: [String: Dataset] = [:]
        var keyOf: [ObjectIdentifier: (Dataset, String)] = [:]
    }
    private let roots = Mutex(Roots())

    public init(directory: URL) { self.directory = directory }

    /// Deletes the temporaries (`.orrery-tmp-<pid>-…`) that a writer killed mid-write left in the
    /// cache's `objects/` and `manifests/` folders, only those of Orrery's own naming whose process
    /// is gone; returns their paths relative to `directory`, sorted. Nothing else in the folder is
    /// looked at, so a cache folder shared with other files is safe.
    ///
    /// - Complexity: O(f) for f files in the cache.
    @discardableResult
    public func removeStaleTemporaries() -> [String] {
        ["manifests", "objects"].flatMap { sub in
            AtomicFile.removeStale(in: directory.appendingPathComponent(sub)).map { sub + "/" + $0 }
        }
    }

    /// `.orrery/cache` in the current folder.
    public static var defaultDirectory: URL {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".orrery/cache")
    }

    /// Deletes every entry.
    public func clean() throws(OrreryError) {
        guard FileManager.default.fileExists(atPath: directory.path) else { return }
        do { try FileManager.default.removeItem(at: directory) } catch {
            throw .writeFailed(path: directory.path, reason: error.localizedDescription)
        }
    }

    // MARK: Keys

    /// The key of a step run that read `files`, given its pre-key (plugin, parameters, seed, inputs).
    static func key(preKey: String, files: [InputFileState]) -> String {
        ContentHash.combining(["orrery-step-key-1", preKey] + files.flatMap { [$0.path, $0.sha256] })
    }

    // MARK: Look-up

    /// Finds the entry for `preKey`: reads the manifest of input files, hashes them as they are
    /// now, and loads the entry for the resulting key. Exporters' files must still exist in
    /// `outputDirectory` with their recorded hashes. A damaged entry is deleted.
    /// With `readOnly`, nothing is deleted or rewritten (for `--dry-run`).
    public func lookup(preKey: String, outputDirectory: URL, readOnly: Bool = false) -> Lookup {
        guard let manifest = readManifest(preKey) else { return .miss(.neverRan) }
        var current: [InputFileState] = []
        for f in manifest.files {
            do { current.append(try InputFileState.current(URL(fileURLWithPath: f.path), known: f)) } catch {
                return .miss(.inputFileMissing(f.path))
            }
        }
        let key = Self.key(preKey: preKey, files: current)
        if current != manifest.files && !readOnly { try? writeManifest(CacheManifest(files: current), preKey: preKey) }
        guard let (data, mapped) = try? MappedFile.map(entryURL(key), path: key) else {
            if let changed = zip(current, manifest.files).first(where: { $0.sha256 != $1.sha256 }) {
                return .miss(.inputFileChanged(changed.0.path))
            }
            return .miss(.noEntry)
        }
        do {
            let (kind, payload) = try CacheEntryFormat.unframe(data, releasingPages: mapped)
            let value: StepValue
            var files: [(String, String)] = []
            switch kind {
            case .embedding:
                value = .embedding(try CacheCoding.embedding(from: payload, root: root, releasingPages: mapped))
            case .neighbors:
                value = .neighbors(try CacheCoding.neighbors(from: payload, root: root, releasingPages: mapped))
            case .files:
                let (hashes, report) = try CacheCoding.files(from: payload)
                for f in hashes {
                    let url = Self.resolve(f.path, in: outputDirectory)
                    guard (try? ContentHash.ofFile(url)) == f.sha256 else { return .miss(.outputFileChanged(f.path)) }
                    files.append((f.path, f.sha256))
                }
                value = .files(ExportResult(files: hashes.map(\.path), report: report))
            case .dataset: throw CacheEntryError("holds a dataset, not a step result")
            }
            return .hit(CachedStep(key: key, value: value, outputHash: CacheEntryFormat.checksum(of: data),
                                   inputFiles: current.map { ($0.path, $0.sha256) }, files: files))
        } catch {
            if !readOnly { try? FileManager.default.removeItem(at: entryURL(key)) }
            return .miss(.corrupt("\(error)"))
        }
    }

    // MARK: Storing

    /// What storing a result recorded.
    public struct Stored: Sendable {
        public var key: String
        public var outputHash: String
        public var inputFiles: [(path: String, sha256: String)]
        public var files: [(path: String, sha256: String)]
    }

    /// Records a fresh result: the manifest of `inputFiles`, then the entry (and its root dataset,
    /// once). With `persist` false nothing is written, but the key and hashes are still computed
    /// (what `orrery run --check` compares).
    public func store(_ value: StepValue, preKey: String, inputFiles: [URL], outputDirectory: URL,
                      persist: Bool = true) throws(OrreryError) -> Stored {
        var states: [InputFileState] = []
        let known = readManifest(preKey)?.files ?? []
        for url in inputFiles {
            // A file the step named but that does not exist made the step fail already, unless the
            // plugin only probed for it: it is then recorded as absent.
            do { states.append(try InputFileState.current(url, known: known.first { $0.path == url.path })) } catch {
                states.append(InputFileState(path: url.path, size: -1, modified: 0, sha256: "absent"))
            }
        }
        let key = Self.key(preKey: preKey, files: states)
        let payload: CacheCoding.Payload
        var files: [(String, String)] = []
        switch value {
        case .embedding(let e): payload = .embedding(e, rootKey: try rootKey(e.root, persist: persist))
        case .neighbors(let n): payload = .neighbors(n, rootKey: try rootKey(n.embedding.root, persist: persist))
        case .files(let r):
            var hashes: [CacheCoding.FileHash] = []
            for path in r.files {
                let sha = try ContentHash.ofFile(Self.resolve(path, in: outputDirectory))
                hashes.append(.init(path: path, sha256: sha))
                files.append((path, sha))
            }
            payload = .files(hashes, report: r.report)
        }
        let outputHash: String
        if persist {
            outputHash = try CacheEntryFormat.write(to: entryURL(key), kind: payload.kind) { payload.write(to: &$0) }
            try writeManifest(CacheManifest(files: states), preKey: preKey)
        } else {
            outputHash = CacheEntryFormat.hash { payload.write(to: &$0) }
        }
        return Stored(key: key, outputHash: outputHash,
                      inputFiles: states.map { ($0.path, $0.sha256) }, files: files)
    }

    // MARK: Roots

    private func rootKey(_ dataset: Dataset, persist: Bool) throws(OrreryError) -> String {
        if let (_, key) = roots.withLock({ $0.keyOf[ObjectIdentifier(dataset)] }) { return key }
        let payload = CacheCoding.Payload.dataset(dataset)
        let key = CacheEntryFormat.hash { payload.write(to: &$0) }
        let url = entryURL(key)
        if persist && !FileManager.default.fileExists(atPath: url.path) {
            _ = try CacheEntryFormat.write(to: url, kind: .dataset) { payload.write(to: &$0) }
        }
        roots.withLock {
            $0.keyOf[ObjectIdentifier(dataset)] = (dataset, key)
            $0.byKey[key] = dataset
        }
        return key
    }

    private func root(_ key: String) throws(CacheEntryError) -> Dataset {
        if let d = roots.withLock({ $0.byKey[key] }) { return d }
        let url = entryURL(key)
        guard let (data, mapped) = try? MappedFile.map(url, path: key) else {
            throw .init("its root dataset \(key.prefix(12)) is missing")
        }
        do {
            let (kind, payload) = try CacheEntryFormat.unframe(data, releasingPages: mapped)
            // A root is named by the hash of its payload.
            guard kind == .dataset, CacheEntryFormat.checksum(of: data) == key else {
                throw CacheEntryError("wrong content")
            }
            let dataset = try CacheCoding.dataset(from: payload, releasingPages: mapped)
            return roots.withLock {
                if let d = $0.byKey[key] { return d }
                $0.byKey[key] = dataset
                $0.keyOf[ObjectIdentifier(dataset)] = (dataset, key)
                return dataset
            }
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw .init("its root dataset is damaged (\(error))")
        }
    }

    // MARK: Files

    func entryURL(_ key: String) -> URL {
        directory.appendingPathComponent("objects").appendingPathComponent(String(key.prefix(2)))
            .appendingPathComponent(key)
    }

    private func manifestURL(_ preKey: String) -> URL {
        directory.appendingPathComponent("manifests").appendingPathComponent(preKey + ".json")
    }

    private func readManifest(_ preKey: String) -> CacheManifest? {
        guard let data = try? Data(contentsOf: manifestURL(preKey)) else { return nil }
        return try? JSONDecoder().decode(CacheManifest.self, from: data)
    }

    private func writeManifest(_ manifest: CacheManifest, preKey: String) throws(OrreryError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(manifest) else { return }
        try AtomicFile.write(data, to: manifestURL(preKey))
    }

    static func resolve(_ path: String, in folder: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path).standardizedFileURL
    }
}

extension StepCache {
    /// Decodes arbitrary bytes the way a cache entry is read: first as a whole framed entry, then
    /// (byte 0 choosing the kind, the rest the payload, the root resolved to a small fixed
    /// dataset) past the checksum. Returns why the bytes were rejected, or nil when they decoded.
    /// For the fuzzer: no input may crash it.
    public static func inspect(_ data: Data) -> String? {
        _ = try? CacheEntryFormat.unframe(data)
        guard let first = data.first else { return "empty" }
        let payload = data.dropFirst()
        let root = Dataset(vectors: Matrix(rows: 3, columns: 2, storage: [1, 2, 3, 4, 5, 6]),
                           metadata: MetadataTable(labels: ["a", "b", "c"]))
        let resolve: CacheCoding.RootResolver = { (_: String) throws(CacheEntryError) -> Dataset in root }
        do {
            switch first % 4 {
            case 0: _ = try CacheCoding.embedding(from: Data(payload), root: resolve)
            case 1: _ = try CacheCoding.neighbors(from: Data(payload), root: resolve)
            case 2: _ = try CacheCoding.files(from: Data(payload))
            default: _ = try CacheCoding.dataset(from: Data(payload))
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
