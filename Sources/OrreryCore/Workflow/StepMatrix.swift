import Foundation

/// A step's `matrix:` (GitHub Actions' `strategy.matrix`): parameter keys, each with a list of
/// values; the step runs once per combination.
///
/// The loader expands a swept step into one `WorkflowStep` per combination, before parameters are
/// validated, so each combination is decoded, validated, cached and recorded on its own. Its id is
/// the swept step's id followed by the combination in brackets, `tsne[perplexity=5,seed=1]`:
/// keys in matrix order, values as written. A value whose text is not made only of letters,
/// digits and `.`, `-`, `+`, `_` is named by its 1-based place in its list (`x=#2`), so that an
/// id never holds a space, a comma, a bracket or a quote. Such ids are valid as `from:` entries
/// (quote them inside a flow list), `--force` values, `--set` targets (`--set
/// 'tsne[perplexity=5,seed=1].iterations=300'`), lock-file keys, and Mermaid/DOT nodes (both
/// renderers escape or quote ids). `--set tsne.KEY=V` on the swept id sets KEY in every combination.
///
/// Combinations are ordered with the first key slowest (GitHub's order), and a step whose `from:`
/// names the swept step receives every combination's result in that order.
public struct StepMatrix: Sendable, Equatable {
    /// One key and its values, with the places they were written.
    public struct Axis: Sendable, Equatable {
        public var key: String
        public var keyLocation: SourceLocation
        public var values: [ConfigNode]
    }

    public var axes: [Axis]
    /// Where `matrix:` is written.
    public var location: SourceLocation

    /// The most combinations one step may have.
    public static let maximumCombinations = 256

    /// The number of combinations (the product of the list lengths).
    public var count: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// Every combination, first key slowest: for each, the index into each axis's values.
    public var combinations: [[Int]] {
        var result: [[Int]] = [[]]
        for axis in axes {
            result = result.flatMap { prefix in axis.values.indices.map { prefix + [$0] } }
        }
        return result
    }

    /// The id of a combination: `base[key=value,…]`.
    public func id(base: String, combination: [Int]) -> String {
        let parts = zip(axes, combination).map { axis, i in "\(axis.key)=\(Self.idText(axis.values[i], index: i))" }
        return base + "[" + parts.joined(separator: ",") + "]"
    }

    /// A value as it appears in an id: its text when that is id-safe, `#N` (1-based) otherwise.
    static func idText(_ value: ConfigNode, index: Int) -> String {
        if let s = value.scalarValue, !s.isEmpty,
           s.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ".-+_".unicodeScalars.contains($0)) }) {
            return s
        }
        return "#\(index + 1)"
    }

    /// Reads `node` (the value of `matrix:`), reporting every problem; nil when unusable.
    static func parse(_ node: ConfigNode, step: String, with parameters: ConfigNode, seed: ConfigEntry?,
                      report: (WorkflowProblem, SourceLocation?) -> Void) -> StepMatrix? {
        guard case .mapping(let entries, let location) = node else {
            report(.expected(what: "a mapping of parameter keys to lists of values", found: node.kindName), node.location)
            return nil
        }
        if entries.isEmpty {
            report(.emptyMatrix(step: step, key: nil), location)
            return nil
        }
        var axes: [Axis] = []
        var usable = true
        for entry in entries {
            if let given = parameters[entry.key] {
                report(.matrixConflict(key: entry.key, step: step, line: given.keyLocation.line), entry.keyLocation)
                usable = false
            }
            if entry.key == "seed", let seed {
                report(.matrixConflict(key: "seed", step: step, line: seed.keyLocation.line), entry.keyLocation)
                usable = false
            }
            guard case .sequence(let items, let l) = entry.value else {
                report(.expected(what: "a list of values for '\(entry.key)' (e.g. [5, 30, 50])", found: entry.value.kindName),
                       entry.value.location)
                usable = false
                continue
            }
            if items.isEmpty {
                report(.emptyMatrix(step: step, key: entry.key), l)
                usable = false
            }
            for item in items where item.scalarValue == nil || item.isNull {
                report(.expected(what: "a value (a number, word or boolean) in the matrix list of '\(entry.key)'",
                                 found: item.kindName), item.location)
                usable = false
            }
            axes.append(Axis(key: entry.key, keyLocation: entry.keyLocation, values: items))
        }
        guard usable else { return nil }
        let matrix = StepMatrix(axes: axes, location: location)
        if matrix.count > maximumCombinations {
            report(.tooManyCombinations(step: step, count: matrix.count, maximum: maximumCombinations), location)
            return nil
        }
        return matrix
    }
}

/// Where a step expanded from a `matrix:` came from.
public struct SweepCombination: Sendable, Equatable {
    /// The swept step's id as written (`tsne`).
    public var base: String
    /// This combination's values, in matrix order: key and value text (`perplexity`, `5`).
    public var values: [Value]
    /// The matrix keys whose lists have more than one value.
    public var varying: [String]

    public struct Value: Sendable, Equatable {
        public var key: String
        public var value: String
    }

    /// `perplexity 5 · seed 1`: the values of the keys that vary.
    public var title: String {
        values.filter { varying.contains($0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: " · ")
    }
}

extension WorkflowLoader {
    /// Replaces each swept step by its combinations (at its place) and each reference to a swept
    /// step by references to all its combinations, in matrix order.
    static func expand(_ steps: [WorkflowStep], matrices: [String: StepMatrix],
                       report: (WorkflowProblem, SourceLocation?) -> Void) -> [WorkflowStep] {
        guard !matrices.isEmpty else { return steps }
        var expanded: [WorkflowStep] = []
        var idsOf: [String: [String]] = [:]
        for step in steps {
            guard let matrix = matrices[step.id] else { expanded.append(step); continue }
            let varying = matrix.axes.filter { $0.values.count > 1 }.map(\.key)
            var ids: [String] = []
            for combination in matrix.combinations {
                var s = step
                s.id = matrix.id(base: step.id, combination: combination)
                var entries: [ConfigEntry] = []
                var parameterLocation = step.parameters.location
                if case .mapping(let e, let l) = step.parameters { entries = e; parameterLocation = l }
                var values: [SweepCombination.Value] = []
                for (axis, i) in zip(matrix.axes, combination) {
                    let value = axis.values[i]
                    values.append(.init(key: axis.key, value: value.scalarValue ?? value.canonical))
                    if axis.key == "seed" {
                        if let v = value.scalarValue.flatMap({ UInt64($0) }) { s.seed = v } else {
                            report(.expected(what: "a non-negative integer seed", found: value.canonical), value.location)
                        }
                    } else {
                        entries.append(ConfigEntry(key: axis.key, keyLocation: axis.keyLocation, value: value))
                    }
                }
                s.parameters = .mapping(entries, parameterLocation)
                s.sweep = SweepCombination(base: step.id, values: values, varying: varying)
                ids.append(s.id)
                expanded.append(s)
            }
            idsOf[step.id] = ids
        }
        for i in expanded.indices {
            expanded[i].inputs = expanded[i].inputs.flatMap { ref -> [InputReference] in
                guard let ids = idsOf[ref.step] else { return [ref] }
                return ids.map { InputReference(port: ref.port, step: $0, location: ref.location, sweep: ref.step) }
            }
        }
        return expanded
    }
}
