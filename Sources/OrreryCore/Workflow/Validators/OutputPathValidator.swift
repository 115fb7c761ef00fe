/// Checks the files exporters will write, before any step runs: each path must be a valid output
/// path (`OutputPath.problem`), and no two exporters may claim the same file — it would flip
/// between them on every run, and the cache would re-run one of them every time.
///
/// Which parameters are output paths: an exporter's `path` and `metadata` (the only parameters of
/// the built-in exporters that name files they write), read from the step's decoded parameters so
/// that defaults count too (two `exporter.bookmarks` steps both default to `bookmarks.txt`). When
/// parameters declare `.outputPath`, that declaration should replace the `claimedKeys` list.
enum OutputPathValidator {
    /// The parameters of an exporter that name a file (or folder) it writes.
    static let claimedKeys = ["path", "metadata"]

    struct Claim {
        var step: WorkflowStep
        var key: String
        var path: String
        /// The path without `.` and empty parts: what is compared.
        var normalised: String
    }

    static func diagnostics(_ steps: [PlannedStep], source: YAMLSource) -> [Diagnostic] {
        var diags: [Diagnostic] = []
        var claims: [Claim] = []
        for planned in steps where planned.descriptor.kind == .exporter {
            guard case .object(let parameters)? = JSONValue(parsing: planned.prepared.canonicalParameters) else { continue }
            for key in claimedKeys {
                guard case .string(let path)? = parameters[key] else { continue }
                let location = planned.step.parameters[key]?.value.location ?? planned.step.location
                if let problem = OutputPath.problem(path) {
                    diags.append(source.diagnostic(.invalidValue(parameter: key, reason: "'\(path)' \(problem)"), at: location))
                    continue
                }
                let normalised = OutputPath.components(path).joined(separator: "/")
                if let first = claims.first(where: { $0.normalised == normalised }) {
                    diags.append(source.diagnostic(
                        .sharedOutput(path: path, first: first.step.id, second: planned.id), at: location))
                } else {
                    claims.append(Claim(step: planned.step, key: key, path: path, normalised: normalised))
                }
            }
        }
        return diags
    }
}
