import Foundation

/// The version of Orrery written into run records.
public enum OrreryVersion {
    public static let current = "0.1.0"
}

/// What a run did, written as `orrery.lock` in the output folder (JSON, sorted keys, steps in
/// workflow order): enough to tell later whether the outputs still reproduce (`orrery run --check`)
/// and why a step would run again (`orrery run --dry-run`).
public struct RunRecord: Codable, Sendable, Equatable {
    public var orrery: String
    public var workflow: WorkflowRecord
    public var steps: [StepRecord]

    public init(orrery: String, workflow: WorkflowRecord, steps: [StepRecord]) {
        self.orrery = orrery
        self.workflow = workflow
        self.steps = steps
    }

    public struct WorkflowRecord: Codable, Sendable, Equatable {
        public var name: String
        public var path: String
        public var sha256: String

        public init(name: String, path: String, sha256: String) {
            self.name = name
            self.path = path
            self.sha256 = sha256
        }
    }

    public struct FileRecord: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String

        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    public struct InputRecord: Codable, Sendable, Equatable {
        public var port: String
        public var step: String
        public var key: String

        public init(port: String, step: String, key: String) {
            self.port = port
            self.step = step
            self.key = key
        }
    }

    public struct StepRecord: Codable, Sendable, Equatable {
        public var id: String
        public var plugin: String
        public var version: String
        public var parameters: JSONValue
        public var seed: UInt64
        public var inputs: [InputRecord]
        /// The step's cache key.
        public var key: String
        /// SHA-256 of the step's result (its cache payload).
        public var output: String
        public var cached: Bool
        public var seconds: Double
        public var rows: Int?
        public var columns: Int?
        /// Files the step wrote (relative to the output folder).
        public var files: [FileRecord]
        /// Files the step read.
        public var inputFiles: [FileRecord]
    }

    public static let fileName = "orrery.lock"

    /// The record's JSON: sorted keys, two-space indentation, a final newline.
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = (try? encoder.encode(self)) ?? Data()
        data.append(0x0A)
        return data
    }

    /// Reads `orrery.lock` from `folder`; nil when there is none or it is not a run record.
    public static func read(from folder: URL) -> RunRecord? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(fileName)) else { return nil }
        return try? JSONDecoder().decode(RunRecord.self, from: data)
    }

    /// Writes `orrery.lock` into `folder` atomically.
    public func write(to folder: URL) throws(OrreryError) {
        try AtomicFile.write(json(), to: folder.appendingPathComponent(Self.fileName))
    }

    public func step(_ id: String) -> StepRecord? { steps.first { $0.id == id } }

    /// The differences between this (recorded) run and `other` (a re-run): one line per step
    /// whose result or files differ. Empty when everything reproduces.
    public func differences(from other: RunRecord) -> [String] {
        var out: [String] = []
        for s in steps {
            guard let t = other.step(s.id) else {
                out.append("\(s.id): not in the re-run")
                continue
            }
            if s.key != t.key {
                let changes = s.changes(to: t)
                out.append("\(s.id): cache key \(s.key.prefix(12)) → \(t.key.prefix(12)) ("
                           + (changes.isEmpty ? "parameters, inputs or input files changed" : changes.joined(separator: "; ")) + ")")
            }
            if s.output != t.output { out.append("\(s.id): output \(s.output.prefix(12)) → \(t.output.prefix(12))") }
            let recorded = Dictionary(s.files.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
            let now = Dictionary(t.files.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
            for f in s.files {
                if let h = now[f.path] {
                    if h != f.sha256 { out.append("\(s.id): file \(f.path) \(f.sha256.prefix(12)) → \(h.prefix(12))") }
                } else {
                    out.append("\(s.id): file \(f.path) not written")
                }
            }
            for f in t.files where recorded[f.path] == nil { out.append("\(s.id): new file \(f.path)") }
        }
        for t in other.steps where step(t.id) == nil { out.append("\(t.id): not in the record") }
        return out
    }
}
