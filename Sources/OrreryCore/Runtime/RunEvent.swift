/// What a run reports as it goes. The library never prints; the CLI turns these into lines.
public enum RunEvent: Sendable {
    case stepStarted(step: String, plugin: String)
    /// `done` of `total` units (iterations, rows); `message` may carry e.g. the KL divergence.
    case progress(step: String, done: Int, total: Int, message: String)
    case warning(step: String, message: String)
    case stepFinished(StepSummary)
    /// Text an exporter produced for the person running the workflow.
    case report(step: String, text: String)
    /// A step that had started was stopped because another step failed (or the run was cancelled).
    case stepCancelled(step: String, plugin: String)
    /// Something about the run as a whole (e.g. stale temporary files removed).
    case notice(String)
}

/// How one step went.
public struct StepSummary: Sendable {
    public var step: String
    public var plugin: String
    public var seconds: Double
    /// Points × dimensions of the step's embedding or neighbour lists (queries × k), if any.
    public var rows: Int?
    public var columns: Int?
    public var files: [String]
    public var notes: Notes
    public var cached: Bool

    public init(step: String, plugin: String, seconds: Double, rows: Int?, columns: Int?, files: [String],
                notes: Notes, cached: Bool) {
        self.step = step
        self.plugin = plugin
        self.seconds = seconds
        self.rows = rows
        self.columns = columns
        self.files = files
        self.notes = notes
        self.cached = cached
    }
}

/// Where events go. Called from several tasks at once: the receiver must be thread-safe.
public typealias RunEventHandler = @Sendable (RunEvent) -> Void
