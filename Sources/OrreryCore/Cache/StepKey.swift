import Foundation

/// The part of a step's cache key known before it runs: what it is, how it is configured, where
/// its relative paths point, and the keys of its inputs in port order. The files it reads are
/// added by `StepCache` (from the manifest of its last run, or from what it read this time).
public enum StepKey {
    public static func preKey(_ planned: PlannedStep, seed: UInt64, inputKeys: [RunRecord.InputRecord],
                              inputDirectory: URL) -> String {
        var parts = ["orrery-step-1", planned.descriptor.id, planned.descriptor.version,
                     planned.prepared.canonicalParameters, String(seed), inputDirectory.standardizedFileURL.path]
        for input in inputKeys { parts += [input.port, input.key] }
        return ContentHash.combining(parts)
    }
}
