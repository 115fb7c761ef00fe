/// Checks that no two exporters claim the same file, before any step runs: it would flip between
/// them on every run, and the cache would re-run one of them every time. (Whether each path is a
/// valid output path is the `.outputPath` constraint's job, at decoding.)
///
/// The claimed files are the values of the parameters declared `.outputPath`, read from the
/// step's decoded parameters so that defaults count too (two `exporter.bookmarks` steps both
/// default to `bookmarks.txt`).
enum OutputPathValidator {
    struct Claim {
        var step: String
        /// The path without `.` and empty parts: what is compared.
        var normalised: String
    }

    /// The parameters of `descriptor` that name a file (or folder) the step writes.
    static func outputParameters(_ descriptor: PluginDescriptor) -> [String] {
        descriptor.parameters.filter { $0.constraints.contains(ParameterConstraint.outputPath.summary) }.map(\.name)
    }

    static func diagnostics(_ steps: [PlannedStep], source: YAMLSource) -> [Diagnostic] {
        var diags: [Diagnostic] = []
        var claims: [Claim] = []
        for planned in steps {
            let keys = outputParameters(planned.descriptor)
            guard !keys.isEmpty,
                  case .object(let parameters)? = JSONValue(parsing: planned.prepared.canonicalParameters) else { continue }
            for key in keys {
                guard case .string(let path)? = parameters[key], OutputPath.problem(path) == nil else { continue }
                let location = planned.step.parameters[key]?.value.location ?? planned.step.location
                let normalised = OutputPath.components(path).joined(separator: "/")
                if let first = claims.first(where: { $0.normalised == normalised }) {
                    diags.append(source.diagnostic(.sharedOutput(path: path, first: first.step, second: planned.id), at: location))
                } else {
                    claims.append(Claim(step: planned.id, normalised: normalised))
                }
            }
        }
        return diags
    }
}
