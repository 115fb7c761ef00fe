// orrery-bench: times Orrery's kernels on one data file and prints one JSON object per run, for
// bench/bench.py to compare with scikit-learn, faiss and openTSNE. Not part of the library.
//
//   orrery-bench pca  --data X.npy [--rows N] [--components 10]
//   orrery-bench knn  --data X.npy [--rows N] [--k 100] [--method exact|approximate|auto] [--seed 1]
//                     [--workers W] [--trees T --leaf L --candidates C --iterations I --delta D]
//                     [--out indices.npy]
//   orrery-bench tsne --data X.npy [--rows N] [--params '{ iterations: 1000 }'] [--out layout.npy]
//   orrery-bench umap --data X.npy [--rows N] [--metric cosine] [--epochs E] [--out layout.npy]
//   orrery-bench quality --data X.npy [--rows N]
//   orrery-bench neighbors-export --data X.npy [--rows N] [--k 100] [--metadata words.tsv]
//   orrery-bench load-checkpoint --path PREFIX --tensor NAME [--checksum]
//   orrery-bench load-safetensors --path FILE --tensor NAME [--checksum]
import Foundation
import OrreryCore
import OrreryPlugins
import OrreryUMAP
#if canImport(Glibc)
import Glibc
#endif

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
}

func option(_ name: String, _ args: [String]) -> String? {
    guard let i = args.firstIndex(of: "--" + name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

/// Peak resident set size of this process, in MiB (Linux reports ru_maxrss in KiB).
func peakMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// User + system CPU time of this process so far (all threads), in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func json(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
}

func numbers(_ xs: [Double]) -> String { "[" + xs.map { String($0) }.joined(separator: ", ") + "]" }

func run() async throws {
    let args = Array(CommandLine.arguments.dropFirst())
    if let command = args.first, command.hasPrefix("load-") {
        try await load(command, args)
        return
    }
    guard let command = args.first, let path = option("data", args) else {
        throw BenchFailure(description: "usage: orrery-bench pca|knn|tsne|quality --data X.npy [--rows N] …")
    }
    var x = try NPYFormat.read(try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
    if let rows = option("rows", args).flatMap(Int.init), rows > 0, rows < x.rows { x = x.selecting(rows: Array(0..<rows)) }
    let common: [(String, String)] = [
        ("rows", String(x.rows)), ("columns", String(x.columns)),
        ("blas_threads", String(BLAS.threads)), ("workers", String(Parallel.workers)),
    ]

    switch command {
    case "pca":
        let k = option("components", args).flatMap(Int.init) ?? 10
        var model: PCAModel?
        var coordinates = Matrix(rows: 0, columns: 0)
        let cpuStart = cpuSeconds()
        let fit = try seconds { model = try PrincipalComponents.fit(x, components: k) }
        guard let model else { return }
        let transform = seconds { coordinates = model.transform(x) }
        print(json(common + [
            ("seconds", String(fit + transform)), ("cpu_seconds", String(cpuSeconds() - cpuStart)), ("fit_seconds", String(fit)), ("transform_seconds", String(transform)),
            ("method", "\"\(PrincipalComponents.method(rows: x.rows, columns: x.columns).rawValue)\""),
            ("ratios", numbers(model.explainedVarianceRatio)), ("output_rows", String(coordinates.rows)),
            ("peak_rss_mib", String(peakMiB())),
        ]))

    case "pca-methods":
        // Covariance (d × d) vs Gram (n × n) route on seeded Gaussian data of several shapes.
        var lines: [String] = []
        for (n, d) in [(4000, 500), (2000, 1000), (1000, 2000), (500, 4000), (3000, 3000)] {
            var g = SeededGenerator(seed: 1)
            let m = Matrix(rows: n, columns: d, storage: (0..<(n * d)).map { _ in Float(g.nextGaussian()) })
            var ratios: [[Double]] = []
            let cov = try seconds { ratios.append(try PrincipalComponents.fit(m, components: 10, method: .covariance).explainedVarianceRatio) }
            let gram = try seconds { ratios.append(try PrincipalComponents.fit(m, components: 10, method: .gram).explainedVarianceRatio) }
            let diff = zip(ratios[0], ratios[1]).map { abs($0 - $1) }.max() ?? 0
            lines.append(json([("n", String(n)), ("d", String(d)), ("covariance_seconds", String(cov)),
                               ("gram_seconds", String(gram)), ("max_ratio_difference", String(diff)),
                               ("chosen", "\"\(PrincipalComponents.method(rows: n, columns: d).rawValue)\"")]))
        }
        print("[" + lines.joined(separator: ",\n") + "]")

    case "knn":
        // --method exact (default: NearestNeighborSearch.search, as before) or approximate/auto
        // (NearestNeighborSearch.graph: NN-descent, recall measured on its seeded sample).
        let k = option("k", args).flatMap(Int.init) ?? 100
        let method = option("method", args).flatMap(KNNMethod.init(rawValue:)) ?? .exact
        let seed = option("seed", args).flatMap(UInt64.init) ?? 1
        let workers = option("workers", args).flatMap(Int.init) ?? Parallel.workers
        let defaults = NNDescentOptions.defaults(n: x.rows, k: k)
        let options = NNDescentOptions(trees: option("trees", args).flatMap(Int.init) ?? defaults.trees,
                                       leafSize: option("leaf", args).flatMap(Int.init) ?? defaults.leafSize,
                                       maxCandidates: option("candidates", args).flatMap(Int.init) ?? defaults.maxCandidates,
                                       iterations: option("iterations", args).flatMap(Int.init) ?? defaults.iterations,
                                       delta: option("delta", args).flatMap(Double.init) ?? defaults.delta,
                                       refineWidth: option("refine", args).flatMap(Int.init) ?? defaults.refineWidth)
        var result: NearestNeighborSearch.Result?
        var report: NearestNeighborSearch.GraphReport?
        let cpuStart = cpuSeconds()
        let time = seconds {
            if method == .exact {
                result = NearestNeighborSearch.search(points: x, queries: x, queryRows: Array(0..<x.rows), k: k,
                                                      measure: .cosine)
            } else if let (r, g) = NearestNeighborSearch.graph(of: x, k: k, measure: .cosine, method: method,
                                                               seed: seed, options: options,
                                                               workers: workers) {
                result = r
                report = g
            }
        }
        guard let result else { return }
        if let out = option("out", args) {
            let m = Matrix(rows: x.rows, columns: result.k, storage: result.indices.map(Float.init))
            try NPYFormat.write(m).write(to: URL(fileURLWithPath: out))
        }
        var fields = common + [("seconds", String(time)), ("cpu_seconds", String(cpuSeconds() - cpuStart)),
                               ("k", String(k)), ("method", "\"\(report?.method.rawValue ?? "exact")\""),
                               ("peak_rss_mib", String(peakMiB()))]
        if let report {
            fields.append(("iterations", String(report.iterations)))
            fields.append(("options", "\"\(options)\"".replacingOccurrences(of: "NNDescentOptions", with: "")))
            if let recall = report.recall { fields.append(("recall_reported", String(recall))) }
        }
        print(json(fields))

    case "neighbors-export":
        // exporter.neighbors' file for every point's k lists: the byte writer (text and TSV) and,
        // for comparison, the per-pair String building it replaced.
        let k = option("k", args).flatMap(Int.init) ?? 100
        let metadata = try option("metadata", args).map { try MetadataTSV.read(contentsOf: URL(fileURLWithPath: $0), path: $0) }
        let table = metadata.map { m in MetadataTable(labels: (0..<x.rows).map(m.label)) } ?? MetadataTable(labels: (0..<x.rows).map(String.init))
        let e = Embedding(vectors: x, metadata: table)
        guard let result = NearestNeighborSearch.search(points: x, queries: x, queryRows: Array(0..<x.rows), k: k,
                                                        measure: .cosine) else { return }
        let n = Neighbors(metric: "metric.cosine", unit: "", embedding: e, queries: Array(0..<x.rows), k: k,
                          indices: result.indices, distances: result.distances)
        var bytes = 0, tsvBytes = 0, referenceBytes = 0
        var cpu = cpuSeconds()
        let text = seconds { bytes = NeighborsText.text(n, decimals: 3).count }
        let textCPU = cpuSeconds() - cpu
        cpu = cpuSeconds()
        let tsv = seconds { tsvBytes = NeighborsText.tsv(n).count }
        let tsvCPU = cpuSeconds() - cpu
        // The whole step, as `orrery run` runs it: the bytes, the file written (temporary file,
        // rename) into a fresh output folder, and the short terminal report.
        let registry = PluginRegistry.builtIn
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("orrery-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        var exportSeconds: [String: Double] = [:]
        var reportLines = 0
        for file in ["neighbors.txt", "neighbors.tsv"] {
            guard let entry = registry["exporter.neighbors"],
                  case .success(let step) = entry.prepare(try YAMLSource(path: "bench", text: "{ path: \(file) }").compose())
            else { throw BenchFailure(description: "exporter.neighbors is not usable in this build") }
            let context = StepContext(stepID: "export", seed: 1, inputDirectory: folder, outputDirectory: folder,
                                      registry: registry)
            let start = DispatchTime.now().uptimeNanoseconds
            let value = try await step.run(StepInputs(["input": [.neighbors(n)]]), context: context)
            exportSeconds[file] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if case .files(let r) = value { reportLines = r.report?.split(separator: "\n").count ?? 0 }
        }
        let reference = seconds {
            let lines = n.queries.indices.map { q in
                n.embedding.label(n.queries[q]) + ": " + n.list(q).map {
                    "(\(n.embedding.label($0.row)), \(NumberText.fixed(Double($0.distance), 3)))"
                }.joined(separator: ", ")
            }
            referenceBytes = (lines.joined(separator: "\n") + "\n").utf8.count
        }
        print(json(common + [("k", String(k)), ("text_seconds", String(text)), ("tsv_seconds", String(tsv)),
                             ("text_cpu_seconds", String(textCPU)), ("tsv_cpu_seconds", String(tsvCPU)),
                             ("string_building_seconds", String(reference)), ("text_bytes", String(bytes)),
                             ("tsv_bytes", String(tsvBytes)), ("same_size_as_string_building", String(bytes == referenceBytes)),
                             ("export_text_seconds", String(exportSeconds["neighbors.txt"] ?? .nan)),
                             ("export_tsv_seconds", String(exportSeconds["neighbors.tsv"] ?? .nan)),
                             ("report_lines", String(reportLines)),
                             ("peak_rss_mib", String(peakMiB()))]))

    case "quality":
        var layout = Matrix(rows: 0, columns: 0)
        var notes = Notes()
        let model = try PrincipalComponents.fit(x, components: 2)
        layout = model.transform(x)
        let time = seconds { ProjectionQuality.annotate(&notes, original: x, layout: layout, seed: 1) }
        let sample = ProjectionQuality.sampleRows(count: x.rows, seed: 1)
        let layoutSearch = seconds {
            _ = NearestNeighborSearch.search(points: layout, queries: layout.selecting(rows: sample), queryRows: sample,
                                             k: 10, measure: .euclidean)
        }
        let products = seconds {
            let q = x.selecting(rows: sample)
            let block = (8 << 20) / x.rows
            var out = [Float](repeating: 0, count: block * x.rows)
            var start = 0
            while start < q.rows {
                let m = min(block, q.rows - start)
                q.storage.withUnsafeBufferPointer { qb in
                    x.storage.withUnsafeBufferPointer { xb in
                        out.withUnsafeMutableBufferPointer { ob in
                            guard let qa = qb.baseAddress, let xa = xb.baseAddress, let oa = ob.baseAddress else { return }
                            BLAS.sgemm(qa + start * x.columns, transA: false, xa, transB: true, oa, m: m, n: x.rows,
                                       k: x.columns)
                        }
                    }
                }
                start += m
            }
        }
        print(json(common + [("seconds", String(time)),
                             ("trustworthiness", String(notes.number("trustworthiness@10") ?? .nan)),
                             ("layout_search_seconds", String(layoutSearch)), ("products_seconds", String(products)),
                             ("sample", String(notes.number("quality-sample") ?? 0)),
                             ("peak_rss_mib", String(peakMiB()))]))

    case "tsne":
        let registry = PluginRegistry.builtIn
        guard let entry = registry["reducer.tsne"] else {
            print(json(common + [("skipped", "\"reducer.tsne is not registered in this build\"")]))
            return
        }
        let params = option("params", args) ?? "{ iterations: 1000 }"
        let prepared: PreparedStep
        switch entry.prepare(try YAMLSource(path: "bench", text: params).compose()) {
        case .success(let p): prepared = p
        case .failure(let d):
            print(json(common + [("skipped", "\"parameters rejected: \(d)\"".replacingOccurrences(of: "\n", with: " "))]))
            return
        }
        let labels = MetadataTable(labels: (0..<x.rows).map(String.init))
        let embedding = Embedding(vectors: x, metadata: labels)
        let folder = FileManager.default.temporaryDirectory
        let context = StepContext(stepID: "tsne", seed: 1, inputDirectory: folder, outputDirectory: folder,
                                  registry: registry)
        var value: StepValue?
        let start = DispatchTime.now().uptimeNanoseconds
        value = try await prepared.run(StepInputs(["input": [.embedding(embedding)]]), context: context)
        let time = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard case .embedding(let out)? = value else { throw BenchFailure(description: "t-SNE returned no embedding") }
        if let path = option("out", args) { try NPYFormat.write(out.vectors).write(to: URL(fileURLWithPath: path)) }
        print(json(common + [("seconds", String(time)), ("kl", String(out.notes.number("kl-divergence") ?? .nan)),
                             ("params", "\"\(params)\""), ("peak_rss_mib", String(peakMiB()))]))

    case "umap":
        // The kernel itself (no step wrapper, so no quality notes in the time), umap-learn's defaults.
        var c = UMAP.Configuration(measure: option("metric", args) == "euclidean" ? .euclidean : .cosine, seed: 1)
        c.epochs = option("epochs", args).flatMap(Int.init)
        var result: UMAP.Result?
        let cpuStart = cpuSeconds()
        let time = try seconds { result = try UMAP.run(x, c) }
        guard let result else { return }
        if let path = option("out", args) { try NPYFormat.write(result.layout).write(to: URL(fileURLWithPath: path)) }
        print(json(common + [("seconds", String(time)), ("cpu_seconds", String(cpuSeconds() - cpuStart)),
                             ("epochs", String(result.epochs)), ("init", "\"\(result.initialization.name)\""),
                             ("components", String(result.components)), ("peak_rss_mib", String(peakMiB()))]))

    default:
        throw BenchFailure(description: "unknown command '\(command)'")
    }
}

/// `load-checkpoint` / `load-safetensors`: one loader step, as `orrery run` runs it (files mapped,
/// CRCs checked, labels made), in a process of its own so that bench/loading.py times the whole
/// process. Prints the loader's own time too; with `--checksum`, the SHA-256 of the float32 values
/// (row order, little-endian) to compare with what TensorFlow and safetensors read.
func load(_ command: String, _ args: [String]) async throws {
    guard let path = option("path", args), let tensor = option("tensor", args) else {
        throw BenchFailure(description: "usage: orrery-bench \(command) --path FILE --tensor NAME [--checksum]")
    }
    let id = command == "load-checkpoint" ? "loader.checkpoint" : "loader.safetensors"
    let registry = PluginRegistry.builtIn
    guard let entry = registry[id],
          case .success(let step) = entry.prepare(try YAMLSource(path: "bench", text: "{ path: '\(path)', tensor: '\(tensor)' }").compose())
    else { throw BenchFailure(description: "\(id) did not accept { path: \(path), tensor: \(tensor) }") }
    let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let context = StepContext(stepID: "load", seed: 1, inputDirectory: folder, outputDirectory: folder, registry: registry)
    let cpuStart = cpuSeconds()
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try await step.run(StepInputs([:]), context: context)
    let time = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    guard case .embedding(let e) = value else { throw BenchFailure(description: "\(id) returned no embedding") }
    var fields: [(String, String)] = [("loader", "\"\(id)\""), ("rows", String(e.vectors.rows)),
                                      ("columns", String(e.vectors.columns)), ("seconds", String(time)),
                                      ("cpu_seconds", String(cpuSeconds() - cpuStart)), ("peak_rss_mib", String(peakMiB()))]
    if args.contains("--checksum") {
        let digest = e.vectors.storage.withUnsafeBytes { ContentHash.of(Data($0)) }
        fields.append(("sha256", "\"\(digest)\""))
    }
    print(json(fields))
}

do {
    try await run()
} catch {
    FileHandle.standardError.write(Data("orrery-bench: \(error)\n".utf8))
    exit(1)
}
