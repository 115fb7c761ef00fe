import Foundation
import OrreryCore

/// The state behind `orrery serve`: one workflow file, validated and run through the step cache,
/// and what the page does with it — views, neighbours, selections, isolations — each an
/// operation on the runtime's own values, so that what the page shows is what `orrery run` of the
/// saved file computes.
public actor Workbench {
    /// What a request got wrong, with the HTTP status it maps to.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public var status: Int
        public var message: String
        public init(_ status: Int, _ message: String) {
            self.status = status
            self.message = message
        }
        public var description: String { message }
    }

    /// One step as the page lists it.
    public struct StepState: Codable, Sendable, Equatable {
        public var id: String
        public var uses: String
        public var from: [String]
        public var status: String
        public var seconds: Double?
        public var cached: Bool?
        public var rows: Int?
        public var columns: Int?
        public var notes: [String: String]
        public var isView: Bool
    }

    /// The whole state the page polls.
    public struct State: Codable, Sendable, Equatable {
        public var version: Int
        public var workflow: String
        public var name: String?
        public var steps: [StepState]
        public var diagnostics: [Diagnostic]
        public var error: String?
        public var running: Bool

        public struct Diagnostic: Codable, Sendable, Equatable {
            public var line: Int?
            public var column: Int?
            public var message: String
        }
    }

    /// An embedding step's points, as the page draws them. Its JSON leaves the coordinates out:
    /// they travel as binary (`pointsData`), 4 bytes a number instead of about 11.
    public struct View: Codable, Sendable {
        public var step: String
        public var count: Int
        public var dimensions: Int
        /// Row-major, `count × dimensions` (at most 3 dimensions: the first three axes).
        public var coordinates: [Float] = []
        public var axes: [String]
        public var columns: [String]
        /// Column name → one value per point.
        public var metadata: [String: [String]]
        public var title: String?

        enum CodingKeys: String, CodingKey { case step, count, dimensions, axes, columns, metadata, title }
    }

    /// One neighbour in a click's list.
    public struct Neighbor: Codable, Sendable, Equatable {
        public var index: Int
        public var label: String
        public var distance: Float
    }

    /// A pending isolation: steps not yet in the file, already validated and run.
    public struct Isolation: Codable, Sendable, Equatable {
        public var id: String
        /// The step whose coordinates the page shows.
        public var step: String
        /// The YAML appended to the file's `steps:` by "save as steps".
        public var text: String
    }

    public let path: String
    public let outputDirectory: URL
    public let cache: StepCache
    private let registry: @Sendable (String) throws -> PluginRegistry
    private(set) var version = 0
    private var source = ""
    private var plan: WorkflowPlan?
    private var values: [String: StepValue] = [:]
    private var records: [String: RunRecord.StepRecord] = [:]
    private var diagnostics: [State.Diagnostic] = []
    private var error: String?
    private var running = false
    private var modified: Date?
    private var isolations: [String: Isolation] = [:]
    private var isolationCount = 0
    private var originals: [String: Embedding] = [:]

    /// `registry(path)` gives the plugins of the workflow at `path` (built-ins plus its process
    /// plugins).
    public init(path: String, outputDirectory: URL, cache: StepCache,
                registry: @escaping @Sendable (String) throws -> PluginRegistry) {
        self.path = path
        self.outputDirectory = outputDirectory
        self.cache = cache
        self.registry = registry
    }

    // MARK: Loading and running

    /// Reads, validates and runs the workflow (through the cache); the state says what failed.
    public func reload() async {
        modified = Self.modificationDate(path)
        version += 1
        originals = [:]
        encodedViews = [:]
        encodedPoints = [:]
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            error = "cannot read \(path)"
            return
        }
        source = text
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let registry: PluginRegistry
        do { registry = try self.registry(path) } catch {
            self.error = "\(error)"
            return
        }
        switch WorkflowLoader.parse(text, path: path, directory: directory)
            .flatMap({ WorkflowValidator.validate($0, registry: registry) }) {
        case .failure(let d):
            diagnostics = d.diagnostics.map {
                State.Diagnostic(line: $0.location?.line, column: $0.location?.column, message: "\($0.problem)")
            }
            error = "the workflow does not validate (\(d.diagnostics.count) problem\(d.diagnostics.count == 1 ? "" : "s"))"
            return
        case .success(let p):
            diagnostics = []
            plan = p
            error = nil
        }
        guard let plan else { return }
        running = true
        defer { running = false }
        do {
            let outcome = try await Runner(registry: registry).run(
                plan, options: .init(outputDirectory: outputDirectory, cache: cache))
            values = outcome.values
            records = Dictionary(outcome.records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let hash = (try? ContentHash.ofFile(URL(fileURLWithPath: path))) ?? ""
            try? RunRecord(orrery: OrreryVersion.current,
                           workflow: .init(name: plan.workflow.name, path: path, sha256: hash),
                           steps: outcome.records).write(to: outputDirectory)
        } catch {
            self.error = "\(error)"
        }
        version += 1
    }

    /// Re-runs when the file changed on disk; returns whether it did.
    @discardableResult
    public func reloadIfChanged() async -> Bool {
        let now = Self.modificationDate(path)
        guard now != modified else { return false }
        await reload()
        return true
    }

    static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    // MARK: What the page reads

    public func state() -> State {
        let steps = (plan?.steps ?? []).map { s -> StepState in
            var notes: [String: String] = [:]
            var rows: Int?, columns: Int?
            var isView = false
            switch values[s.id] {
            case .embedding(let e)?:
                for entry in e.notes.entries.prefix(24) { notes[entry.key] = entry.value.description }
                rows = e.count
                columns = e.dimensions
                isView = e.dimensions >= 2
            case .neighbors(let n)?:
                rows = n.queries.count
                columns = n.k
            case .files(let f)?:
                if let r = f.report { notes["report"] = r }
                if !f.files.isEmpty { notes["files"] = f.files.joined(separator: ", ") }
            case nil: break
            }
            let record = records[s.id]
            return StepState(id: s.id, uses: s.step.uses, from: s.dependencies,
                             status: values[s.id] != nil ? (record?.cached == true ? "cached" : "done") : (running ? "running" : "not run"),
                             seconds: record?.seconds, cached: record?.cached, rows: rows, columns: columns,
                             notes: notes, isView: isView)
        }
        return State(version: version, workflow: path, name: plan?.workflow.name, steps: steps,
                     diagnostics: diagnostics, error: error, running: running)
    }

    func embedding(_ step: String) throws(Refusal) -> Embedding {
        guard let value = values[step] ?? isolatedValues[step] else {
            throw Refusal(404, "no step '\(step)' with a value"
                          + (Suggestion.closest(to: step, in: Array(values.keys)).map { "; did you mean '\($0)'?" } ?? ""))
        }
        guard case .embedding(let e) = value else { throw Refusal(400, "step '\(step)' is not an embedding") }
        return e
    }

    private var isolatedValues: [String: StepValue] = [:]
    private var encodedViews: [String: Data] = [:]
    private var encodedPoints: [String: Data] = [:]

    /// `value` as the server answers it: sorted keys, non-finite numbers as strings.
    static func json<T: Encodable>(_ value: T) -> Data? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try? encoder.encode(value)
    }

    /// `view(step)` as JSON, encoded once per run of the workflow (a 100k-point view is megabytes).
    public func viewJSON(_ step: String) throws(Refusal) -> Data {
        if let data = encodedViews[step] { return data }
        guard let data = Self.json(try view(step)) else { throw Refusal(500, "cannot encode the view of '\(step)'") }
        encodedViews[step] = data
        return data
    }

    /// `view(step)`'s coordinates as little-endian float32, row-major, encoded once per run.
    public func pointsData(_ step: String) throws(Refusal) -> Data {
        if let data = encodedPoints[step] { return data }
        let coordinates = Self.coordinates(try embedding(step))
        var data = Data(count: coordinates.count * 4)
        data.withUnsafeMutableBytes { raw in
            for (i, v) in coordinates.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self) }
        }
        encodedPoints[step] = data
        return data
    }

    /// The points of `step`: its first three axes, labels and metadata.
    public func view(_ step: String) throws(Refusal) -> View {
        let e = try embedding(step)
        let d = min(3, e.dimensions)
        var metadata: [String: [String]] = [:]
        for c in e.metadata.columns { metadata[c.name] = c.values }
        return View(step: step, count: e.count, dimensions: d, coordinates: Self.coordinates(e),
                    axes: (0..<d).map { j in e.projection.map { $0.axisTitles[j] } ?? e.axisName(j) },
                    columns: e.metadata.columnNames, metadata: metadata, title: e.projection?.label)
    }

    /// The first three axes of `e`, row-major (`count × min(3, dimensions)`).
    static func coordinates(_ e: Embedding) -> [Float] {
        let d = min(3, e.dimensions)
        var coordinates = [Float](repeating: 0, count: e.count * d)
        for i in 0..<e.count { for j in 0..<d { coordinates[i * d + j] = e.vectors[i, j] } }
        return coordinates
    }

    /// The view's points with the vectors they had before any reducer: the root's rows.
    func original(_ step: String) throws(Refusal) -> Embedding {
        if let e = originals[step] { return e }
        let e = try embedding(step)
        let root = e.root.vectors
        var storage = [Float](repeating: 0, count: e.count * root.columns)
        for (i, r) in e.rows.enumerated() {
            for j in 0..<root.columns { storage[i * root.columns + j] = root[r, j] }
        }
        let o = Embedding(vectors: Matrix(rows: e.count, columns: root.columns, storage: storage), metadata: e.metadata)
        originals[step] = o
        return o
    }

    /// The `k` nearest points of the view to point `index`, in the original space, by Orrery's kNN.
    public func neighbors(_ step: String, index: Int, k: Int, metric: String) async throws(Refusal) -> [Neighbor] {
        let measure: DistanceMeasure
        switch metric {
        case "cosine": measure = .cosine
        case "angle": measure = .angle
        case "euclidean": measure = .euclidean
        default: throw Refusal(400, "unknown metric '\(metric)'; use cosine, angle or euclidean")
        }
        let e = try original(step)
        guard index >= 0, index < e.count else { throw Refusal(400, "point \(index) is outside 0..<\(e.count)") }
        guard k >= 1, k <= 1000 else { throw Refusal(400, "k must be in 1...1000") }
        return try await Self.nearest(to: index, in: e, k: k, measure: measure, folder: outputDirectory)
    }

    /// The search itself, off the actor: concurrent clicks use every core, and nothing else waits.
    nonisolated static func nearest(to index: Int, in e: Embedding, k: Int, measure: DistanceMeasure,
                                    folder: URL) async throws(Refusal) -> [Neighbor] {
        let context = StepContext(stepID: "serve", seed: 0, inputDirectory: folder,
                                  outputDirectory: folder, registry: PluginRegistry(entries: []))
        let n: Neighbors
        do {
            n = try MetricStep.neighbors(of: [index], in: e, k: k, measure: measure, includeSelf: false, context: context)
        } catch {
            throw Refusal(400, "\(error)")
        }
        return (0..<n.k).compactMap { j in
            let i = Int(n.indices[j])
            return i < 0 ? nil : Neighbor(index: i, label: e.label(i), distance: n.distances[j])
        }
    }

    /// The points of the view whose `column` (default: the label column) matches `pattern`
    /// (case-insensitive, as `selector.regex`).
    public func select(_ step: String, pattern: String, column: String?) throws(Refusal) -> [Int] {
        let e = try embedding(step)
        guard pattern.utf8.count <= 1000 else { throw Refusal(413, "the pattern is longer than 1000 bytes") }
        let body = pattern.count >= 2 && pattern.hasPrefix("/") && pattern.hasSuffix("/") ? String(pattern.dropFirst().dropLast()) : pattern
        let regex: NSRegularExpression
        do { regex = try NSRegularExpression(pattern: body, options: [.caseInsensitive]) } catch {
            throw Refusal(400, "'\(pattern)' is not a valid regular expression")
        }
        let values: [String]
        if let column {
            guard let c = e.metadata.column(named: column) else {
                throw Refusal(400, "no metadata column '\(column)'; the columns are \(e.metadata.columnNames.joined(separator: ", "))")
            }
            values = c.values
        } else {
            values = (0..<e.count).map { e.label($0) }
        }
        return values.indices.filter { i in
            let v = values[i]
            return regex.firstMatch(in: v, range: NSRange(v.startIndex..., in: v)) != nil
        }
    }

    // MARK: Isolate and write back

    /// The reducers "isolate" offers, with the parameters the page may pass (flow YAML).
    public static let reducers = ["reducer.pca", "reducer.tsne", "reducer.umap", "reducer.custom-axis"]

    /// Runs `reducer` (with `parameters`, a YAML flow mapping) on `rows` of the view `step`,
    /// through the runtime and its cache, as new steps appended to the workflow's text — a
    /// `selector.points` step choosing the rows from the nearest step that still holds the
    /// original vectors, then the reducer. Returns the isolation (its text is what "save" writes).
    public func isolate(_ step: String, rows: [Int], reducer: String, parameters: String, how: String) async throws(Refusal) -> Isolation {
        guard Self.reducers.contains(reducer) else {
            throw Refusal(400, "unknown reducer '\(reducer)'; use one of \(Self.reducers.joined(separator: ", "))")
        }
        guard let plan, error == nil else { throw Refusal(409, "the workflow does not validate or run; fix it first") }
        guard canAppend() else {
            throw Refusal(409, "the workflow's last top-level key is not 'steps:', so new steps cannot be appended; move 'steps:' to the end")
        }
        let view = try embedding(step)
        guard !rows.isEmpty, rows.count <= view.count, rows.allSatisfy({ $0 >= 0 && $0 < view.count }) else {
            throw Refusal(400, "the selection must be 1 to \(view.count) points of '\(step)'")
        }
        guard parameters.utf8.count <= 4000, !parameters.contains("\n") else {
            throw Refusal(400, "parameters must be one line of YAML, e.g. { dims: 2 }")
        }
        // The source: this step or the nearest one before it whose vectors are not a projection.
        var sourceID = step
        var source = view
        while !(source.axes.isEmpty && source.projection == nil) {
            guard let p = plan.step(sourceID), let parent = p.dependencies.first else {
                throw Refusal(400, "no step before '\(step)' holds the original vectors")
            }
            sourceID = parent
            source = try embedding(parent)
        }
        var position: [Int: Int] = [:]
        for (i, r) in source.rows.enumerated() { position[r] = i }
        var chosen: [Int] = []
        for r in rows {
            guard let p = position[view.rows[r]] else { throw Refusal(400, "point \(r) is not in '\(sourceID)'") }
            chosen.append(p)
        }
        let ids = takenIDs(plan)
        var n = isolationCount + 1
        while ids.contains("isolate-\(n)") || ids.contains("isolate-\(n)-points") { n += 1 }
        isolationCount = n
        let id = "isolate-\(n)"
        let indent = Self.stepIndent(source: self.source, plan: plan)
        let pad = String(repeating: " ", count: indent)
        let with = parameters.trimmingCharacters(in: .whitespaces).isEmpty ? "{}" : parameters
        let text = """
        \(pad)# orrery serve: \(how.replacingOccurrences(of: "\n", with: " ")) (\(rows.count) points of \(step))
        \(pad)\(id)-points:
        \(pad)  uses: selector.points
        \(pad)  from: \(sourceID)
        \(pad)  with: { rows: [\(chosen.map(String.init).joined(separator: ", "))] }
        \(pad)\(id):
        \(pad)  uses: \(reducer)
        \(pad)  from: \(id)-points
        \(pad)  with: \(with)

        """
        let (extended, registry) = try validated(Self.appending(text, to: self.source), what: "the isolation")
        do {
            let outcome = try await Runner(registry: registry).run(
                extended, options: .init(outputDirectory: outputDirectory, cache: cache))
            for s in [id + "-points", id] { isolatedValues[s] = outcome.values[s] }
        } catch {
            throw Refusal(500, "the isolation failed: \(error)")
        }
        let isolation = Isolation(id: id, step: id, text: text)
        isolations[id] = isolation
        return isolation
    }

    /// Appends isolation `id`'s steps to the workflow file (the file's own text untouched), then
    /// reloads it.
    public func save(_ id: String) async throws(Refusal) -> String {
        guard let isolation = isolations[id] else { throw Refusal(404, "no pending isolation '\(id)'") }
        guard let current = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Refusal(500, "cannot read \(path)")
        }
        guard current == source else {
            throw Refusal(409, "\(path) changed on disk since it was loaded; isolate again after the reload")
        }
        do {
            try AtomicFile.write(Data(Self.appending(isolation.text, to: current).utf8), to: URL(fileURLWithPath: path))
        } catch {
            throw Refusal(500, "cannot write \(path): \(error)")
        }
        isolations[id] = nil
        await reload()
        return isolation.step
    }

    /// What "bookmark" wrote: the exporter step appended to the file and its bookmarks file
    /// (relative to the output folder, served under /files/).
    public struct Bookmark: Codable, Sendable, Equatable {
        public var step: String
        public var file: String
    }

    /// Saves the view `step` with `rows` selected as a Projector bookmark: appends a
    /// `selector.points` step (when rows are selected) and an `exporter.bookmarks` step to the
    /// workflow file (its own text untouched), then reloads it, so the bookmarks file is written by
    /// the runtime as `orrery run` of the file writes it. `label` names the bookmark (default: the
    /// projection's title).
    public func bookmark(_ step: String, rows: [Int], label: String?, how: String) async throws(Refusal) -> Bookmark {
        guard let plan, error == nil else { throw Refusal(409, "the workflow does not validate or run; fix it first") }
        guard values[step] != nil else {
            if isolatedValues[step] != nil {
                throw Refusal(409, "'\(step)' is not saved yet; save it as steps first, then bookmark it")
            }
            _ = try embedding(step)
            throw Refusal(404, "no step '\(step)'")
        }
        let view = try embedding(step)
        guard canAppend() else {
            throw Refusal(409, "the workflow's last top-level key is not 'steps:', so new steps cannot be appended; move 'steps:' to the end")
        }
        guard rows.count <= view.count, rows.allSatisfy({ $0 >= 0 && $0 < view.count }) else {
            throw Refusal(400, "the selection must be points 0..<\(view.count) of '\(step)'")
        }
        let name = (label ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard name.utf8.count <= 200, !name.contains(where: \.isNewline) else {
            throw Refusal(400, "the bookmark's label must be one line of at most 200 bytes")
        }
        guard let current = try? String(contentsOfFile: path, encoding: .utf8) else { throw Refusal(500, "cannot read \(path)") }
        guard current == source else {
            throw Refusal(409, "\(path) changed on disk since it was loaded; bookmark again after the reload")
        }
        let taken = takenIDs(plan)
        var n = 1
        while taken.contains("bookmark-\(n)") || taken.contains("bookmark-\(n)-points")
                || FileManager.default.fileExists(atPath: outputDirectory.appendingPathComponent("bookmark-\(n).txt").path) { n += 1 }
        let id = "bookmark-\(n)", file = "bookmark-\(n).txt"
        let pad = String(repeating: " ", count: Self.stepIndent(source: source, plan: plan))
        var text = "\(pad)# orrery serve: a bookmark of \(step)"
            + (rows.isEmpty ? "\n" : " with \(how.replacingOccurrences(of: "\n", with: " ")) selected (\(rows.count) points)\n")
        if !rows.isEmpty {
            text += """
            \(pad)\(id)-points:
            \(pad)  uses: selector.points
            \(pad)  from: \(step)
            \(pad)  with: { rows: [\(rows.map(String.init).joined(separator: ", "))] }

            """
        }
        let from = rows.isEmpty ? step : "{ input: \(step), selection: \(id)-points }"
        let labelText = name.isEmpty ? "" : ", label: \(Self.quoted(name))"
        text += """
        \(pad)\(id):
        \(pad)  uses: exporter.bookmarks
        \(pad)  from: \(from)
        \(pad)  with: { path: \(file)\(labelText) }

        """
        let combined = Self.appending(text, to: current)
        let (extended, registry) = try validated(combined, what: "the bookmark")
        // Run it before the file changes: a view the Projector cannot draw is refused, file untouched.
        do {
            _ = try await Runner(registry: registry).run(extended, options: .init(outputDirectory: outputDirectory, cache: cache))
        } catch {
            throw Refusal(400, "the bookmark failed: \(error)")
        }
        // The run let other requests in; an edit on disk meanwhile wins, and this is refused.
        guard (try? String(contentsOfFile: path, encoding: .utf8)) == current else {
            throw Refusal(409, "\(path) changed on disk while the bookmark ran; bookmark again after the reload")
        }
        do {
            try AtomicFile.write(Data(combined.utf8), to: URL(fileURLWithPath: path))
        } catch {
            throw Refusal(500, "cannot write \(path): \(error)")
        }
        await reload()
        return Bookmark(step: id, file: file)
    }

    /// The step ids new steps must not take: the workflow's and the pending isolations'.
    func takenIDs(_ plan: WorkflowPlan) -> Set<String> {
        Set(plan.steps.map(\.id)).union(isolations.values.flatMap { [$0.step, $0.step + "-points"] })
    }

    /// The workflow `text` (the file's text with steps appended) parsed and validated with the
    /// workflow's plugins; a problem is refused naming `what` and each problem's line and column.
    func validated(_ text: String, what: String) throws(Refusal) -> (WorkflowPlan, PluginRegistry) {
        let registry: PluginRegistry
        do { registry = try self.registry(path) } catch { throw Refusal(500, "\(error)") }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        switch WorkflowLoader.parse(text, path: path, directory: directory)
            .flatMap({ WorkflowValidator.validate($0, registry: registry) }) {
        case .failure(let d):
            let problems = d.diagnostics.map { "\($0.location.map { "line \($0.line), column \($0.column): " } ?? "")\($0.problem)" }
            throw Refusal(400, "\(what) does not validate: " + problems.joined(separator: "; "))
        case .success(let plan):
            return (plan, registry)
        }
    }

    /// `text` as a double-quoted YAML scalar.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where c.value < 0x20: out += String(format: "\\x%02X", c.value)
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// `text` after `source`, which must end in its `steps:` mapping (a newline is added first
    /// when the file does not end in one).
    static func appending(_ text: String, to source: String) -> String {
        (source.hasSuffix("\n") || source.isEmpty ? source : source + "\n") + text
    }

    /// The indentation of the workflow's step ids (2 in the usual layout).
    static func stepIndent(source: String, plan: WorkflowPlan) -> Int {
        guard let column = plan.steps.last?.step.location.column else { return 2 }
        return max(1, column - 1)
    }

    /// Whether the file's last top-level key is `steps:` — the condition for appending steps.
    public func canAppend() -> Bool {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: true)
        let top = lines.filter { l in
            guard let c = l.first else { return false }
            return c != " " && c != "#" && c != "\t"
        }
        return top.last.map { $0.hasPrefix("steps:") } ?? false
    }
}
