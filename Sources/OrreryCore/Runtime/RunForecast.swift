import Foundation

/// What `orrery run --dry-run` shows: for each step, in workflow order, whether it would run or
/// be loaded from the cache, and why.
public struct RunForecast: Sendable {
    public struct Entry: Sendable, Equatable {
        public var step: String
        public var plugin: String
        public var runs: Bool
        /// Why it runs (`forced`, `parameter changed: k`, `input file changed: …`, `input step 'x'
        /// re-runs`, `no cache entry`), or `cached`.
        public var reason: String
    }

    public var entries: [Entry]

    /// Looks every step up in `cache` without running or changing anything. `previous` (the
    /// output folder's run record) lets a missing entry be explained by what changed since.
    public static func make(_ plan: WorkflowPlan, cache: StepCache?, force: Set<String>, outputDirectory: URL,
                            previous: RunRecord?) -> RunForecast {
        var entries: [Entry] = []
        var keys: [String: String] = [:]
        var runs: Set<String> = []
        for planned in plan.steps {
            let seed = planned.step.seed ?? plan.workflow.seed
            func entry(_ runs: Bool, _ reason: String) -> Entry {
                Entry(step: planned.id, plugin: planned.descriptor.id, runs: runs, reason: reason)
            }
            if force.contains(planned.id) {
                runs.insert(planned.id)
                entries.append(entry(true, "forced"))
                continue
            }
            if let rerun = planned.dependencies.first(where: { runs.contains($0) }) {
                runs.insert(planned.id)
                entries.append(entry(true, "input step '\(rerun)' re-runs"))
                continue
            }
            guard let cache else {
                runs.insert(planned.id)
                entries.append(entry(true, "no cache"))
                continue
            }
            let inputKeys = planned.bindings.flatMap { b in
                b.steps.map { RunRecord.InputRecord(port: b.port, step: $0, key: keys[$0] ?? "") }
            }
            let preKey = StepKey.preKey(planned, seed: seed, inputKeys: inputKeys, inputDirectory: plan.workflow.directory)
            switch cache.lookup(preKey: preKey, outputDirectory: outputDirectory, readOnly: true) {
            case .hit(let hit):
                keys[planned.id] = hit.key
                entries.append(entry(false, "cached"))
            case .miss(let reason):
                runs.insert(planned.id)
                var why = reason.description
                if reason == .neverRan, let old = previous?.step(planned.id) {
                    why = explain(planned, seed: seed, inputKeys: inputKeys, old: old) ?? why
                }
                if case .corrupt(let r) = reason { why = "cache entry is damaged (\(r))" }
                entries.append(entry(true, why))
            }
        }
        return RunForecast(entries: entries)
    }

    /// What differs from the recorded run of the same step, if anything explains a new pre-key.
    private static func explain(_ planned: PlannedStep, seed: UInt64, inputKeys: [RunRecord.InputRecord],
                                old: RunRecord.StepRecord) -> String? {
        if old.plugin != planned.descriptor.id { return "plugin changed: \(old.plugin) → \(planned.descriptor.id)" }
        if old.version != planned.descriptor.version {
            return "plugin version changed: \(old.version) → \(planned.descriptor.version)"
        }
        let now = JSONValue(parsing: planned.prepared.canonicalParameters) ?? .null
        if now != old.parameters {
            if case .object(let a) = old.parameters, case .object(let b) = now {
                let changed = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
                return (changed.count == 1 ? "parameter changed: " : "parameters changed: ") + changed.joined(separator: ", ")
            }
            return "parameters changed"
        }
        if old.seed != seed { return "seed changed: \(old.seed) → \(seed)" }
        if old.inputs != inputKeys {
            if let changed = zip(old.inputs, inputKeys).first(where: { $0.0 != $0.1 }) {
                return "input step '\(changed.1.step)' changed"
            }
            return "inputs changed"
        }
        return nil
    }

    /// The dry-run listing: `run   step  plugin  reason` / `cached step  plugin`.
    public var text: String {
        let idWidth = entries.map(\.step.count).max() ?? 0
        let pluginWidth = entries.map(\.plugin.count).max() ?? 0
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        var lines = entries.map { e in
            e.runs ? "run     " + pad(e.step, idWidth) + "  " + pad(e.plugin, pluginWidth) + "  " + e.reason
                : "cached  " + pad(e.step, idWidth) + "  " + e.plugin
        }
        let n = entries.filter(\.runs).count
        lines.append("\(n) of \(entries.count) steps would run; \(entries.count - n) cached")
        return lines.joined(separator: "\n")
    }
}

extension WorkflowPlan {
    /// `ids` and every step that depends on one of them, directly or not.
    public func withDependants(_ ids: Set<String>) -> Set<String> {
        var out = ids
        for planned in steps where planned.dependencies.contains(where: out.contains) { out.insert(planned.id) }
        return out
    }

    /// The ids of the combinations of the swept step `id` (its `matrix:`), in matrix order; empty
    /// when `id` is not a swept step.
    public func combinations(of id: String) -> [String] {
        workflow.steps.filter { $0.sweep?.base == id }.map(\.id)
    }
}
