/// The files `orrery plugin new KIND.NAME --python DIR` writes: a manifest and a script that run
/// and pass `orrery plugin check` as written (a reducer keeps the first `dims` columns, scaled by
/// a seeded random sign per column, so the seed visibly reaches it).
public enum PluginScaffold {
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case badID(String)
        case unsupportedKind(String)
        public var description: String {
            switch self {
            case .badID(let id): return "'\(id)' is not KIND.NAME (e.g. reducer.my-method)"
            case .unsupportedKind(let k): return "--python scaffolds reducers and selectors for now, not '\(k)'"
            }
        }
    }

    /// (file name, contents) pairs for a Python plugin `id`.
    public static func python(id: String) throws(Problem) -> [(name: String, contents: String)] {
        let parts = id.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty, let kind = PluginKind(rawValue: parts[0]) else { throw .badID(id) }
        let name = parts[1]
        let script = name.replacingOccurrences(of: "-", with: "_") + ".py"
        switch kind {
        case .reducer:
            return [
                (name + PluginManifest.fileSuffix, """
                orrery-plugin: 1
                id: \(id)
                kind: reducer
                version: "1"
                summary: the first DIMS columns, each with a seeded random sign (replace with your method)
                parameters:
                  dims:
                    type: integer
                    default: 2
                    help: output dimensions
                    minimum: 1
                uses-seed: true
                run: [python3, \(script)]
                timeout: 300

                """),
                (script, """
                \"\"\"\(id): an Orrery process plugin (protocol: docs/plugins.md).\"\"\"
                import json
                import sys

                import numpy as np

                request = json.load(open(sys.argv[1]))
                dims = request["parameters"]["dims"]
                x = np.load(request["inputs"]["input"][0]["vectors"])
                if not np.isfinite(x).all():
                    sys.exit("\(id): the input has NaN or infinite values")
                rng = np.random.default_rng(request["seed"])
                y = np.zeros((x.shape[0], dims), dtype=np.float32)
                k = min(dims, x.shape[1])
                y[:, :k] = x[:, :k] * rng.choice([-1.0, 1.0], size=k)
                print("progress 1/1 done", flush=True)
                np.save(request["output"]["vectors"], y.astype(np.float32))
                json.dump([f"\(name)-{i}" for i in range(dims)], open(request["output"]["axes"], "w"))

                """),
            ]
        case .selector:
            return [
                (name + PluginManifest.fileSuffix, """
                orrery-plugin: 1
                id: \(id)
                kind: selector
                version: "1"
                summary: the first COUNT points (replace with your rule)
                parameters:
                  count:
                    type: integer
                    default: 10
                    help: how many points to keep
                    minimum: 0
                run: [python3, \(script)]

                """),
                (script, """
                \"\"\"\(id): an Orrery process plugin (protocol: docs/plugins.md).\"\"\"
                import json
                import sys

                request = json.load(open(sys.argv[1]))
                n = request["inputs"]["input"][0]["rows"]
                json.dump(list(range(min(n, request["parameters"]["count"]))), open(request["output"]["rows"], "w"))

                """),
            ]
        default:
            throw .unsupportedKind(kind.rawValue)
        }
    }
}
