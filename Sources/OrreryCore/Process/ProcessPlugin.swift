import Foundation

extension PluginManifest {
    /// How the registry holds this process plugin: `with:` is decoded against the manifest's
    /// parameters at validation; running it runs the program through the file protocol.
    public var registryEntry: PluginEntry {
        let manifest = self
        return PluginEntry(descriptor: descriptor) { node, source, _ in
            ManifestParameterDecoder.decode(node, parameters: manifest.parameters, plugin: manifest.descriptor.id,
                                            source: source).map { values in
                PreparedStep(descriptor: manifest.descriptor,
                             canonicalParameters: JSONValue.object(values).canonicalText) { inputs, context in
                    try await ProcessPluginRun(manifest: manifest, parameters: values).run(inputs, context: context)
                }
            }
        }
    }
}

extension PluginManifest {
    /// Reads what a finished program left in `folder` (`output.npy`, `axes.json`, `notes.json`,
    /// `metadata.tsv`, `rows.json`, `indices.npy`, `distances.npy`, `files/`), checked exactly as
    /// a run checks it: the protocol's output side on its own, for the fuzz target and tests.
    public func readOutput(_ inputs: StepInputs, folder: URL, context: StepContext) throws -> StepValue {
        try ProcessPluginRun(manifest: self, parameters: [:]).readOutput(inputs, folder: folder, context: context)
    }
}

/// One run of a process plugin: inputs and `request.json` written into a private folder, the
/// program run there, its output checked and read back. See docs/plugins.md for the protocol.
struct ProcessPluginRun: Sendable {
    let manifest: PluginManifest
    let parameters: [String: JSONValue]
    var id: String { manifest.descriptor.id }

    func run(_ inputs: StepInputs, context: StepContext) async throws -> StepValue {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("orrery-\(id)-\(UUID().uuidString)")
        try fm.createDirectory(at: folder.appendingPathComponent("files"), withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: folder) }
        let request = try writeInputs(inputs, context: context, into: folder)
        try Data(request.canonicalText.utf8).write(to: folder.appendingPathComponent("request.json"))
        let (executable, arguments) = try resolveCommand()
        let warned = WarnOnce()
        let stderrPath = folder.appendingPathComponent("stderr.txt").path
        let termination: ChildProcess.Termination
        do {
            termination = try await ChildProcess.run(
                executable, arguments + [folder.appendingPathComponent("request.json").path],
                directory: folder.path, stderrPath: stderrPath, timeout: manifest.timeout) { line in
                    switch ProgressLine(line) {
                    case .progress(let done, let total, let message)?: context.progress(done, of: total, message)
                    case .malformed?:
                        if warned.first() {
                            context.warn("\(id): malformed progress line '\(line)'; expected 'progress DONE/TOTAL [message]'")
                        }
                    case nil: break
                    }
                }
        } catch {
            throw ProcessPluginError.spawnFailed(plugin: id, reason: "\(error)")
        }
        let stderrLines = (try? String(contentsOfFile: stderrPath, encoding: .utf8))
            .map { $0.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) } ?? []
        switch termination {
        case .cancelled: throw OrreryError.cancelled
        case .timedOut: throw ProcessPluginError.timedOut(plugin: id, seconds: manifest.timeout ?? 0)
        case .signaled(let s): throw ProcessPluginError.killedBySignal(plugin: id, signal: s, stderrTail: Array(stderrLines.suffix(8)))
        case .exited(let status) where status != 0:
            if let module = Self.missingPythonModule(stderrLines) {
                throw ProcessPluginError.pythonModuleMissing(plugin: id, module: module)
            }
            throw ProcessPluginError.exitedNonZero(plugin: id, status: status, stderrTail: Array(stderrLines.suffix(8)))
        case .exited: break
        }
        return try readOutput(inputs, folder: folder, context: context)
    }

    // MARK: Command

    /// The program and its arguments: a `python3`/`python` interpreter resolves to `ORRERY_PYTHON`,
    /// else the nearest `.venv-plugins/bin/python3` at or above the manifest's folder, else `PATH`;
    /// arguments naming files next to the manifest become absolute paths.
    func resolveCommand() throws -> (String, [String]) {
        guard let first = manifest.command.first else { throw ProcessPluginError.programMissing(plugin: id, program: "") }
        let fm = FileManager.default
        func local(_ arg: String) -> String? {
            let path = arg.hasPrefix("/") ? arg : manifest.directory.appendingPathComponent(arg).standardizedFileURL.path
            return fm.fileExists(atPath: path) ? path : nil
        }
        var arguments = manifest.command.dropFirst().map { local($0) ?? $0 }
        if let script = manifest.command.dropFirst().first, !script.hasPrefix("-"), local(script) == nil,
           script.hasSuffix(".py") || script.contains("/") {
            throw ProcessPluginError.programMissing(
                plugin: id, program: manifest.directory.appendingPathComponent(script).standardizedFileURL.path)
        }
        let executable: String
        if first == "python3" || first == "python" {
            let chosen = Self.python(near: manifest.directory) ?? first
            guard let found = ChildProcess.locate(chosen), fm.isExecutableFile(atPath: found) else {
                throw ProcessPluginError.interpreterMissing(plugin: id, interpreter: chosen)
            }
            executable = found
        } else if first.contains("/") || local(first) != nil {
            let path = first.hasPrefix("/") ? first : manifest.directory.appendingPathComponent(first).standardizedFileURL.path
            guard fm.fileExists(atPath: path) else { throw ProcessPluginError.programMissing(plugin: id, program: path) }
            guard fm.isExecutableFile(atPath: path) else { throw ProcessPluginError.notExecutable(plugin: id, program: path) }
            executable = path
        } else {
            guard let found = ChildProcess.locate(first) else {
                throw ProcessPluginError.interpreterMissing(plugin: id, interpreter: first)
            }
            executable = found
        }
        if arguments.isEmpty { arguments = [] }
        return (executable, Array(arguments))
    }

    /// `ORRERY_PYTHON`, else the nearest `.venv-plugins/bin/python3` at or above `directory`.
    static func python(near directory: URL) -> String? {
        if let p = ProcessInfo.processInfo.environment["ORRERY_PYTHON"], !p.isEmpty { return p }
        var folder = directory.standardizedFileURL
        while true {
            let candidate = folder.appendingPathComponent(".venv-plugins/bin/python3").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    /// `x` from a Python `ModuleNotFoundError: No module named 'x.y'`.
    static func missingPythonModule(_ lines: [String]) -> String? {
        for line in lines.reversed() {
            guard let r = line.range(of: "No module named '") else { continue }
            let rest = line[r.upperBound...]
            guard let end = rest.firstIndex(of: "'") else { continue }
            return String(rest[..<end].split(separator: ".").first ?? "")
        }
        return nil
    }

    // MARK: Inputs

    func writeInputs(_ inputs: StepInputs, context: StepContext, into folder: URL) throws -> JSONValue {
        var ports: [String: JSONValue] = [:]
        for port in manifest.descriptor.inputs {
            var written: [JSONValue] = []
            for (i, value) in inputs.values(port.name).enumerated() {
                let base = port.multiple ? "\(port.name)-\(i)" : port.name
                switch value {
                case .embedding(let e):
                    try NPYFormat.write(e.vectors).write(to: folder.appendingPathComponent(base + ".npy"))
                    try Data(MetadataTSV.write(e.metadata).text.utf8).write(to: folder.appendingPathComponent(base + ".tsv"))
                    written.append(.object([
                        "type": .string("embedding"), "vectors": .string(base + ".npy"), "metadata": .string(base + ".tsv"),
                        "rows": .int(Int64(e.count)), "columns": .int(Int64(e.dimensions)),
                        "axes": .array((0..<e.dimensions).map { .string(e.axisName($0)) }),
                    ]))
                case .neighbors(let n):
                    let rows = n.queries.count
                    try NPYFormat.writeInt32(rows: rows, columns: n.k, n.indices)
                        .write(to: folder.appendingPathComponent(base + ".indices.npy"))
                    try NPYFormat.write(Matrix(rows: rows, columns: n.k, storage: n.distances))
                        .write(to: folder.appendingPathComponent(base + ".distances.npy"))
                    written.append(.object([
                        "type": .string("neighbors"), "indices": .string(base + ".indices.npy"),
                        "distances": .string(base + ".distances.npy"), "metric": .string(n.metric),
                        "queries": .array(n.queries.map { .int(Int64($0)) }), "k": .int(Int64(n.k)),
                    ]))
                case .files(let f):
                    let paths = try f.files.map { try context.outputURL($0).path }
                    written.append(.object(["type": .string("files"), "files": .array(paths.map { .string($0) })]))
                }
            }
            ports[port.name] = .array(written)
        }
        return .object([
            "orrery-plugin": .int(1), "id": .string(id), "kind": .string(manifest.descriptor.kind.rawValue),
            "parameters": .object(parameters), "seed": .int(Int64(bitPattern: context.seed)),
            "inputs": .object(ports),
            "output": .object([
                "vectors": .string("output.npy"), "axes": .string("axes.json"), "notes": .string("notes.json"),
                "metadata": .string("metadata.tsv"), "rows": .string("rows.json"),
                "indices": .string("indices.npy"), "distances": .string("distances.npy"),
                "files": .string("files"), "report": .string("report.txt"),
            ]),
            "workflow-directory": .string(context.inputDirectory.path),
        ])
    }

    // MARK: Output

    func readOutput(_ inputs: StepInputs, folder: URL, context: StepContext) throws -> StepValue {
        switch manifest.descriptor.kind {
        case .reducer:
            let input = try inputs.embedding(manifest.descriptor.inputs.first?.name ?? "input")
            let m = try matrix("output.npy", in: folder)
            guard m.rows == input.count else {
                throw ProcessPluginError.wrongShape(plugin: id, expected: "\(input.count) × d (a reducer keeps the rows)",
                                                    found: "\(m.rows) × \(m.columns)")
            }
            var notes = input.notes
            notes.merge(try readNotes(folder))
            return .embedding(input.projected(to: m, axes: try axes(folder, columns: m.columns), notes: notes))
        case .loader:
            let m = try matrix("output.npy", in: folder)
            let metadataURL = folder.appendingPathComponent("metadata.tsv")
            var metadata = MetadataTable(count: m.rows)
            if FileManager.default.fileExists(atPath: metadataURL.path) {
                metadata = try MetadataTSV.read(contentsOf: metadataURL, path: "metadata.tsv")
                guard metadata.count == m.rows else {
                    let rule = metadata.columns.count == 1
                        ? " (a one-column metadata file has no header row, the Projector's rule: every line is a label)"
                        : " (a metadata file of several columns starts with one header row)"
                    throw ProcessPluginError.badOutput(
                        plugin: id, file: "metadata.tsv",
                        reason: "has \(metadata.count) rows but output.npy has \(m.rows)" + rule)
                }
            }
            return .embedding(Embedding(vectors: m, metadata: metadata, notes: try readNotes(folder)))
        case .selector:
            let input = try inputs.embedding(manifest.descriptor.inputs.first?.name ?? "input")
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("rows.json").path) else {
                throw ProcessPluginError.wroteNothing(plugin: id, expected: "rows.json")
            }
            guard let rows = try? JSONDecoder().decode([Int].self, from: data) else {
                throw ProcessPluginError.badOutput(plugin: id, file: "rows.json", reason: "expected a JSON list of row numbers")
            }
            if let bad = rows.first(where: { $0 < 0 || $0 >= input.count }) {
                throw ProcessPluginError.badOutput(plugin: id, file: "rows.json",
                                                   reason: "row \(bad) is outside 0..<\(input.count)")
            }
            return .embedding(input.subset(rows))
        case .metric:
            let input = try inputs.embedding(manifest.descriptor.inputs.first?.name ?? "input")
            let indices = try integers("indices.npy", in: folder)
            let distances = try matrix("distances.npy", in: folder)
            guard indices.rows == input.count, distances.rows == indices.rows, distances.columns == indices.columns else {
                throw ProcessPluginError.wrongShape(plugin: id, expected: "\(input.count) × k indices and distances",
                                                    found: "\(indices.rows) × \(indices.columns) and \(distances.rows) × \(distances.columns)")
            }
            // -1 marks "no neighbour" (fewer than k); anything else must name a row of the input.
            if let at = indices.values.firstIndex(where: { $0 < -1 || $0 >= Int64(input.count) }) {
                throw ProcessPluginError.badOutput(
                    plugin: id, file: "indices.npy",
                    reason: "row \(at / max(indices.columns, 1)), column \(at % max(indices.columns, 1)) is \(indices.values[at]), "
                        + "outside 0..<\(input.count) (use -1 for no neighbour)")
            }
            return .neighbors(Neighbors(metric: id, unit: "", embedding: input, queries: Array(0..<input.count),
                                        k: indices.columns, indices: indices.values.map { Int32($0) },
                                        distances: distances.storage))
        case .exporter:
            let filesFolder = folder.appendingPathComponent("files").resolvingSymlinksInPath()
            var written: [String] = []
            let enumerator = FileManager.default.enumerator(at: filesFolder, includingPropertiesForKeys: [.isRegularFileKey])
            var found: [URL] = []
            while let url = enumerator?.nextObject() as? URL { found.append(url) }
            for url in found.sorted(by: { $0.path < $1.path }) {
                let resolved = url.resolvingSymlinksInPath()
                guard resolved.path.hasPrefix(filesFolder.path + "/") else {
                    throw ProcessPluginError.unsafeFile(plugin: id, path: url.lastPathComponent)
                }
                guard (try? resolved.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
                let relative = String(resolved.path.dropFirst(filesFolder.path.count + 1))
                guard let data = FileManager.default.contents(atPath: resolved.path) else { continue }
                written.append(try context.write(data, to: relative))
            }
            let report = try? String(contentsOf: folder.appendingPathComponent("report.txt"), encoding: .utf8)
            return .files(ExportResult(files: written, report: report))
        }
    }

    private func matrix(_ name: String, in folder: URL) throws -> Matrix {
        let url = folder.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ProcessPluginError.wroteNothing(plugin: id, expected: name)
        }
        let m: Matrix
        do { m = try NPYFormat.read(data, path: name) } catch {
            throw ProcessPluginError.badOutput(plugin: id, file: name, reason: "\(error)")
        }
        if let (r, c) = m.firstNonFinite() { throw ProcessPluginError.nonFinite(plugin: id, row: r, column: c) }
        return m
    }

    private func integers(_ name: String, in folder: URL) throws -> (rows: Int, columns: Int, values: [Int64]) {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
            throw ProcessPluginError.wroteNothing(plugin: id, expected: name)
        }
        do { return try NPYFormat.readIntegers(data, path: name) } catch {
            throw ProcessPluginError.badOutput(plugin: id, file: name, reason: "\(error)")
        }
    }

    private func axes(_ folder: URL, columns: Int) throws -> [String] {
        let name = manifest.descriptor.name
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("axes.json").path) else {
            return (0..<columns).map { "\(name)-\($0)" }
        }
        guard let axes = try? JSONDecoder().decode([String].self, from: data), axes.count == columns else {
            throw ProcessPluginError.badOutput(plugin: id, file: "axes.json", reason: "expected a list of \(columns) names")
        }
        return axes
    }

    private func readNotes(_ folder: URL) throws -> Notes {
        var notes = Notes()
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("notes.json").path) else {
            return notes
        }
        guard case .object(let o)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw ProcessPluginError.badOutput(plugin: id, file: "notes.json", reason: "expected a JSON object")
        }
        for key in o.keys.sorted() {
            switch o[key] {
            case .int(let i)?: notes.set(key, Double(i))
            case .number(let d)?: notes.set(key, d)
            case .string(let s)?: notes.set(key, s)
            case .bool(let b)?: notes.set(key, b ? "true" : "false")
            default:
                throw ProcessPluginError.badOutput(plugin: id, file: "notes.json", reason: "'\(key)' is not a number or string")
            }
        }
        return notes
    }
}

/// Warns once per run.
final class WarnOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func first() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}
