import ArgumentParser
import FlyingFox
import FlyingSocks
import Foundation
import OrreryCore
import OrreryServe

/// `orrery serve FILE`: runs the workflow through the cache and serves the live workbench.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a workflow and serve a live workbench page for it (127.0.0.1 by default).",
        discussion: """
            The page lists the steps, draws any embedding step (2-D or 3-D), lists a clicked point's
            neighbours, selects by search or box, isolates a selection under a reducer and saves it
            back as steps of FILE. Saving FILE in an editor re-validates and re-runs what changed.
            Write actions need the token the page carries; only the output folder is served.
            """)

    @Argument(help: "The workflow file (YAML).")
    var file: String

    @Option(help: "Port (0: any free port).")
    var port: UInt16 = 8750

    @Option(help: "Address to listen on; anything but 127.0.0.1 exposes the workbench to that network.")
    var host: String = "127.0.0.1"

    @Option(name: .shortAndLong, help: "Output folder (default: out/<workflow name>).")
    var output: String?

    @Option(help: ArgumentHelp("The step cache folder (default: .orrery/cache in the current folder).", valueName: "dir"))
    var cache: String?

    func run() async throws {
        let plan = try loadPlan(file)
        let outputName = output ?? "out/\(plan.workflow.name)"
        let outputDirectory = URL(fileURLWithPath: outputName)
        try checkOutputFolder(outputDirectory, shownAs: outputName)
        let registry = try pluginRegistry(for: file)
        let workbench = Workbench(path: file, outputDirectory: outputDirectory,
                                  cache: StepCache(directory: cache.map { URL(fileURLWithPath: $0) } ?? StepCache.defaultDirectory),
                                  registry: { _ in registry })
        print("orrery: running \(plan.workflow.name) …")
        await workbench.reload()
        let address: any SocketAddress
        do {
            address = host.contains(":") ? try sockaddr_in6.inet6(ip6: host, port: port) : try sockaddr_in.inet(ip4: host, port: port)
        } catch {
            printError("error: --host '\(host)' is not an IPv4 or IPv6 address (e.g. 127.0.0.1)")
            throw Exit.invalid
        }
        let token = WorkbenchServer.makeToken()
        let server = HTTPServer(address: address, timeout: 15, logger: .disabled)
        let watcher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 300_000_000)
                if await workbench.reloadIfChanged() {
                    print("orrery: \(file) changed; re-validated and re-ran")
                    fflush(nil)
                }
            }
        }
        defer { watcher.cancel() }
        let serving = Task { try await server.run() }
        do { try await server.waitUntilListening(timeout: 10) } catch {
            printError("error: cannot listen on \(host):\(port): \(error)")
            serving.cancel()
            throw Exit.stepFailed
        }
        let bound: UInt16
        if case .ip4(_, let p)? = await server.listeningAddress { bound = p }
        else if case .ip6(_, let p)? = await server.listeningAddress { bound = p }
        else { bound = port }
        await server.appendRoute("*", to: WorkbenchServer(workbench: workbench, token: token, host: host, port: bound,
                                                          outputDirectory: outputDirectory))
        let shown = host.contains(":") ? "[\(host)]" : host
        print("orrery: serving \(file) at http://\(shown):\(bound)/ (Ctrl-C stops)")
        fflush(nil)
        if host != "127.0.0.1" && host != "::1" {
            printError("warning: listening on \(host): anyone who can reach it can read this workflow's data")
        }
        let signals = onInterrupt { serving.cancel() }
        defer { signals.forEach { $0.cancel() } }
        _ = try? await serving.value
        print("orrery: stopped")
    }
}
