import Foundation

/// A workflow as written: its header and its steps, every part with its source location.
public struct Workflow: Sendable {
    public var name: String
    public var description: String?
    /// The default seed of every stochastic step.
    public var seed: UInt64
    /// Steps in source order.
    public var steps: [WorkflowStep]
    /// The text it was read from (for caret diagnostics).
    public var source: YAMLSource
    /// The folder holding the workflow file: loaders' relative paths start here.
    public var directory: URL

    public func step(_ id: String) -> WorkflowStep? { steps.first { $0.id == id } }
}

/// One step: `uses` a plugin, `from` other steps, `with` parameters.
public struct WorkflowStep: Sendable {
    public var id: String
    /// Where the step's id is written.
    public var location: SourceLocation
    public var uses: String
    public var usesLocation: SourceLocation
    public var inputs: [InputReference]
    /// The `with:` mapping (an empty mapping when absent).
    public var parameters: ConfigNode
    /// A step-level seed overriding the workflow's.
    public var seed: UInt64?
    /// For one combination of a `matrix:`, the swept step and this combination's values.
    public var sweep: SweepCombination? = nil
}

/// One entry of `from:`: a step id, optionally for a named port.
public struct InputReference: Sendable, Equatable {
    public var port: String?
    public var step: String
    public var location: SourceLocation
    /// When `from:` named a swept step, its id (`step` is then one of its combinations).
    public var sweep: String? = nil
}
