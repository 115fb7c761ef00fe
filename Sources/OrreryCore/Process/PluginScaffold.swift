/// The files `orrery plugin new KIND.NAME --python DIR` and `--swift DIR` write: a plugin that
/// runs and passes `orrery plugin check` as written, with an example workflow over a small data
/// file of its own, so that the check also runs the example.
///
/// - A Python plugin: a manifest, a script, and `example-words.txt`. Every kind: a reducer (the
///   first `dims` columns, each with a seeded random sign, so the seed visibly reaches it), a
///   selector (the first `count` points), a metric (exact Euclidean neighbours), an exporter (a
///   TSV of labels and vector norms), a loader (a comma-separated file of label and numbers).
/// - A Swift package: a reducer (or selector) in the `@Parameter` style, its own command line
///   `orrery-NAME` (the built-ins plus it), and tests that run the conformance checks.
public enum PluginScaffold {
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case badID(String)
        case unsupportedKind(String, language: String, supported: [String])
        public var description: String {
            switch self {
            case .badID(let id): return "'\(id)' is not KIND.NAME (e.g. reducer.my-method): KIND is one of "
                + PluginKind.allCases.map(\.rawValue).joined(separator: ", ") + ", NAME lower-case words joined by '-'"
            case .unsupportedKind(let k, let language, let supported):
                return "--\(language) scaffolds \(supported.joined(separator: " and ")) plugins, not '\(k)'"
            }
        }
    }

    /// A file to write: its path relative to the target folder, and its text.
    public typealias File = (name: String, contents: String)

    /// Splits `id` into its kind and name (lower-case letters, digits and '-').
    static func parse(_ id: String) throws(Problem) -> (PluginKind, String) {
        let parts = id.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let kind = PluginKind(rawValue: parts[0]),
              let first = parts[1].first, first.isLetter,
              parts[1].allSatisfy({ ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" }),
              !parts[1].hasSuffix("-"), !parts[1].contains("--")
        else { throw .badID(id) }
        return (kind, parts[1])
    }

    /// Twelve words in four dimensions, in GloVe's text form: the example's data.
    static let exampleWords = """
        red 0.91 0.12 -0.30 0.05
        green 0.84 0.20 -0.25 -0.10
        blue 0.88 0.05 -0.35 0.12
        yellow 0.79 0.18 -0.20 0.02
        cat -0.20 0.85 0.10 0.31
        dog -0.15 0.90 0.05 0.25
        horse -0.30 0.76 0.22 0.18
        bird -0.10 0.70 0.30 0.40
        one 0.05 -0.40 0.88 -0.20
        two 0.10 -0.35 0.92 -0.15
        three 0.02 -0.45 0.85 -0.25
        four 0.08 -0.38 0.80 -0.30

        """

    /// The example workflow of a plugin `id` whose step is `step` (YAML lines, indented 4).
    static func example(_ id: String, name: String, step: String, data: String = "words: { uses: loader.glove, with: { path: example-words.txt } }") -> String {
        """
        orrery: 1
        name: \(name)-example
        seed: 7
        steps:
          \(data)
        \(step)
        """
    }

    static func manifest(_ id: String, kind: PluginKind, summary: String, parameters: String, script: String,
                         usesSeed: Bool = false, inputs: String? = nil, example: String) -> String {
        """
        orrery-plugin: 1
        id: \(id)
        kind: \(kind.rawValue)
        version: "1"
        summary: \(summary)
        \(inputs.map { "inputs: \($0)\n" } ?? "")parameters:
        \(parameters)
        uses-seed: \(usesSeed)
        run: [python3, \(script)]
        timeout: 300
        example: |
        \(example.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))

        """
    }

    /// (file name, contents) pairs for a Python plugin `id`.
    public static func python(id: String) throws(Problem) -> [File] {
        let (kind, name) = try parse(id)
        let script = name.replacingOccurrences(of: "-", with: "_") + ".py"
        let header = """
        \"\"\"\(id): an Orrery process plugin (protocol: docs/plugins.md).\"\"\"
        import json
        import sys

        import numpy as np

        request = json.load(open(sys.argv[1]))
        parameters = request["parameters"]

        """
        func files(summary: String, parameters: String, usesSeed: Bool = false, inputs: String? = nil,
                   step: String, data: String? = nil, body: String, extra: [File] = []) -> [File] {
            let ex = data.map { example(id, name: name, step: step, data: $0) } ?? example(id, name: name, step: step)
            return [
                (name + PluginManifest.fileSuffix,
                 manifest(id, kind: kind, summary: summary, parameters: parameters, script: script,
                          usesSeed: usesSeed, inputs: inputs, example: ex)),
                (script, header + body),
                ("example-words.txt", exampleWords),
            ] + extra
        }
        switch kind {
        case .reducer:
            return files(
                summary: "the first DIMS columns, each with a seeded random sign (replace with your method)",
                parameters: "  dims:\n    type: integer\n    default: 2\n    help: output dimensions\n    minimum: 1",
                usesSeed: true,
                step: "  reduced: { uses: \(id), from: words, with: { dims: 2 } }",
                body: """
                x = np.load(request["inputs"]["input"][0]["vectors"])
                if not np.isfinite(x).all():
                    sys.exit("\(id): the input has NaN or infinite values")
                dims = parameters["dims"]
                rng = np.random.default_rng(request["seed"])
                y = np.zeros((x.shape[0], dims), dtype=np.float32)
                k = min(dims, x.shape[1])
                y[:, :k] = x[:, :k] * rng.choice([-1.0, 1.0], size=k)
                print("progress 1/1 done", flush=True)
                np.save(request["output"]["vectors"], y)
                json.dump([f"\(name)-{i}" for i in range(dims)], open(request["output"]["axes"], "w"))

                """)
        case .selector:
            return files(
                summary: "the first COUNT points (replace with your rule)",
                parameters: "  count:\n    type: integer\n    default: 10\n    help: how many points to keep\n    minimum: 0",
                step: "  chosen: { uses: \(id), from: words, with: { count: 5 } }",
                body: """
                n = request["inputs"]["input"][0]["rows"]
                json.dump(list(range(min(n, parameters["count"]))), open(request["output"]["rows"], "w"))

                """)
        case .metric:
            return files(
                summary: "the K nearest points by Euclidean distance, exact (replace with your distance)",
                parameters: "  k:\n    type: integer\n    default: 10\n    help: neighbours per point\n    minimum: 1",
                step: "  neighbors: { uses: \(id), from: words, with: { k: 3 } }",
                body: """
                x = np.load(request["inputs"]["input"][0]["vectors"]).astype(np.float64)
                if not np.isfinite(x).all():
                    sys.exit("\(id): the input has NaN or infinite values")
                k = min(parameters["k"], max(x.shape[0] - 1, 0))
                d = np.sqrt(np.maximum(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1), 0))
                np.fill_diagonal(d, np.inf)
                indices = np.argsort(d, axis=1, kind="stable")[:, :k]
                np.save(request["output"]["indices"], indices.astype(np.int32))
                np.save(request["output"]["distances"], np.take_along_axis(d, indices, 1).astype(np.float32))

                """)
        case .exporter:
            return files(
                summary: "a TSV of each point's label and vector norm (replace with your format)",
                parameters: "  path:\n    type: string\n    default: \(name).tsv\n    help: the file to write, inside the output folder",
                step: "  exported: { uses: \(id), from: words }",
                body: """
                import os

                point = request["inputs"]["input"][0]
                x = np.load(point["vectors"])
                labels = [line.split("\\t")[0] for line in open(point["metadata"]).read().splitlines()[1:]]
                target = os.path.join(request["output"]["files"], parameters["path"])
                os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
                with open(target, "w") as f:
                    f.write("label\\tnorm\\n")
                    for label, row in zip(labels, x):
                        f.write(f"{label}\\t{np.linalg.norm(row):.6g}\\n")
                with open(request["output"]["report"], "w") as f:
                    f.write(f"wrote {len(labels)} rows to {parameters['path']}")

                """)
        case .loader:
            return files(
                summary: "points from a comma-separated file of a label and numbers per line (replace with your format)",
                parameters: "  path:\n    type: string\n    default: example-points.csv\n    help: the file to read, relative to the workflow",
                step: "  points: { uses: \(id), with: { path: example-points.csv } }",
                data: "words: { uses: loader.glove, with: { path: example-words.txt } }",
                body: """
                import os

                path = os.path.join(request["workflow-directory"], parameters["path"])
                labels, rows = [], []
                for number, line in enumerate(open(path, encoding="utf-8"), 1):
                    if not line.strip():
                        continue
                    label, *values = line.rstrip("\\n").split(",")
                    try:
                        rows.append([float(v) for v in values])
                    except ValueError:
                        sys.exit(f"{path}:{number}: expected numbers after the label")
                    labels.append(label)
                if not rows or len({len(r) for r in rows}) != 1:
                    sys.exit(f"{path}: expected lines of one label and the same count of numbers")
                np.save(request["output"]["vectors"], np.array(rows, dtype=np.float32))
                # One column: no header row (the Projector's rule); several: a header row first.
                with open(request["output"]["metadata"], "w") as f:
                    f.write("".join(label + "\\n" for label in labels))

                """,
                extra: [("example-points.csv", exampleWords.split(separator: "\n").map {
                    $0.split(separator: " ").joined(separator: ",")
                }.joined(separator: "\n") + "\n")])
        }
    }

    /// A Swift package for plugin `id` (a reducer or a selector) depending on Orrery at
    /// `orrery` (a path, or a URL with `from:` version).
    public static func swift(id: String, orrery: String) throws(Problem) -> [File] {
        let (kind, name) = try parse(id)
        guard kind == .reducer || kind == .selector else {
            throw .unsupportedKind(kind.rawValue, language: "swift", supported: ["reducer", "selector"])
        }
        let base = name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        let type = base + (kind == .reducer ? "Reducer" : "Selector")
        let dependency = orrery.contains("://") || orrery.hasPrefix("git@")
            ? ".package(url: \"\(orrery)\", branch: \"main\")"
            : ".package(name: \"Orrery\", path: \"\(orrery)\")"
        let package = """
        // swift-tools-version: 6.0
        // \(id): an Orrery plugin in a package of its own (written by `orrery plugin new`).
        import PackageDescription

        let package = Package(
            name: "\(base)",
            platforms: [.macOS(.v15)],
            products: [
                // The built-in plugins plus \(id); not called `orrery`, which is Orrery's own.
                .executable(name: "orrery-\(name)", targets: ["\(base)CLI"]),
                .library(name: "\(base)", targets: ["\(base)"]),
            ],
            dependencies: [
                \(dependency),
            ],
            targets: [
                .target(name: "\(base)", dependencies: [.product(name: "OrreryCore", package: "Orrery")]),
                .executableTarget(
                    name: "\(base)CLI",
                    dependencies: ["\(base)", .product(name: "OrreryCommandLine", package: "Orrery"),
                                   .product(name: "OrreryPlugins", package: "Orrery")]),
                .testTarget(
                    name: "\(base)Tests",
                    dependencies: ["\(base)", .product(name: "OrreryCore", package: "Orrery"),
                                   .product(name: "OrreryPlugins", package: "Orrery"),
                                   .product(name: "OrreryTesting", package: "Orrery")],
                    resources: [.copy("example-words.txt")]),
            ]
        )

        """
        let exampleStep = kind == .reducer
            ? "  reduced: { uses: \(id), from: words, with: { dims: 2 } }"
            : "  chosen: { uses: \(id), from: words, with: { count: 5 } }"
        let exampleText = example(id, name: name, step: exampleStep)
            .split(separator: "\n", omittingEmptySubsequences: false).map { "            " + $0 }.joined(separator: "\n")
        let plugin: String
        let valueTest: String
        if kind == .reducer {
            plugin = """
            import OrreryCore

            /// `\(id)`: the first `dims` columns, each multiplied by a seeded random sign (replace
            /// `reduce` with your method; keep the row count, stay finite, use the seed for every
            /// random choice).
            public enum \(type): Reducer {
                public struct Parameters: ParameterSet, Equatable {
                    @Parameter(help: "output dimensions", .atLeast(1), .atMost(10_000)) public var dims = 2

                    public init() {}
                }

                public static let descriptor = PluginDescriptor(
                    id: "\(id)", kind: .reducer, version: "1.0.0",
                    summary: "The first `dims` columns, each with a seeded random sign (replace with your method).",
                    inputs: [.embedding], parameters: Parameters.self, usesSeed: true,
                    example: \"\"\"
            \(exampleText)
                        \"\"\")

                /// - Complexity: O(n·dims).
                public static func reduce(_ input: Embedding, _ p: Parameters, context: StepContext) async throws -> Embedding {
                    guard input.count > 0 else { throw OrreryError.emptyDataset("\(id) needs at least one point") }
                    if let (r, c) = input.vectors.firstNonFinite() {
                        throw OrreryError.shapeMismatch("input row \\(r), column \\(c) is NaN or infinite")
                    }
                    var generator = SeededGenerator(seed: context.seed)
                    let signs: [Float] = (0..<p.dims).map { _ in Bool.random(using: &generator) ? 1 : -1 }
                    var out = Matrix(rows: input.count, columns: p.dims, storage: [Float](repeating: 0, count: input.count * p.dims))
                    for i in 0..<input.count {
                        for j in 0..<min(p.dims, input.dimensions) { out[i, j] = input.vectors[i, j] * signs[j] }
                    }
                    var notes = Notes()
                    notes.set("reducer", descriptor.id)
                    return input.projected(to: out, axes: (0..<p.dims).map { "\(name)-\\($0)" }, notes: notes)
                }
            }

            """
            valueTest = """
                @Test func keepsTheFirstColumnsUpToASeededSign() async throws {
                    let e = Fixtures.grid(rows: 10, columns: 4)
                    let out = try await \(type).reduce(e, .with { $0.dims = 3 }, context: .testing(seed: 5))
                    #expect(out.count == 10 && out.dimensions == 3)
                    for j in 0..<3 {
                        let sign = out.vectors[1, j] / e.vectors[1, j]
                        #expect(abs(sign) == 1)
                        for i in 0..<10 { #expect(out.vectors[i, j] == e.vectors[i, j] * sign) }
                    }
                }
            """
        } else {
            plugin = """
            import OrreryCore

            /// `\(id)`: the first `count` points (replace `select` with your rule; return row
            /// numbers of the input, in the order to keep).
            public enum \(type): Selector {
                public struct Parameters: ParameterSet, Equatable {
                    @Parameter(help: "how many points to keep", .nonNegative) public var count = 10

                    public init() {}
                }

                public static let descriptor = PluginDescriptor(
                    id: "\(id)", kind: .selector, version: "1.0.0",
                    summary: "The first `count` points (replace with your rule).",
                    inputs: [.embedding], parameters: Parameters.self,
                    example: \"\"\"
            \(exampleText)
                        \"\"\")

                /// - Complexity: O(count · d).
                public static func select(_ inputs: StepInputs, _ p: Parameters, context: StepContext) async throws -> Embedding {
                    let input = try inputs.embedding("input")
                    return input.subset(Array(0..<min(p.count, input.count)))
                }
            }

            """
            valueTest = """
                @Test func keepsTheFirstPoints() async throws {
                    let e = Fixtures.grid(rows: 10, columns: 4)
                    let out = try await \(type).select(StepInputs(["input": [.embedding(e)]]), .with { $0.count = 3 },
                                                        context: .testing())
                    #expect(out.count == 3 && out.vectors.row(2) == e.vectors.row(2))
                }
            """
        }
        let tests = """
        import Foundation
        import OrreryCore
        import OrreryPlugins
        import OrreryTesting
        import Testing
        import \(base)

        @Suite struct \(type)Tests {
            /// Orrery's conformance checks, the example included (run over example-words.txt).
            @Test func passesOrrerysConformanceChecks() async throws {
                let registry = PluginRegistry(builtInPlugins + [\(type).self])
                let folder = try #require(Bundle.module.url(forResource: "example-words", withExtension: "txt"))
                    .deletingLastPathComponent()
                let failures = await PluginConformance.check(\(type).registryEntry, registry: registry,
                                                             exampleDirectory: folder)
                #expect(failures.isEmpty, "\\(failures)")
            }

        \(valueTest)

            @Test func anUnknownParameterIsRefused() throws {
                #expect(throws: WorkflowDiagnostics.self) { try \(type).Parameters.yaml("{ nonsense: 2 }") }
            }
        }

        """
        let main = """
        // `orrery-\(name)`: Orrery's command line with the built-in plugins plus \(id).
        import OrreryCommandLine
        import OrreryPlugins
        import \(base)

        await Orrery.main(plugins: builtInPlugins + [\(type).self])

        """
        let readme = """
        # \(id)

        An Orrery plugin in a Swift package of its own, written by `orrery plugin new \(id) --swift`.

        ```sh
        swift test                                 # its tests, Orrery's conformance checks included
        swift run orrery-\(name) plugins \(id)     # Orrery's command line, with this plugin
        swift run orrery-\(name) plugin check \(id)
        ```

        Edit `Sources/\(base)/\(type).swift`: the parameters are the `@Parameter` properties (key,
        default, help and constraints come from that one line), the work is `\(kind == .reducer ? "reduce" : "select")`.

        """
        return [
            ("Package.swift", package),
            ("Sources/\(base)/\(type).swift", plugin),
            ("Sources/\(base)CLI/main.swift", main),
            ("Tests/\(base)Tests/\(type)Tests.swift", tests),
            ("Tests/\(base)Tests/example-words.txt", exampleWords),
            ("README.md", readme),
        ]
    }
}
