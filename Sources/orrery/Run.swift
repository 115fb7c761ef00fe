import ArgumentParser
import Dispatch
import Foundation
import OrreryCore
import OrreryPlugins
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

    @Flag(help: "Recompute every step (there is no cache yet, so this changes nothing for now).")
    var force = false

    func run() async throws {
        let plan = try loadPlan(file, overrides: overrides)
        let outputDirectory = URL(fileURLWithPath: output ?? "out/\(plan.workflow.name)")
        let printer = ProgressPrinter(plan: plan)
        let runner = Runner(registry: .builtIn)
        let options = Runner.Options(outputDirectory: outputDirectory, events: printer.handle)
        print("orrery: running \(plan.workflow.name) (\(plan.steps.count) steps, seed \(plan.workflow.seed)) → \(outputDirectory.path)")
        let task = Task { try await runner.run(plan, options: options) }
        let signals = [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        do {
            let outcome = try await task.value
            printer.finish()
            let total = outcome.summaries.reduce(0) { $0 + $1.seconds }
            print("orrery: done in \(RunEventText.seconds(total)) of step time; outputs in \(outputDirectory.path)")
        } catch let failure as StepFailure {
            printer.finish()
            printError(failure.description)
            throw Exit.stepFailed
        } catch let error as OrreryError where error == .cancelled {
            printer.finish()
            printError("orrery: interrupted; every file written so far is whole")
            throw Exit.interrupted
        } catch is CancellationError {
            printer.finish()
            printError("orrery: interrupted; every file written so far is whole")
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
            case .stepStarted:
                break
            case .progress(let step, let done, let total, let message):
                let line = RunEventText.progress(step: step, done: done, total: total, message: message)
                if terminal {
                    FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
                    s.progressShown = true
                } else {
                    // Plain lines at most every 2 seconds per step (and at the end).
                    let now = Date().timeIntervalSince(start)
                    if done == total || now - (s.lastPlain[step] ?? -10) >= 2 {
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
