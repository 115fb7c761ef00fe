import Foundation
import OrreryCore
import OrreryPlugins
import OrreryTesting
import Testing

/// The hostile-input catalogue: broken workflows and broken data files, each with the exact
/// message a person sees. None may crash or hang; every data file is generated here.
@Suite struct HostileInputTests {
    // MARK: Workflows

    struct WorkflowCase: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var expected: String
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ expected: String) {
            self.name = name
            bytes = Array(text.utf8)
            self.expected = expected
        }

        init(_ name: String, bytes: [UInt8], _ expected: String) {
            self.name = name
            self.bytes = bytes
            self.expected = expected
        }
    }

    static let header = "orrery: 1\nname: h\n"
    static let npyStep = "  load:\n    uses: loader.npy\n    with: { path: v.npy }\n"

    static func export(_ plugin: String, _ with: String) -> String {
        "  \(plugin.split(separator: ".").last ?? "x"):\n    uses: \(plugin)\n    from: load\n    with: \(with)\n"
    }
    /// The expected message of a case whose message is being recorded (CATALOGUE_DUMP).
    static let pending = "(pending)"

    static let workflowCases: [WorkflowCase] = [
        .init("empty file", "", "w.yaml:1:1: error: the workflow file is empty\n\n^\n1 error found"),
        .init("only a comment", "# nothing\n", "w.yaml:1:1: error: the workflow file is empty\n# nothing\n^\n1 error found"),
        .init("YAML syntax: unclosed flow mapping", header + "steps: { load: [\n", "w.yaml:4:1: error: YAML syntax: did not find expected node content (while parsing a flow node at line 4, column 1)\n\n^\n1 error found"),
        .init("YAML syntax: bad indentation", header + "steps:\n  load:\n    uses: loader.npy\n   with: {}\n", "w.yaml:6:4: error: YAML syntax: did not find expected key (while parsing a block mapping at line 4, column 3)\n   with: {}\n   ^\n1 error found"),
        .init("tabs for indentation", header + "steps:\n\tload:\n\t\tuses: loader.npy\n", "w.yaml:4:1: error: YAML syntax: found a tab; YAML indents with spaces only (replace the tab with spaces)\n\tload:\n^\n1 error found"),
        .init("non-UTF-8 bytes", bytes: Array(header.utf8) + [0xFF, 0xFE, 0x0A], "error: cannot read 'w.yaml': it is not UTF-8 text\n1 error found"),
        .init("NUL byte", header + "steps:\u{0}\n", "w.yaml:3:7: error: YAML syntax: cannot read the text: control characters are not allowed at byte 24\nsteps:\u{0}\n      ^\n1 error found"),
        .init("a list at the top", "- orrery: 1\n", "w.yaml:1:1: error: expected a mapping with 'orrery', 'name' and 'steps', found a list\n- orrery: 1\n^\n1 error found"),
        .init("a scalar at the top", "hello\n", "w.yaml:1:1: error: expected a mapping with 'orrery', 'name' and 'steps', found a string\nhello\n^\n1 error found"),
        .init("no schema version", "name: h\nsteps:\n" + npyStep, "w.yaml:1:1: error: missing 'orrery' in the workflow (write 'orrery: 1' first)\nname: h\n^\n1 error found"),
        .init("wrong schema version", "orrery: 2\nname: h\nsteps:\n" + npyStep, "w.yaml:1:9: error: unsupported workflow schema version '2'; this Orrery reads 'orrery: 1'\norrery: 2\n        ^\n1 error found"),
        .init("schema version as text", "orrery: one\nname: h\nsteps:\n" + npyStep, "w.yaml:1:9: error: unsupported workflow schema version 'one'; this Orrery reads 'orrery: 1'\norrery: one\n        ^\n1 error found"),
        .init("unknown top-level key", header + "stpes:\n" + npyStep, "w.yaml:3:1: error: unknown field 'stpes' in the workflow; did you mean 'steps'?; known fields: orrery, name, description, seed, plugins, steps\nstpes:\n^\nw.yaml:1:1: error: missing 'steps' in the workflow\norrery: 1\n^\n2 errors found"),
        .init("no steps key", header, "w.yaml:1:1: error: missing 'steps' in the workflow\norrery: 1\n^\n1 error found"),
        .init("empty steps mapping", header + "steps: {}\n", "w.yaml:3:8: error: the workflow has no steps\nsteps: {}\n       ^\n1 error found"),
        .init("null steps", header + "steps:\n", "w.yaml:3:7: error: the workflow has no steps\nsteps:\n      ^\n1 error found"),
        .init("steps as a list", header + "steps:\n  - load\n", "w.yaml:4:3: error: expected a mapping of step ids to steps, found a list\n  - load\n  ^\n1 error found"),
        .init("step is a number", header + "steps:\n  load: 3\n", "w.yaml:4:9: error: expected a step (a mapping with 'uses'), found an integer\n  load: 3\n        ^\n1 error found"),
        .init("step without uses", header + "steps:\n  load:\n    with: { path: v.npy }\n", "w.yaml:4:3: error: missing 'uses' in step 'load'\n  load:\n  ^\n1 error found"),
        .init("unknown step field", header + "steps:\n  load:\n    uses: loader.npy\n    wiht: { path: v.npy }\n", "w.yaml:6:5: error: unknown field 'wiht' in step 'load'; did you mean 'with'?; known fields: uses, from, with, matrix, seed, description\n    wiht: { path: v.npy }\n    ^\n1 error found"),
        .init("unknown plugin", header + "steps:\n  load:\n    uses: loader.nyp\n", "w.yaml:5:11: error: unknown plugin 'loader.nyp'; did you mean 'loader.npy'?\n    uses: loader.nyp\n          ^\n1 error found"),
        .init("uses is a list", header + "steps:\n  load:\n    uses: [loader.npy]\n", "w.yaml:5:11: error: expected a plugin id like 'reducer.pca', found a list\n    uses: [loader.npy]\n          ^\n1 error found"),
        .init("unknown parameter", header + "steps:\n  load:\n    uses: loader.npy\n    with: { path: v.npy, pth: x }\n", "w.yaml:6:26: error: unknown parameter 'pth' for 'loader.npy'; did you mean 'path'?; known parameters: metadata, path\n    with: { path: v.npy, pth: x }\n                         ^\n1 error found"),
        .init("missing required parameter", header + "steps:\n  load:\n    uses: loader.npy\n", "w.yaml:5:5: error: 'loader.npy' needs parameter 'path'\n    uses: loader.npy\n    ^\n1 error found"),
        .init("with is a list", header + "steps:\n  load:\n    uses: loader.npy\n    with: [path]\n", "w.yaml:6:11: error: expected a mapping of parameters, found a list\n    with: [path]\n          ^\n1 error found"),
        .init("wrong type: text for an integer", header + "steps:\n" + npyStep
              + "  head:\n    uses: selector.head\n    from: load\n    with: { count: many }\n", "w.yaml:10:20: error: parameter 'count' expects an integer, found a string\n    with: { count: many }\n                   ^\n1 error found"),
        .init("wrong type: mapping for a string", header + "steps:\n  load:\n    uses: loader.npy\n    with: { path: { a: 1 } }\n", "w.yaml:6:19: error: parameter 'path' expects a string, found a mapping\n    with: { path: { a: 1 } }\n                  ^\n1 error found"),
        .init("huge integer", header + "steps:\n" + npyStep
              + "  head:\n    uses: selector.head\n    from: load\n    with: { count: 99999999999999999999999 }\n", "w.yaml:10:20: error: parameter 'count' expects an integer, found 99999999999999999999999, out of range\n    with: { count: 99999999999999999999999 }\n                   ^\n1 error found"),
        .init("float for an integer", header + "steps:\n" + npyStep
              + "  head:\n    uses: selector.head\n    from: load\n    with: { count: 1.5 }\n", "w.yaml:10:20: error: parameter 'count' expects an integer, found a number\n    with: { count: 1.5 }\n                   ^\n1 error found"),
        .init("out-of-range value", header + "steps:\n" + npyStep
              + "  near:\n    uses: metric.cosine\n    from: load\n    with: { k: 0 }\n", "w.yaml:10:16: error: invalid value for 'k': must be at least 1, got 0\n    with: { k: 0 }\n               ^\n1 error found"),
        .init("negative seed", "orrery: 1\nname: h\nseed: -1\nsteps:\n" + npyStep, "w.yaml:3:7: error: expected a non-negative integer seed, found -1\nseed: -1\n      ^\n1 error found"),
        .init("seed beyond 64 bits", "orrery: 1\nname: h\nseed: 18446744073709551616\nsteps:\n" + npyStep, "w.yaml:3:7: error: expected a non-negative integer seed, found 18446744073709551616\nseed: 18446744073709551616\n      ^\n1 error found"),
        .init("duplicate step ids", header + "steps:\n" + npyStep + npyStep, "w.yaml:4:3: error: YAML syntax: duplicate key 'load' in one mapping\n  load:\n  ^\n1 error found"),
        .init("duplicate parameter keys", header + "steps:\n  load:\n    uses: loader.npy\n    with: { path: a.npy, path: b.npy }\n", "w.yaml:6:13: error: YAML syntax: duplicate key 'path' in one mapping\n    with: { path: a.npy, path: b.npy }\n            ^\n1 error found"),
        .init("self-loop", header + "steps:\n  a:\n    uses: selector.head\n    from: a\n", "w.yaml:4:3: error: cycle: a → a\n  a:\n  ^\n1 error found"),
        .init("three-step cycle", header + "steps:\n  a:\n    uses: selector.head\n    from: c\n"
              + "  b:\n    uses: selector.head\n    from: a\n  c:\n    uses: selector.head\n    from: b\n", "w.yaml:4:3: error: cycle: a → b → c → a\n  a:\n  ^\n1 error found"),
        .init("input from an unknown step", header + "steps:\n" + npyStep + "  head:\n    uses: selector.head\n    from: laod\n", "w.yaml:9:11: error: unknown input step 'laod'; did you mean 'load'?\n    from: laod\n          ^\n1 error found"),
        .init("input to a loader", header + "steps:\n" + npyStep + "  again:\n    uses: loader.npy\n    from: load\n    with: { path: v.npy }\n", "w.yaml:9:11: error: 'loader.npy' takes 0 inputs, 1 given\n    from: load\n          ^\n1 error found"),
        .init("wrong port type", header + "steps:\n" + npyStep + "  text:\n    uses: exporter.neighbors\n    from: load\n    with: { path: n.txt }\n", "w.yaml:9:11: error: step 'load' produces an embedding, but port 'input' expects neighbour lists\n    from: load\n          ^\n1 error found"),
        .init("invalid step id", header + "steps:\n  1st load:\n    uses: loader.npy\n    with: { path: v.npy }\n", "w.yaml:4:3: error: invalid step id '1st load': use letters, digits, '-' and '_', starting with a letter\n  1st load:\n  ^\n1 error found"),
        .init("alias bomb", header + "steps:\n  load:\n    uses: loader.npy\n    with:\n      path: v.npy\n      junk:\n"
              + "        - &a0 [x, x, x, x, x, x, x, x, x, x]\n"
              + (1...9).map { i in "        - &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
                .joined(), "w.yaml:9:19: error: YAML syntax: the document expands to more than 100000 nodes (aliases of aliases?)\n        - &a0 [x, x, x, x, x, x, x, x, x, x]\n                  ^\n1 error found"),
        .init("deep nesting", header + "steps:\n" + npyStep + "x: " + String(repeating: "[", count: 5000)
              + String(repeating: "]", count: 5000) + "\n", "w.yaml:7:5: error: YAML syntax: Maximum nesting level reached, set with yaml_set_max_nest_level()) (while parsing at line 7, column 5)\nx: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[…\n    ^\n1 error found"),
        // Exporter paths (issue 11): every path must stay inside the output folder.
        .init("exporter path: up and out", header + "steps:\n" + npyStep + export("exporter.tsv", "{ path: ../../x.tsv }"), "w.yaml:10:19: error: invalid value for 'path': goes up with '..'; exporter paths must stay inside the output folder\n    with: { path: ../../x.tsv }\n                  ^\n1 error found"),
        .init("exporter path: absolute", header + "steps:\n" + npyStep + export("exporter.tsv", "{ path: /tmp/x.tsv }"), "w.yaml:10:19: error: invalid value for 'path': is absolute; exporter paths are relative to the output folder\n    with: { path: /tmp/x.tsv }\n                  ^\n1 error found"),
        .init("exporter path: down then up and out", header + "steps:\n" + npyStep + export("exporter.tsv", "{ path: sub/../../x.tsv }"), "w.yaml:10:19: error: invalid value for 'path': goes up with '..'; exporter paths must stay inside the output folder\n    with: { path: sub/../../x.tsv }\n                  ^\n1 error found"),
        .init("exporter path: the output folder itself", header + "steps:\n" + npyStep + export("exporter.svg", "{ path: . }"), "w.yaml:10:19: error: invalid value for 'path': names the output folder itself; name a file inside it\n    with: { path: . }\n                  ^\n1 error found"),
        .init("exporter path: a trailing slash", header + "steps:\n" + npyStep + export("exporter.npy", "{ path: sub/ }"), "w.yaml:10:19: error: invalid value for 'path': ends with '/'; name a file (or a folder) without the trailing slash\n    with: { path: sub/ }\n                  ^\n1 error found"),
        .init("exporter path: the run record", header + "steps:\n" + npyStep + export("exporter.html", "{ path: orrery.lock }"), "w.yaml:10:19: error: invalid value for 'path': is orrery.lock, the run record Orrery writes there\n    with: { path: orrery.lock }\n                  ^\n1 error found"),
        .init("exporter path: a home folder", header + "steps:\n" + npyStep + export("exporter.tsv", "{ path: ~/x.tsv }"), "w.yaml:10:19: error: invalid value for 'path': starts with '~', which is not expanded; exporter paths are relative to the output folder\n    with: { path: ~/x.tsv }\n                  ^\n1 error found"),
        .init("exporter path: a metadata file outside", header + "steps:\n" + npyStep + export("exporter.npy", "{ path: v.npy, metadata: ../m.tsv }"), "w.yaml:10:36: error: invalid value for 'metadata': goes up with '..'; exporter paths must stay inside the output folder\n    with: { path: v.npy, metadata: ../m.tsv }\n                                   ^\n1 error found"),
        .init("exporter path: a projector folder outside", header + "steps:\n" + npyStep + export("exporter.projector", "{ path: ../projector }"), "w.yaml:10:19: error: invalid value for 'path': goes up with '..'; exporter paths must stay inside the output folder\n    with: { path: ../projector }\n                  ^\n1 error found"),
        .init("exporter path: an Orrery temporary name", header + "steps:\n" + npyStep + export("exporter.tsv", "{ path: .orrery-tmp-1-x.tsv }"), "w.yaml:10:19: error: invalid value for 'path': uses the name of Orrery's temporary files ('.orrery-tmp-…'), which are deleted on the next run\n    with: { path: .orrery-tmp-1-x.tsv }\n                  ^\n1 error found"),
        .init("two exporters claim one file", header + "steps:\n" + npyStep + "  a:\n    uses: exporter.tsv\n    from: load\n    with: { path: x.tsv }\n"
              + "  b:\n    uses: exporter.npy\n    from: load\n    with: { path: ./x.tsv }\n", "w.yaml:14:19: error: steps 'a' and 'b' both write './x.tsv'; give each exporter its own path\n    with: { path: ./x.tsv }\n                  ^\n1 error found"),
        .init("two exporters claim one default file", header + "steps:\n" + npyStep + "  a:\n    uses: exporter.bookmarks\n    from: load\n"
              + "  b:\n    uses: exporter.bookmarks\n    from: load\n", "w.yaml:10:3: error: steps 'a' and 'b' both write 'bookmarks.txt'; give each exporter its own path\n  b:\n  ^\n1 error found"),
        .init("an exporter's metadata file is another's file", header + "steps:\n" + npyStep + "  a:\n    uses: exporter.npy\n    from: load\n    with: { path: v.npy, metadata: m.tsv }\n"
              + "  b:\n    uses: exporter.tsv\n    from: load\n    with: { path: m.tsv }\n", "w.yaml:14:19: error: steps 'a' and 'b' both write 'm.tsv'; give each exporter its own path\n    with: { path: m.tsv }\n                  ^\n1 error found"),
        // Values that look like integers.
        .init("exponent for an integer", header + "steps:\n" + npyStep
              + "  near:\n    uses: metric.cosine\n    from: load\n    with: { k: 1e3 }\n", "w.yaml:10:16: error: parameter 'k' expects an integer, found 1e3, which is not an integer literal (write 1000)\n    with: { k: 1e3 }\n               ^\n1 error found"),
        .init("whole decimal for an integer", header + "steps:\n" + npyStep
              + "  head:\n    uses: selector.head\n    from: load\n    with: { count: 100.0 }\n", "w.yaml:10:20: error: parameter 'count' expects an integer, found 100.0, which is not an integer literal (write 100)\n    with: { count: 100.0 }\n                   ^\n1 error found"),
        .init("a 20 MB-style long line is cut", header + "steps:\n  load:\n    uses: loader.npy\n    with: { path: v.npy, pth: "
              + String(repeating: "x", count: 200_000) + " }\n", "w.yaml:6:26: error: unknown parameter 'pth' for 'loader.npy'; did you mean 'path'?; known parameters: metadata, path\n    with: { path: v.npy, pth: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\n                         ^\n1 error found"),
        .init("a tab after spaces", header + "steps:\n  load:\n  \tuses: loader.npy\n", "w.yaml:5:3: error: YAML syntax: found a tab; YAML indents with spaces only (replace the tab with spaces)\n  \tuses: loader.npy\n  ^\n1 error found"),
        .init("CRLF line ends with an error", (header + "steps:\n  load:\n    uses: loader.nyp\n").replacingOccurrences(of: "\n", with: "\r\n"), "w.yaml:5:11: error: unknown plugin 'loader.nyp'; did you mean 'loader.npy'?\n    uses: loader.nyp\n          ^\n1 error found"),
        .init("CRLF line ends", (header + "steps:\n" + npyStep).replacingOccurrences(of: "\n", with: "\r\n"), "ok"),
        .init("byte-order mark", "\u{FEFF}" + header + "steps:\n" + npyStep, "ok"),
        // Issue 11 §4: what `validate` must find before any loader runs.
        .init("an unknown metric name", header + "steps:\n" + npyStep + "  near:\n    uses: selector.neighbors\n    from: load\n    with: { of: good, metric: cosin }\n", "w.yaml:10:31: error: invalid value for 'metric': no metric 'cosin'; did you mean 'cosine'?; known metrics: cosine, angle, euclidean, dot\n    with: { of: good, metric: cosin }\n                              ^\n1 error found"),
        .init("a bad /regex/ in of:", header + "steps:\n" + npyStep + "  near:\n    uses: selector.neighbors\n    from: load\n    with: { of: '/[a/' }\n", "w.yaml:10:17: error: invalid value for 'of': '/[a/' is not a valid regular expression (write a plain label, or a regex such as /^bad$/)\n    with: { of: '/[a/' }\n                ^\n1 error found"),
        .init("a bad /regex/ in queries:", header + "steps:\n" + npyStep + "  near:\n    uses: metric.cosine\n    from: load\n    with: { queries: ['/(x/'] }\n", "w.yaml:10:23: error: invalid value for 'queries.0': '/(x/' is not a valid regular expression (write a plain label, or a regex such as /^bad$/)\n    with: { queries: ['/(x/'] }\n                      ^\n1 error found"),
        .init("a bad pattern for selector.regex", header + "steps:\n" + npyStep + "  pick:\n    uses: selector.regex\n    from: load\n    with: { pattern: '[' }\n", "w.yaml:10:22: error: invalid value for 'pattern': '[' is not a valid regular expression\n    with: { pattern: '[' }\n                     ^\n1 error found"),
        .init("a very long key", header + "steps:\n  " + String(repeating: "k", count: 2000) + ":\n    uses: loader.npy\n", "w.yaml:4:2003: error: YAML syntax: mapping values are not allowed in this context\n…kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk:\n                                                             ^\n1 error found"),
    ]

    @Test(arguments: workflowCases)
    func brokenWorkflowsAreReportedExactly(_ c: WorkflowCase) throws {
        let folder = Fixtures.temporaryDirectory()
        let path = folder.appendingPathComponent("w.yaml").path
        try Data(c.bytes).write(to: URL(fileURLWithPath: path))
        let message: String
        switch WorkflowPlan.load(path: path, registry: .builtIn) {
        case .success: message = "ok"
        case .failure(let d): message = d.description.replacingOccurrences(of: folder.path + "/", with: "")
        }
        #expect(message == c.expected, "\(c.name)")
        // Validation writes nothing: the folder holds the workflow alone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["w.yaml"], "\(c.name) wrote a file")
        try Self.dump(c.name, message)
    }

    // MARK: Data files

    struct DataCase: Sendable, CustomTestStringConvertible {
        var name: String
        var files: [String: [UInt8]]
        /// The loader step's `uses:` and `with:` lines.
        var step: String
        var expected: String
        var testDescription: String { name }

        init(_ name: String, _ files: [String: [UInt8]], _ step: String, _ expected: String) {
            self.name = name
            self.files = files
            self.step = step
            self.expected = expected
        }
    }

    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// A `.npy` file with the given header fields and body.
    static func npy(descr: String = "<f4", fortran: Bool = false, shape: String, body: [UInt8]) -> [UInt8] {
        var dict = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        while (10 + dict.utf8.count + 1) % 64 != 0 { dict += " " }
        dict += "\n"
        let n = dict.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(dict.utf8) + body
    }

    static func floats(_ xs: [Float]) -> [UInt8] { xs.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    static let npyLoad = "uses: loader.npy\n    with: { path: v.npy }"
    static let npyWithMeta = "uses: loader.npy\n    with: { path: v.npy, metadata: m.tsv }"
    static let twoByTwo = npy(shape: "(2, 2)", body: floats([1, 2, 3, 4]))
    static let glove = "uses: loader.glove\n    with: { path: v.txt }"
    static let tsv = "uses: loader.tsv\n    with: { path: v.tsv }"
    static let w2v = "uses: loader.word2vec\n    with: { path: v.bin }"

    static let checkpointLoad = "uses: loader.checkpoint\n    with: { path: model.ckpt-1, tensor: word_embedding }"
    static let safetensorsLoad = "uses: loader.safetensors\n    with: { path: m.safetensors, tensor: w }"

    /// The TF1 checkpoint TensorFlow wrote (Tests/Fixtures/checkpoints/tf1), its `.index` and data
    /// shard changed by `index` and `data`. The 728-byte shard holds beta1_power and beta2_power
    /// (4 bytes each), then word_embedding (bytes 8..<248), then its two Adam slots.
    static func ckpt(index: (inout [UInt8]) -> Void = { _ in }, data: (inout [UInt8]) -> Void = { _ in }) -> [String: [UInt8]] {
        let folder = Fixtures.checkpoints.appendingPathComponent("tf1")
        var i = (try? [UInt8](Data(contentsOf: folder.appendingPathComponent("model.ckpt-1.index")))) ?? []
        var d = (try? [UInt8](Data(contentsOf: folder.appendingPathComponent("model.ckpt-1.data-00000-of-00001")))) ?? []
        index(&i)
        data(&d)
        return ["model.ckpt-1.index": i, "model.ckpt-1.data-00000-of-00001": d]
    }

    /// A safetensors file: the header length (`declared`, or the JSON's own), the JSON, `body`
    /// bytes of float32 1s (whole floats; the rest zero bytes).
    static func safetensors(_ json: String, body: Int, declared: UInt64? = nil) -> [UInt8] {
        let header = Array(json.utf8)
        let length = declared ?? UInt64(header.count)
        var bytes = withUnsafeBytes(of: length.littleEndian, Array.init) + header
        bytes += floats([Float](repeating: 1, count: body / 4)) + [UInt8](repeating: 0, count: body % 4)
        return bytes
    }

    static let dataCases: [DataCase] = [
        // .npy
        .init("npy: empty file", ["v.npy": []], npyLoad, "v.npy: not a .npy file (no \\x93NUMPY magic at byte 0)"),
        .init("npy: binary garbage", ["v.npy": (0..<200).map { UInt8(($0 * 37 + 11) % 256) }], npyLoad, "v.npy: not a .npy file (no \\x93NUMPY magic at byte 0)"),
        .init("npy: truncated body", ["v.npy": Array(twoByTwo.dropLast(3))], npyLoad, "v.npy: truncated: shape (2, 2) needs 16 bytes of data, the file has 13"),
        .init("npy: truncated header", ["v.npy": Array(twoByTwo.prefix(20))], npyLoad, "v.npy: truncated header"),
        .init("npy: header lies about N", ["v.npy": npy(shape: "(3, 2)", body: floats([1, 2, 3, 4]))], npyLoad, "v.npy: truncated: shape (3, 2) needs 24 bytes of data, the file has 16"),
        .init("npy: zero dimensions", ["v.npy": npy(shape: "(3, 0)", body: [])], npyLoad, "empty dataset: v.npy has 3 rows of 0 dimensions"),
        .init("npy: zero rows", ["v.npy": npy(shape: "(0, 4)", body: [])], npyLoad, "empty dataset: v.npy has no rows"),
        .init("npy: huge shape", ["v.npy": npy(shape: "(9223372036854775807, 9223372036854775807)", body: [])], npyLoad, "v.npy: shape (9223372036854775807, 9223372036854775807) is too large"),
        .init("npy: one-dimensional", ["v.npy": npy(shape: "(4,)", body: floats([1, 2, 3, 4]))], npyLoad, "v.npy: a 1-D array of 4 values (shape (4,)); Orrery reads 2-D arrays of points × dimensions: save x.reshape(-1, 1) for 4 points of one dimension, or x.reshape(1, -1) for one point"),
        .init("npy: integer dtype", ["v.npy": npy(descr: "<i4", shape: "(2, 2)", body: floats([1, 2, 3, 4]))], npyLoad, "v.npy: unsupported dtype '<i4'; Orrery reads little-endian float32 ('<f4') or float64 ('<f8')"),
        .init("npy: Fortran order", ["v.npy": npy(fortran: true, shape: "(2, 2)", body: floats([1, 2, 3, 4]))], npyLoad, "v.npy: Fortran-order arrays are not supported; save with C order"),
        .init("npy: NaN", ["v.npy": npy(shape: "(2, 2)", body: floats([1, .nan, 3, 4]))], npyLoad, "v.npy: row 0, column 1 is NaN or infinite"),
        .init("npy: infinity", ["v.npy": npy(shape: "(2, 2)", body: floats([1, 2, 3, -.infinity]))], npyLoad, "v.npy: row 1, column 1 is NaN or infinite"),
        .init("npy: extra bytes after the data", ["v.npy": twoByTwo + [0, 0, 0, 0]], npyLoad, "v.npy: shape (2, 2) needs 16 bytes of data, but the file has 20"),
        .init("npy: cut-off header", ["v.npy": [0x93] + text("NUMPY") + [1, 0, 54, 0] + text("{'descr': '<f4', 'fortran_order': Fal" + String(repeating: " ", count: 16) + "\n")], npyLoad, "v.npy: truncated header: the header dictionary (54 bytes) does not end with '}'"),
        .init("npy: bad fortran_order value", ["v.npy": twoByTwo.replacing(Array("False".utf8), with: Array("Maybe".utf8))], npyLoad, "v.npy: bad 'fortran_order' value 'Maybe' (expected True or False)"),
        .init("glove: byte-order mark", ["v.txt": [0xEF, 0xBB, 0xBF] + text("a 1 2\nb 3 4\n")], glove, "ok: 2 × 2, labels a|b"),
        .init("glove: byte-order mark before a header", ["v.txt": [0xEF, 0xBB, 0xBF] + text("2 2\na 1 2\nb 3 4\n")], glove, "ok: 2 × 2, labels a|b"),
        .init("glove: words with spaces (840B)", ["v.txt": text("the 1 2\n. . . 3 4\nat name@domain.com 5 6\n")], glove, "ok: 3 × 2, labels the|. . .|at name@domain.com"),
        .init("glove: a word with spaces on the first row", ["v.txt": text(". . . 1 2\nb 3 4\n")], glove, "ok: 2 × 2, labels . . .|b"),
        .init("glove: a number word is not a spaced word", ["v.txt": text("a 1 2\nb 3 4 5\n")], glove, "v.txt:2:7: line 2 has 3 values, expected 2"),
        .init("glove: a word that is a number", ["v.txt": text("1999 1 2\n2000 3 4\n")], glove, "ok: 2 × 2, labels 1999|2000"),
        .init("tsv: byte-order mark", ["v.tsv": [0xEF, 0xBB, 0xBF] + text("1\t2\n3\t4\n")], tsv, "ok: 2 × 2, labels 0|1"),
        .init("metadata: a header on one column", ["v.npy": twoByTwo, "m.tsv": text("word\na\nb\n")], npyWithMeta, "m.tsv has 3 rows but v.npy has 2: if its first line ('word') is a header, remove it; a metadata file with one column has no header row (the Projector's rule)"),
        .init("metadata: several columns without a header", ["v.npy": twoByTwo, "m.tsv": text("a\t1\nb\t2\n")], npyWithMeta, "m.tsv has 1 row but v.npy has 2: if its first line ('a\\t1') is data, add a header line above it; a metadata file with several columns starts with a header row (the Projector's rule)"),
        .init("metadata: byte-order mark", ["v.npy": twoByTwo, "m.tsv": [0xEF, 0xBB, 0xBF] + text("a\nb\n")], npyWithMeta, "ok: 2 × 2, labels a|b"),
        // metadata TSV
        .init("metadata: row-count mismatch", ["v.npy": twoByTwo, "m.tsv": text("a\nb\nc\n")], npyWithMeta, "m.tsv has 3 rows but v.npy has 2: if its first line ('a') is a header, remove it; a metadata file with one column has no header row (the Projector's rule)"),
        .init("metadata: empty file", ["v.npy": twoByTwo, "m.tsv": []], npyWithMeta, "empty dataset: m.tsv holds no metadata rows"),
        .init("metadata: non-UTF-8 label", ["v.npy": twoByTwo, "m.tsv": text("a\n") + [0xC3, 0x28, 0x0A]], npyWithMeta, "m.tsv:2: not UTF-8 text (bad byte at offset 2)"),
        .init("metadata: CRLF line ends", ["v.npy": twoByTwo, "m.tsv": text("word\tn\r\na\t1\r\nb\t2\r\n")], npyWithMeta, "ok: 2 × 2, labels a|b"),
        .init("metadata: ragged columns", ["v.npy": twoByTwo, "m.tsv": text("word\tn\na\t1\tx\nb\t2\n")], npyWithMeta, "m.tsv:2: 3 values, but the header has 2 columns"),
        .init("metadata: binary garbage", ["v.npy": twoByTwo, "m.tsv": [0, 1, 2, 0xFF, 0x0A, 0x0A]], npyWithMeta, "m.tsv:1: not UTF-8 text (bad byte at offset 3)"),
        // GloVe text
        .init("glove: empty file", ["v.txt": []], glove, "empty dataset: v.txt is empty"),
        .init("glove: ragged rows", ["v.txt": text("a 1 2 3\nb 4 5\n")], glove, "v.txt:2: line 2 has 2 values, expected 3"),
        .init("glove: NaN", ["v.txt": text("a 1 2\nb nan 5\n")], glove, "v.txt:2:3: 'nan' is NaN or infinite"),
        .init("glove: infinity", ["v.txt": text("a 1 2\nb 4 inf\n")], glove, "v.txt:2:5: 'inf' is NaN or infinite"),
        .init("glove: overflowing number", ["v.txt": text("a 1 2\nb 4 1e999\n")], glove, "v.txt:2:5: '1e999' is out of Float32 range"),
        .init("glove: binary garbage", ["v.txt": (0..<300).map { UInt8(($0 * 91 + 7) % 256) }], glove, "v.txt:1:1: the word is not UTF-8 text (bytes 07 62 bd 18 73 ce 29 84 df 3a 95 f0 4b a6 01 5c)"),
        .init("glove: header lies about N", ["v.txt": text("5 2\na 1 2\nb 3 4\n")], glove, "v.txt:1: the header says 5 rows but the file has 2"),
        .init("glove: header lies about D", ["v.txt": text("2 3\na 1 2\nb 3 4\n")], glove, "v.txt:2: line 2 has 2 values, expected 3 (the header on line 1 says 3)"),
        .init("glove: header with a huge dimension (fuzzer find)", ["v.txt": text("4 33131522185 \r\n")], glove, "v.txt:1: the header says 4 rows but the file has 0"),
        .init("glove: zero dimensions", ["v.txt": text("a\nb\n")], glove, "v.txt:1: line 1 has a word but no values"),
        .init("glove: non-UTF-8 word", ["v.txt": text("a 1 2\n") + [0xFF, 0xFE] + text(" 3 4\n")], glove, "v.txt:2:1: the word is not UTF-8 text (bytes ff fe)"),
        .init("glove: CRLF line ends", ["v.txt": text("a 1 2\r\nb 3 4\r\n")], glove, "ok: 2 × 2, labels a|b"),
        .init("glove: a word with no numbers in the middle", ["v.txt": text("a 1 2\nb\nc 3 4\n")], glove, "v.txt:2: line 2 has 0 values, expected 2"),
        // Projector tensor TSV
        .init("tsv: empty file", ["v.tsv": []], tsv, "empty dataset: v.tsv is empty"),
        .init("tsv: ragged rows", ["v.tsv": text("1\t2\n3\n")], tsv, "v.tsv:2: line 2 has 1 value, expected 2"),
        .init("tsv: text among numbers", ["v.tsv": text("1\t2\n3\tfour\n")], tsv, "v.tsv:2:3: 'four' is not a number"),
        .init("tsv: CRLF line ends", ["v.tsv": text("1\t2\r\n3\t4\r\n")], tsv, "ok: 2 × 2, labels 0|1"),
        // word2vec binary
        .init("word2vec: empty file", ["v.bin": []], w2v, "empty dataset: v.bin is empty"),
        .init("word2vec: truncated vector", ["v.bin": text("2 2\na ") + floats([1, 2]) + text("b ") + floats([3])], w2v, "v.bin: truncated: the header says 2 rows of 2 float32 values (at least 20 more bytes), but only 16 bytes follow it"),
        .init("word2vec: header lies about N", ["v.bin": text("3 2\na ") + floats([1, 2]) + text("b ") + floats([3, 4])], w2v, "v.bin: truncated: the header says 3 rows of 2 float32 values (at least 30 more bytes), but only 20 bytes follow it"),
        .init("word2vec: no header", ["v.bin": floats([1, 2, 3, 4])], w2v, "v.bin:1: no 'N D' header line (expected two numbers then a newline at the start of a word2vec binary file)"),
        .init("word2vec: absurd header", ["v.bin": text("999999999999 999999999999\na ")], w2v, "v.bin:1: bad header '999999999999 999999999999': expected 'N D' (rows and dimensions, positive integers)"),
        .init("word2vec: huge header", ["v.bin": text("1099511627775 268435455\na ")], w2v,
              "v.bin: truncated: the header says 1099511627775 rows of 268435455 float32 values (at least 9223372036854775807 more bytes), but only 2 bytes follow it"),
        // loader.checkpoint: the TF1 fixture TensorFlow wrote, damaged.
        .init("checkpoint: wrong magic number", ckpt(index: { $0[$0.count - 1] ^= 0xFF }), checkpointLoad, "model.ckpt-1.index: wrong magic number 0x244775248b80fb57 at byte 241 (a table ends with 0xdb4775248b80fb57); the file is not a TensorFlow checkpoint index, or it was cut short"),
        .init("checkpoint: truncated .index", ckpt(index: { $0.removeLast(20) }), checkpointLoad, "model.ckpt-1.index: wrong magic number 0x0 at byte 221 (a table ends with 0xdb4775248b80fb57); the file is not a TensorFlow checkpoint index, or it was cut short"),
        .init("checkpoint: truncated data shard", ckpt(data: { $0.removeLast($0.count - 200) }), checkpointLoad, "model.ckpt-1.data-00000-of-00001: truncated: tensor 'word_embedding' needs bytes 8..<248, but the shard has 200; the file was cut short"),
        .init("checkpoint: CRC mismatch in the data", ckpt(data: { $0[100] ^= 0x01 }), checkpointLoad, "model.ckpt-1.data-00000-of-00001: CRC mismatch for tensor 'word_embedding' (bytes 8..<248): the data file is damaged or does not belong to this index"),
        .init("checkpoint: an unknown tensor", ckpt(), "uses: loader.checkpoint\n    with: { path: model.ckpt-1, tensor: word_embeding }", "invalid value for 'tensor': no tensor 'word_embeding' in model.ckpt-1; its 2-D tensors, closest first: 'word_embedding' (12 × 5)"),
        .init("checkpoint: no data shard", ckpt().filter { !$0.key.contains(".data-") }, checkpointLoad, "no such file: model.ckpt-1.data-00000-of-00001 (data shard 1 of 1 of checkpoint model.ckpt-1; copy every model.ckpt-1.data-* file with the .index)"),
        // loader.safetensors
        .init("safetensors: header longer than the file", ["m.safetensors": safetensors(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, body: 16, declared: 4096)], safetensorsLoad, "m.safetensors: the header length says 4096 bytes, but the file has only 73 after it; the file was cut short or is not a safetensors file"),
        .init("safetensors: overlapping offsets", ["m.safetensors": safetensors(#"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]}}"#, body: 24)], safetensorsLoad, "m.safetensors: the data of tensors 'a' [0, 16) and 'w' [8, 24) overlap"),
        .init("safetensors: data beyond the file", ["m.safetensors": safetensors(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, body: 8)], safetensorsLoad, "m.safetensors: tensor 'w' has data_offsets [0, 16], outside the 8 bytes of data after the header"),
        .init("safetensors: an unsupported dtype", ["m.safetensors": safetensors(#"{"w":{"dtype":"I64","shape":[2,2],"data_offsets":[0,32]}}"#, body: 32)], safetensorsLoad, "m.safetensors: tensor 'w' has dtype I64, which Orrery does not load; it reads F32, F64, F16 and BF16 tensors"),
        .init("safetensors: a 3-D tensor", ["m.safetensors": safetensors(#"{"w":{"dtype":"F32","shape":[1,2,2],"data_offsets":[0,16]}}"#, body: 16)], safetensorsLoad, "tensor 'w' in m.safetensors has shape 1 × 2 × 2 (3-D), but an embedding is a 2-D tensor (rows × dimensions); m.safetensors holds no 2-D tensor"),
        .init("safetensors: a huge header length", ["m.safetensors": safetensors("{}", body: 0, declared: UInt64.max)], safetensorsLoad, "m.safetensors: the header length says 18446744073709551615 bytes, but the file has only 2 after it; the file was cut short or is not a safetensors file"),
        .init("safetensors: a shape whose size overflows", ["m.safetensors": safetensors(#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}"#, body: 16)], safetensorsLoad, "m.safetensors: tensor 'w' has no shape: expected a list of non-negative whole numbers (each below 9e15)"),
        .init("safetensors: fewer tokens than rows", ["m.safetensors": safetensors(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, body: 16), "vocab.txt": text("one\n")], "uses: loader.safetensors\n    with: { path: m.safetensors, tensor: w, vocab: vocab.txt }", "vocab.txt has 1 tokens but tensor 'w' has 2 rows; token i labels row i, so the counts must be equal (is it the vocabulary of this model?)"),
        .init("missing file", [:], glove, "no such file: v.txt"),
    ]

    @Test(arguments: dataCases)
    func brokenDataIsReportedExactly(_ c: DataCase) async throws {
        let folder = Fixtures.temporaryDirectory()
        for (name, bytes) in c.files { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
        let path = folder.appendingPathComponent("w.yaml").path
        try "orrery: 1\nname: d\nsteps:\n  load:\n    \(c.step)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let message: String
        do {
            let plan = try WorkflowPlan.load(path: path, registry: .builtIn).get()
            let outcome = try await Runner(registry: .builtIn).run(plan, options: .init(outputDirectory: folder))
            guard case .embedding(let e)? = outcome.values["load"] else { throw OrreryError.missingInput("load") }
            message = "ok: \(e.count) × \(e.dimensions), labels " + (0..<e.count).map(e.label).joined(separator: "|")
        } catch let failure as StepFailure {
            message = "\(failure.error)".replacingOccurrences(of: folder.path + "/", with: "")
        }
        #expect(message == c.expected, "\(c.name)")
        // A loader that fails (or succeeds) leaves nothing behind in the output folder (the data's
        // folder here): no partial file, no temporary.
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(left == Set(c.files.keys).union(["w.yaml"]), "\(c.name) left \(left.subtracting(c.files.keys).subtracting(["w.yaml"]).sorted())")
        try Self.dump(c.name, message)
    }

    /// With CATALOGUE_DUMP=file, appends each case's name and message to the file (JSON lines).
    static func dump(_ name: String, _ message: String) throws {
        guard let dump = ProcessInfo.processInfo.environment["CATALOGUE_DUMP"] else { return }
        let line = try String(data: JSONSerialization.data(withJSONObject: [name, message]), encoding: .utf8) ?? ""
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: dump)); h.seekToEndOfFile(); h.write(Data((line + "\n").utf8)); try h.close()
    }

    // MARK: Runs

    /// A workflow that validates, then runs: the failure (with its place) or the warnings and
    /// notices a person sees, and a check that nothing was written outside the output folder.
    struct RunCase: Sendable, CustomTestStringConvertible {
        var name: String
        var files: [String: [UInt8]]
        var steps: String
        var overrides: [String]
        var expected: String
        var testDescription: String { name }

        init(_ name: String, _ files: [String: [UInt8]], _ steps: String, overrides: [String] = [], _ expected: String) {
            self.name = name
            self.files = files
            self.steps = steps
            self.overrides = overrides
            self.expected = expected
        }
    }

    static let words = npy(shape: "(4, 3)", body: floats([1, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0]))
    static let wordsMeta = text("good\nbad\nbest\nnothing\n")
    static let loadWords = "  load:\n    uses: loader.npy\n    with: { path: v.npy, metadata: m.tsv }\n"

    /// A metric process plugin whose lists name row 2³¹ − 1 (int32 indices, float32 distances,
    /// .npy files written by hand).
    static let farPlugin = """
        import struct
        def npy(values, rows, columns, kind):
            d = "{'descr': '<%s4', 'fortran_order': False, 'shape': (%d, %d), }" % (kind, rows, columns)
            d += " " * (63 - (10 + len(d)) % 64) + "\\n"
            return b"\\x93NUMPY\\x01\\x00" + struct.pack("<H", len(d)) + d.encode() + struct.pack("<%d%s" % (len(values), kind), *values)
        open("indices.npy", "wb").write(npy([2147483647, 0, 1, 2], 4, 1, "i"))
        open("distances.npy", "wb").write(npy([0.5] * 4, 4, 1, "f"))

        """

    static let runCases: [RunCase] = [
        .init("custom axis from a word to itself", ["v.npy": words, "m.tsv": wordsMeta],
              loadWords + "  axis:\n    uses: reducer.custom-axis\n    from: load\n    with: { x: { from: good, to: good } }\n", "w.yaml:10:34: error: invalid value for 'x.to': is the same term as x.from ('good'): the axis would be zero for every point; name two different ends\n    with: { x: { from: good, to: good } }\n                                 ^\n1 error found"),
        .init("custom axis between two terms for one point", ["v.npy": words, "m.tsv": wordsMeta],
              loadWords + "  axis:\n    uses: reducer.custom-axis\n    from: load\n    with: { x: { from: good, to: /^good$/ } }\n", "w.yaml:10:16: error: step 'axis' (reducer.custom-axis) failed: invalid value for 'x': 'from' (good) and 'to' (/^good$/) have the same centroid, so the axis has no direction and every coordinate on it would be 0; choose two different points or sets\n    with: { x: { from: good, to: /^good$/ } }\n               ^"),
        .init("custom axis with y along x from other terms", ["v.npy": words, "m.tsv": wordsMeta],
              loadWords + "  axis:\n    uses: reducer.custom-axis\n    from: load\n    with: { x: { from: bad, to: good }, y: { from: /^bad$/, to: /^good$/ } }\n", "w.yaml:10:44: error: step 'axis' (reducer.custom-axis) failed: invalid value for 'y': the y axis points along the x axis (cosine 1.000), so every point would fall on one line; choose a y axis with other points or sets\n    with: { x: { from: bad, to: good }, y: { from: /^bad$/, to: /^good$/ } }\n                                           ^"),
        .init("custom axis with y equal to x", ["v.npy": words, "m.tsv": wordsMeta],
              loadWords + "  axis:\n    uses: reducer.custom-axis\n    from: load\n    with: { x: { from: bad, to: good }, y: { from: bad, to: good } }\n", "w.yaml:10:44: error: invalid value for 'y': is the same axis as x: the layout would be a line; give y other ends, or 'random'\n    with: { x: { from: bad, to: good }, y: { from: bad, to: good } }\n                                           ^\n1 error found"),
        .init("custom axis with y the reverse of x", ["v.npy": words, "m.tsv": wordsMeta],
              loadWords + "  axis:\n    uses: reducer.custom-axis\n    from: load\n    with: { x: { from: bad, to: good }, y: { from: good, to: bad } }\n", "w.yaml:10:44: error: step 'axis' (reducer.custom-axis) failed: invalid value for 'y': the y axis points along the x axis (cosine -1.000), so every point would fall on one line; choose a y axis with other points or sets\n    with: { x: { from: bad, to: good }, y: { from: good, to: bad } }\n                                           ^"),
        .init("PCA of identical points", ["v.npy": npy(shape: "(3, 2)", body: floats([1, 2, 1, 2, 1, 2]))],
              "  load:\n    uses: loader.npy\n    with: { path: v.npy }\n  pca:\n    uses: reducer.pca\n    from: load\n    with: { components: 2, quality: false }\n", "w.yaml:7:3: error: step 'pca' (reducer.pca) failed: every point has the same vector (total variance 0), so PCA has no direction to project on\n  pca:\n  ^"),
        .init("PCA of points on a line", ["v.npy": npy(shape: "(3, 3)", body: floats([1, 1, 5, 2, 2, 5, 3, 3, 5]))],
              "  load:\n    uses: loader.npy\n    with: { path: v.npy }\n  pca:\n    uses: reducer.pca\n    from: load\n    with: { components: 2, quality: false }\n", "warning: pca: only 1 of 2 components carry variance (the points span 1 dimension); pca-1… are 0 for every point"),
        .init("zero vectors under cosine", ["v.npy": words, "m.tsv": wordsMeta],
              loadWords + "  near:\n    uses: metric.cosine\n    from: load\n    with: { k: 2 }\n", "warning: near: 1 point is a zero vector (first: 'nothing'); cosine gives it no direction: equally far from every point, with arbitrary neighbours"),
        .init("an exporter into a symbolic link out of the output folder", ["v.npy": twoByTwo],
              npyStep + "  proj:\n    uses: exporter.projector\n    from: load\n    with: { path: escape }\n", "w.yaml:7:3: error: step 'proj' (exporter.projector) failed: refusing to write 'escape/v_tensors.tsv': 'escape' is a symbolic link to OUTSIDE, outside the output folder\n  proj:\n  ^"),
        .init("an exporter through a file", ["v.npy": twoByTwo],
              npyStep + "  t:\n    uses: exporter.tsv\n    from: load\n    with: { path: plain/x.tsv }\n", "w.yaml:7:3: error: step 't' (exporter.tsv) failed: refusing to write 'plain/x.tsv': 'plain' is a file, not a folder\n  t:\n  ^"),
        .init("an exporter onto a folder", ["v.npy": twoByTwo],
              npyStep + "  t:\n    uses: exporter.tsv\n    from: load\n    with: { path: folder }\n", "w.yaml:7:3: error: step 't' (exporter.tsv) failed: refusing to write 'folder': it is a folder; name a file\n  t:\n  ^"),
        // Issue 11 §3: a count beyond the data is bounded by the data, with a word.
        .init("k beyond the points (metric)", ["v.npy": words, "m.tsv": wordsMeta],
              loadWords + "  near:\n    uses: metric.cosine\n    from: load\n    with: { queries: [good], k: 100000 }\n", "warning: near: 1 point is a zero vector (first: 'nothing'); cosine gives it no direction: equally far from every point, with arbitrary neighbours\nwarning: near: k = 100000 is more than the 3 other points; using k = 3"),
        .init("k beyond the points (selector.neighbors)", ["v.npy": words, "m.tsv": wordsMeta],
              loadWords + "  near:\n    uses: selector.neighbors\n    from: load\n    with: { of: good, k: 100000 }\n", "warning: near: k = 100000 is more than the 3 other points; using k = 3"),
        .init("count beyond the points (selector.head)", ["v.npy": words, "m.tsv": wordsMeta],
              loadWords + "  top:\n    uses: selector.head\n    from: load\n    with: { count: 100000 }\n", ""),
        .init("count beyond the points (selector.sample)", ["v.npy": words, "m.tsv": wordsMeta],
              loadWords + "  some:\n    uses: selector.sample\n    from: load\n    with: { count: 100000 }\n", "w.yaml:10:20: error: step 'some' (selector.sample) failed: invalid value for 'count': 100000 points asked of an input of 4\n    with: { count: 100000 }\n                   ^"),
        // Found while writing the manifest fuzz target: hashing a `run:` argument that is a device or a pipe never
        // ended (reading /dev/zero to its end); only regular files are program files now.
        .init("a plugin manifest whose run: names /dev/zero", ["z.orrery-plugin.yaml": text("orrery-plugin: 1\nid: loader.zero\nkind: loader\nversion: \"1\"\nsummary: zero\nrun: [/dev/zero]\n")],
              "  zero:\n    uses: loader.zero\nplugins: [z.orrery-plugin.yaml]\n", "w.yaml:4:3: error: step 'zero' (loader.zero) failed: loader.zero: program '/dev/zero' is not executable (chmod +x it, or name its interpreter in 'run:')\n  zero:\n  ^"),
        // Found by FuzzProcessOutput (then as float32 indices, 1e30 trapped in Int(_:)); indices are
        // int32/int64 now, and a row that does not exist is refused.
        .init("a metric plugin's indices.npy holds a value that is no row number", ["v.npy": words, "m.tsv": wordsMeta,
               "far.orrery-plugin.yaml": text("orrery-plugin: 1\nid: metric.far\nkind: metric\nversion: \"1\"\nsummary: far\nrun: [python3, far.py]\n"),
               "far.py": text(farPlugin)],
              loadWords + "  near:\n    uses: metric.far\n    from: load\nplugins: [far.orrery-plugin.yaml]\n",
              "w.yaml:7:3: error: step 'near' (metric.far) failed: metric.far: cannot use its 'indices.npy': row 0, column 0 is 2147483647, outside 0..<4 (use -1 for no neighbour)\n  near:\n  ^"),
        .init("--set: a value of the wrong type", ["v.npy": twoByTwo],
              npyStep + "  head:\n    uses: selector.head\n    from: load\n", overrides: ["head.count=many"], "--set:1:12: error: parameter 'count' expects an integer, found a string\nhead.count=many\n           ^\n1 error found"),
        .init("--set: an empty value", ["v.npy": twoByTwo],
              npyStep + "  head:\n    uses: selector.head\n    from: load\n", overrides: ["head.count="], "--set:1:12: error: invalid --set: 'head.count=' has no value after '='; to use the default, leave the parameter out\nhead.count=\n           ^\n1 error found"),
        .init("--set: an exponent for an integer", ["v.npy": twoByTwo],
              npyStep + "  head:\n    uses: selector.head\n    from: load\n", overrides: ["head.count=2", "head.count=1e3"], "--set:2:12: error: parameter 'count' expects an integer, found 1e3, which is not an integer literal (write 1000)\nhead.count=1e3\n           ^\n1 error found"),
        .init("--set: a path out of the output folder", ["v.npy": twoByTwo],
              npyStep + "  t:\n    uses: exporter.tsv\n    from: load\n    with: { path: x.tsv }\n", overrides: ["t.path=../x.tsv"], "--set:1:8: error: invalid value for 'path': goes up with '..'; exporter paths must stay inside the output folder\nt.path=../x.tsv\n       ^\n1 error found"),
        .init("--set: no step", ["v.npy": twoByTwo], npyStep, overrides: ["laod.path=v.npy"], "--set:1:1: error: invalid --set: no step 'laod'; did you mean 'load'?\nlaod.path=v.npy\n^\n1 error found"),
        .init("--set: no parameter", ["v.npy": twoByTwo], npyStep, overrides: ["load=v.npy"], "--set:1:1: error: invalid --set: 'load=v.npy' needs step.parameter before '='\nload=v.npy\n^\n1 error found"),
    ]

    @Test(arguments: runCases)
    func brokenRunsAreReportedExactly(_ c: RunCase) async throws {
        let base = Fixtures.temporaryDirectory()
        let folder = base.appendingPathComponent("w"), output = base.appendingPathComponent("out")
        let outside = base.appendingPathComponent("outside")
        let fm = FileManager.default
        for dir in [folder, output.appendingPathComponent("folder"), outside] {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        try fm.createSymbolicLink(atPath: output.appendingPathComponent("escape").path, withDestinationPath: outside.path)
        try Data("plain".utf8).write(to: output.appendingPathComponent("plain"))
        for (name, bytes) in c.files { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
        let path = folder.appendingPathComponent("w.yaml").path
        try ("orrery: 1\nname: r\nsteps:\n" + c.steps).write(toFile: path, atomically: true, encoding: .utf8)
        var lines: [String] = []
        let log = WarningLog()
        // The built-ins plus the process plugins a workflow's `plugins:` names, as `orrery run` has them.
        let registry = try ProcessPluginCatalog.registry(base: .builtIn, workflowPath: path, environment: [:]).get()
        switch WorkflowPlan.load(path: path, overrides: c.overrides, registry: registry) {
        case .failure(let d): lines.append(d.description)
        case .success(let plan):
            do {
                _ = try await Runner(registry: registry).run(plan, options: .init(outputDirectory: output, events: log.record))
            } catch {
                lines.append("\(error)")
            }
            for event in log.all {
                if case .warning(let step, let m) = event { lines.append("warning: \(step): \(m)") }
                if case .notice(let m) = event { lines.append("notice: \(m)") }
                if case .stepCancelled(let step, _) = event { lines.append("cancelled: \(step)") }
            }
        }
        let message = lines.joined(separator: "\n").replacingOccurrences(of: folder.path + "/", with: "")
            .replacingOccurrences(of: URL(fileURLWithPath: outside.path).resolvingSymlinksInPath().path, with: "OUTSIDE")
        #expect(message == c.expected, "\(c.name)")
        #expect(try fm.contentsOfDirectory(atPath: outside.path).isEmpty, "\(c.name) wrote outside the output folder")
        #expect(!fm.fileExists(atPath: base.appendingPathComponent("x.tsv").path))
        try Self.dump(c.name, message)
    }
}
