import Foundation

/// What a plugin may use while it runs: its seed, where its files are, the registry (to look up a
/// metric by name), and channels for progress and warnings. A value; tests build one in memory.
public struct StepContext: Sendable {
    public let stepID: String
    /// The step's seed (the workflow's `seed`, unless the step sets its own).
    public let seed: UInt64
    /// Loaders resolve relative paths against this folder (the workflow file's).
    public let inputDirectory: URL
    /// Exporters write relative paths into this folder.
    public let outputDirectory: URL
    public let registry: PluginRegistry
    private let events: RunEventHandler
    /// Records every path resolved by `inputURL`: the runner hashes those files into the cache key.
    let inputLog: InputFileLog?

    public init(stepID: String, seed: UInt64, inputDirectory: URL, outputDirectory: URL,
                registry: PluginRegistry, events: @escaping RunEventHandler = { _ in },
                inputLog: InputFileLog? = nil) {
        self.stepID = stepID
        self.seed = seed
        self.inputDirectory = inputDirectory
        self.outputDirectory = outputDirectory
        self.registry = registry
        self.events = events
        self.inputLog = inputLog
    }

    /// Reports `done` of `total` units of work.
    public func progress(_ done: Int, of total: Int, _ message: String = "") {
        events(.progress(step: stepID, done: done, total: total, message: message))
    }

    /// Reports something the user should know that does not stop the step.
    public func warn(_ message: String) { events(.warning(step: stepID, message: message)) }

    /// Throws `OrreryError.cancelled` when the run was cancelled (Ctrl-C). Call it in long loops.
    public func checkCancellation() throws(OrreryError) {
        if Task.isCancelled { throw .cancelled }
    }

    /// An input path: absolute as given, or relative to the workflow's folder. Every file a step
    /// reads must be resolved here: the path is recorded and the file's content becomes part of
    /// the step's cache key.
    public func inputURL(_ path: String) -> URL {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path).standardizedFileURL
            : inputDirectory.appendingPathComponent(path).standardizedFileURL
        inputLog?.record(url)
        return url
    }

    /// Where `path` (relative to the output folder) is written: under the folder's real location,
    /// with its parent folders created. Throws `OrreryError.unsafeOutputPath` for a path that is
    /// absolute, goes up with `..`, names the folder itself, or passes through a file or through a
    /// symbolic link that leads outside the output folder (see `OutputPath.resolve`). Every byte an
    /// exporter writes goes through here.
    public func outputURL(_ path: String) throws(OrreryError) -> URL {
        try OutputPath.resolve(path, in: outputDirectory)
    }

    /// Writes `data` to `path` (relative to the output folder, and inside it) atomically; returns
    /// `path`.
    @discardableResult
    public func write(_ data: Data, to path: String) throws(OrreryError) -> String {
        try AtomicFile.write(data, to: outputURL(path))
        return path
    }

    /// Writes `text` as UTF-8 to `path` atomically; returns `path`.
    @discardableResult
    public func write(_ text: String, to path: String) throws(OrreryError) -> String {
        try write(Data(text.utf8), to: path)
    }

    /// The distance called `name` (`cosine`, `metric.angle`, …), from the registry.
    public func measure(named name: String) throws(OrreryError) -> DistanceMeasure {
        try registry.measure(named: name)
    }
}
