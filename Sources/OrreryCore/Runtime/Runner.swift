import Foundation

/// Runs a validated workflow: steps in dependency order, independent branches concurrently
/// (one child task each, in a task group), every step's failure named with its place.
///
/// With a cache, a step whose key (plugin id and version, canonical parameters, seed, input keys,
/// and the content of every file it read) has an entry is not run: its result is loaded. A run
/// that is cancelled keeps the entries of the steps that finished, so the next run resumes there.
public struct Runner: Sendable {
    public struct Options: Sendable {
        /// Exporters write here (default `out/<workflow name>`).
        public var outputDirectory: URL
        public var events: RunEventHandler
        /// Where results are cached; nil runs every step and stores nothing (keys and hashes are
        /// still computed for the run record).
        public var cache: StepCache?
        /// Steps to run even when cached (see `WorkflowPlan.withDependants`).
        public var force: Set<String>

        public init(outputDirectory: URL, events: @escaping RunEventHandler = { _ in }, cache: StepCache? = nil,
                    force: Set<String> = []) {
            self.outputDirectory = outputDirectory
            self.events = events
            self.cache = cache
            self.force = force
        }
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        /// Every step's value, by step id.
        public var values: [String: StepValue]
        /// Step summaries in the order steps finished.
        public var summaries: [StepSummary]
        /// What each step did, in workflow order (the run record's steps).
        public var records: [RunRecord.StepRecord]
    }

    public let registry: PluginRegistry

    public init(registry: PluginRegistry) { self.registry = registry }

    /// Runs `plan`. Throws a `StepFailure` for the first step that fails (the others are cancelled)
    /// or `OrreryError.cancelled` when the surrounding task is cancelled.
    public func run(_ plan: WorkflowPlan, options: Options) async throws -> Outcome {
        var values: [String: StepValue] = [:]
        var summaries: [StepSummary] = []
        var records: [String: RunRecord.StepRecord] = [:]
        var started: Set<String> = []
        let store = options.cache ?? StepCache(directory: FileManager.default.temporaryDirectory)
        if let problem = OutputFolder.problem(options.outputDirectory) {
            throw OrreryError.writeFailed(path: options.outputDirectory.path, reason: problem)
        }
        let stale = AtomicFile.removeStale(in: options.outputDirectory)
        if !stale.isEmpty {
            options.events(.notice("removed \(stale.count) temporary file\(stale.count == 1 ? "" : "s") left by an interrupted run: "
                                   + stale.joined(separator: ", ")))
        }
        // The same for the cache's own temporaries (only a cache the caller chose: the stand-in
        // below lives in the system's temporary folder, which is not Orrery's to sweep).
        if let cache = options.cache {
            let staleEntries = cache.removeStaleTemporaries()
            if !staleEntries.isEmpty {
                options.events(.notice("removed \(staleEntries.count) temporary file\(staleEntries.count == 1 ? "" : "s") "
                                       + "left in the cache \(cache.directory.path) by an interrupted run: "
                                       + staleEntries.joined(separator: ", ")))
            }
        }
        do {
            try await withThrowingTaskGroup(of: (String, StepValue, StepSummary, RunRecord.StepRecord).self) { group in
                while true {
                    for planned in plan.steps where !started.contains(planned.id)
                        && planned.dependencies.allSatisfy({ values[$0] != nil }) {
                        started.insert(planned.id)
                        let inputs = StepInputs(Dictionary(
                            planned.bindings.map { ($0.port, $0.steps.compactMap { values[$0] }) },
                            uniquingKeysWith: { a, b in a + b }))
                        let seed = planned.step.seed ?? plan.workflow.seed
                        let inputKeys = planned.bindings.flatMap { b in
                            b.steps.map { RunRecord.InputRecord(port: b.port, step: $0, key: records[$0]?.key ?? "") }
                        }
                        let job = Job(planned: planned, seed: seed, inputKeys: inputKeys,
                                      preKey: StepKey.preKey(planned, seed: seed, inputKeys: inputKeys,
                                                             inputDirectory: plan.workflow.directory),
                                      useCache: options.cache != nil && !options.force.contains(planned.id),
                                      persist: options.cache != nil)
                        let context = StepContext(
                            stepID: planned.id, seed: seed,
                            inputDirectory: plan.workflow.directory, outputDirectory: options.outputDirectory,
                            registry: registry, events: options.events, inputLog: InputFileLog())
                        let source = plan.workflow.source
                        group.addTask {
                            try await Self.execute(job, inputs: inputs, context: context, source: source, store: store,
                                                   events: options.events)
                        }
                    }
                    guard let (id, value, summary, record) = try await group.next() else { break }
                    values[id] = Self.noting(value, sweep: plan.step(id)?.step.sweep)
                    summaries.append(summary)
                    records[id] = record
                }
            }
        } catch {
            // The group has cancelled and awaited the steps still running: say so, in plan order.
            let failed = (error as? StepFailure)?.step
            for planned in plan.steps where started.contains(planned.id) && values[planned.id] == nil
                && planned.id != failed {
                options.events(.stepCancelled(step: planned.id, plugin: planned.descriptor.id))
            }
            throw error
        }
        return Outcome(values: values, summaries: summaries, records: plan.steps.compactMap { records[$0.id] })
    }

    /// `value` with its matrix combination in its notes (`sweep`: the values that vary, as
    /// `perplexity 5 · seed 1`), so that consumers can title what they draw. A fact about how the
    /// value was made, added after caching; plugins' own notes are kept.
    static func noting(_ value: StepValue, sweep: SweepCombination?) -> StepValue {
        guard let sweep, case .embedding(var e) = value, e.notes["sweep"] == nil else { return value }
        e.notes.set("sweep", sweep.title)
        return .embedding(e)
    }

    /// One step, ready to run or load.
    struct Job: Sendable {
        var planned: PlannedStep
        var seed: UInt64
        var inputKeys: [RunRecord.InputRecord]
        var preKey: String
        var useCache: Bool
        var persist: Bool
    }

    private static func execute(_ job: Job, inputs: StepInputs, context: StepContext, source: YAMLSource,
                                store: StepCache, events: RunEventHandler) async throws
        -> (String, StepValue, StepSummary, RunRecord.StepRecord) {
        let planned = job.planned
        try Task.checkCancellation()
        let clock = ContinuousClock()
        let start = clock.now
        if job.useCache {
            switch store.lookup(preKey: job.preKey, outputDirectory: context.outputDirectory) {
            case .hit(let hit):
                let record = Self.record(job, key: hit.key, output: hit.outputHash, cached: true,
                                         seconds: Self.seconds(since: start, clock), value: hit.value,
                                         files: hit.files, inputFiles: hit.inputFiles, directory: context.inputDirectory)
                return (planned.id, hit.value, Self.finish(planned.id, record, hit.value, events: events), record)
            case .miss(.corrupt(let reason)):
                events(.warning(step: planned.id, message: "cache entry is damaged (\(reason)); recomputing"))
            case .miss:
                break
            }
        }
        events(.stepStarted(step: planned.id, plugin: planned.descriptor.id))
        let value: StepValue
        do {
            value = try await planned.prepared.run(inputs, context: context)
        } catch let error as OrreryError where error == .cancelled {
            throw error
        } catch is CancellationError {
            throw OrreryError.cancelled
        } catch {
            throw Self.failure(planned, error, source: source)
        }
        let seconds = Self.seconds(since: start, clock)
        let files = context.inputLog?.files ?? []
        var stored: StepCache.Stored
        do {
            stored = try store.store(value, preKey: job.preKey, inputFiles: files,
                                     outputDirectory: context.outputDirectory, persist: job.persist)
        } catch {
            if job.persist { events(.warning(step: planned.id, message: "not cached: \(error)")) }
            do {
                stored = try store.store(value, preKey: job.preKey, inputFiles: files,
                                         outputDirectory: context.outputDirectory, persist: false)
            } catch {
                throw Self.failure(planned, error, source: source)
            }
        }
        let record = Self.record(job, key: stored.key, output: stored.outputHash, cached: false, seconds: seconds,
                                 value: value, files: stored.files, inputFiles: stored.inputFiles,
                                 directory: context.inputDirectory)
        return (planned.id, value, Self.finish(planned.id, record, value, events: events), record)
    }

    private static func failure(_ planned: PlannedStep, _ error: any Error, source: YAMLSource) -> StepFailure {
        var location = planned.step.location
        if let p = (error as? OrreryError)?.parameter {
            let path = p.split(separator: ".").map(String.init)
            location = ParameterDecoder.locate(path, in: planned.step.parameters) ?? location
        }
        return StepFailure(step: planned.id, plugin: planned.descriptor.id, location: location,
                           sourceLine: source.line(at: location), error: error)
    }

    /// Reports the step's summary (and an exporter's report) and returns it.
    private static func finish(_ id: String, _ record: RunRecord.StepRecord, _ value: StepValue,
                               events: RunEventHandler) -> StepSummary {
        var notes = Notes()
        if case .embedding(let e) = value { notes = e.notes }
        if case .neighbors(let n) = value { notes = n.notes }
        if case .files(let r) = value, let report = r.report { events(.report(step: id, text: report)) }
        let summary = StepSummary(step: id, plugin: record.plugin, seconds: record.seconds, rows: record.rows,
                                  columns: record.columns, files: record.files.map(\.path), notes: notes,
                                  cached: record.cached)
        events(.stepFinished(summary))
        return summary
    }

    private static func record(_ job: Job, key: String, output: String, cached: Bool, seconds: Double,
                               value: StepValue, files: [(path: String, sha256: String)],
                               inputFiles: [(path: String, sha256: String)], directory: URL) -> RunRecord.StepRecord {
        var rows: Int?, columns: Int?
        switch value {
        case .embedding(let e): (rows, columns) = (e.count, e.dimensions)
        case .neighbors(let n): (rows, columns) = (n.queries.count, n.k)
        case .files: break
        }
        let prefix = directory.standardizedFileURL.path + "/"
        return RunRecord.StepRecord(
            id: job.planned.id, plugin: job.planned.descriptor.id, version: job.planned.descriptor.version,
            parameters: JSONValue(parsing: job.planned.prepared.canonicalParameters) ?? .null, seed: job.seed,
            inputs: job.inputKeys, key: key, output: output, cached: cached, seconds: seconds, rows: rows,
            columns: columns, files: files.map { .init(path: $0.path, sha256: $0.sha256) },
            inputFiles: inputFiles.map {
                .init(path: $0.path.hasPrefix(prefix) ? String($0.path.dropFirst(prefix.count)) : $0.path,
                      sha256: $0.sha256)
            })
    }

    private static func seconds(since start: ContinuousClock.Instant, _ clock: ContinuousClock) -> Double {
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
