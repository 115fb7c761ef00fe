import ArgumentParser
import Dispatch
import Foundation
import OrreryCore
import Synchronization

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a workflow.")

    @Argument(help: "The workflow file (YAML).")
    var file: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter: step.param=value (repeatable).",
                                                         valueName: "step.param=value"))
    var overrides: [String] = []

    @Option(name: .shortAndLong, help: "Output folder (default: out/<workflow name>).")
    var output: String?

    @Option(name: .customLong("force"),
            help: ArgumentHelp("Recompute STEP and every step that depends on it, ignoring the cache (repeatable); "
                               + "a bare --force recomputes every step.", valueName: "step"))
    var force: [String] = []

    @Option(help: ArgumentHelp("The step cache folder (default: .orrery/cache in the current folder).",
                               valueName: "dir"))
    var cache: String?

    @Flag(help: "List what would run and why, and what is cached; run nothing.")
    var dryRun = false

    @Flag(help: "Re-run every step (ignoring the cache) into a scratch folder and check that the outputs reproduce the hashes recorded in the output folder's orrery.lock; exit 1 listing the differences otherwise.")
    var check = false

    /// The token a bare `--force` becomes (see `Orrery.normalise`).
    static let forceAll = "*"

    func run() async throws {
        let plan = try loadPlan(file, overrides: overrides)
        let outputName = output ?? "out/\(plan.workflow.name)"
        let outputDirectory = URL(fileURLWithPath: outputName)
        let stepCache = StepCache(directory: cache.map { URL(fileURLWithPath: $0) } ?? StepCache.defaultDirectory)
        var forced: Set<String> = []
        for id in force {
            if id == Self.forceAll {
                forced.formUnion(plan.steps.map(\.id))
            } else if plan.step(id) != nil {
                forced.insert(id)
            } else if !plan.combinations(of: id).isEmpty {
                forced.formUnion(plan.combinations(of: id))
            } else {
                printError("error: --force: no step '\(id)' in \(file)"
                           + (Suggestion.closest(to: id, in: plan.steps.map(\.id)).map { "; did you mean '\($0)'?" } ?? ""))
                throw Exit.invalid
            }
        }
        forced = plan.withDependants(forced)
        if dryRun {
            let forecast = RunForecast.make(plan, cache: stepCache, force: forced, outputDirectory: outputDirectory,
                                            previous: RunRecord.read(from: outputDirectory))
            print("orrery: dry run of \(plan.workflow.name) → \(outputDirectory.path)")
            print(forecast.text)
            return
        }
        if !check { try checkOutputFolder(outputDirectory, shownAs: outputName) }
        if check {
            try await runCheck(plan, outputDirectory: outputDirectory)
            return
        }
        print("orrery: running \(plan.workflow.name) (\(plan.steps.count) steps, seed \(plan.workflow.seed)) → \(outputDirectory.path)")
        let outcome = try await execute(plan, options: Runner.Options(
            outputDirectory: outputDirectory, cache: stepCache, force: forced))
        let record = try runRecord(plan, outcome)
        do { try record.write(to: outputDirectory) } catch {
            // A run that cannot record itself cannot be checked or resumed: it did not succeed.
            printError("error: the steps ran, but \(RunRecord.fileName) could not be written: \(error)")
            throw Exit.stepFailed
        }
        let total = outcome.summaries.reduce(0) { $0 + $1.seconds }
        let cached = outcome.records.filter(\.cached).count
        print("orrery: done in \(RunEventText.seconds(total)) of step time"
              + (cached > 0 ? " (\(cached) of \(outcome.records.count) steps cached)" : "")
              + "; outputs in \(outputDirectory.path)")
    }

    /// `--check`: re-run into a scratch folder without the cache, compare with the record.
    private func runCheck(_ plan: WorkflowPlan, outputDirectory: URL) async throws {
        guard let recorded = RunRecord.read(from: outputDirectory) else {
            printError("error: no readable \(RunRecord.fileName) in \(outputDirectory.path); run the workflow first")
            throw Exit.invalid
        }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("orrery-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        print("orrery: checking \(plan.workflow.name) against \(outputDirectory.path)/\(RunRecord.fileName)")
        let outcome = try await execute(plan, options: Runner.Options(outputDirectory: scratch))
        let differences = recorded.differences(from: try runRecord(plan, outcome))
        if differences.isEmpty {
            print("orrery: check passed: all \(recorded.steps.count) steps reproduce their recorded outputs")
        } else {
            print("orrery: check failed: \(differences.count) difference(s)")
            for d in differences { print("  " + d) }
            throw Exit.stepFailed
        }
    }

    private func runRecord(_ plan: WorkflowPlan, _ outcome: Runner.Outcome) throws -> RunRecord {
        let hash = (try? ContentHash.ofFile(URL(fileURLWithPath: file))) ?? ""
        return RunRecord(orrery: OrreryVersion.current,
                         workflow: .init(name: plan.workflow.name, path: file, sha256: hash),
                         steps: outcome.records)
    }

    /// Runs with progress printing; Ctrl-C or SIGTERM cancels the run (exit 130).
    private func execute(_ plan: WorkflowPlan, options: Runner.Options) async throws -> Runner.Outcome {
        let printer = ProgressPrinter(plan: plan)
        var options = options
        options.events = printer.handle
        let runner = Runner(registry: try pluginRegistry(for: file))
        let task = Task { [options] in try await runner.run(plan, options: options) }
        let signals = onInterrupt { task.cancel() }
        defer { signals.forEach { $0.cancel() } }
        do {
            let outcome = try await task.value
            printer.finish()
            return outcome
        } catch let failure as StepFailure {
            printer.finish()
            printError(failure.description)
            throw Exit.stepFailed
        } catch let error as OrreryError where error == .cancelled {
            printer.finish()
            printError("orrery: interrupted; every file written so far is whole, finished steps are cached")
            throw Exit.interrupted
        } catch is CancellationError {
            printer.finish()
            printError("orrery: interrupted; every file written so far is whole, finished steps are cached")
            throw Exit.interrupted
        }
    }
}

/// Prints run events: finished steps and reports to standard output; progress to standard error,
/// as one rewritten line on a terminal and as occasional plain lines otherwise.
final class ProgressPrinter: Sendable {
    private struct State {
        var lastPlain: [String: Double] = [:]
        var progressShown = false
    }
    private let state = Mutex(State())
    private let terminal = isatty(STDERR_FILENO) != 0
    private let idWidth: Int
    private let pluginWidth: Int
    private let start = Date()

    init(plan: WorkflowPlan) {
        idWidth = plan.steps.map(\.id.count).max() ?? 0
        pluginWidth = plan.steps.map(\.descriptor.id.count).max() ?? 0
    }

    var handle: RunEventHandler { { [self] event in self.receive(event) } }

    private func receive(_ event: RunEvent) {
        state.withLock { s in
            switch event {
            case .stepStarted(let step, _):
                s.lastPlain[step] = Date().timeIntervalSince(start)
            case .progress(let step, let done, let total, let message):
                let line = RunEventText.progress(step: step, done: done, total: total, message: message)
                if terminal {
                    FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
                    s.progressShown = true
                } else {
                    // Plain lines every 2 seconds of a step's work: a quick step prints none (its
                    // finished line says enough), a long one shows it is alive.
                    let now = Date().timeIntervalSince(start)
                    if now - (s.lastPlain[step] ?? now) >= 2 {
                        s.lastPlain[step] = now
                        FileHandle.standardError.write(Data((line + "\n").utf8))
                    }
                }
            case .warning(let step, let message):
                clear(&s)
                FileHandle.standardError.write(Data("warning: \(step): \(message)\n".utf8))
            case .stepFinished(let summary):
                clear(&s)
                print(RunEventText.finished(summary, idWidth: idWidth, pluginWidth: pluginWidth))
                for line in RunEventText.notes(summary) { print(line) }
            case .report(_, let text):
                clear(&s)
                print(text)
            case .stepCancelled(let step, let plugin):
                clear(&s)
                print(RunEventText.cancelled(step: step, plugin: plugin, idWidth: idWidth, pluginWidth: pluginWidth))
            case .notice(let message):
                clear(&s)
                FileHandle.standardError.write(Data("orrery: \(message)\n".utf8))
            }
            fflush(nil)
        }
    }

    private func clear(_ s: inout State) {
        if s.progressShown {
            FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
            s.progressShown = false
        }
    }

    func finish() { state.withLock { clear(&$0) } }
}
