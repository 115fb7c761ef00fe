/// The plugins a run may use: a value built from an explicit list and passed down — no global state.
public struct PluginRegistry: Sendable {
    /// Entries in registration order.
    public let entries: [PluginEntry]
    private let byID: [String: Int]

    /// A registry of `plugins`. Two plugins with one id is a programming error.
    public init(_ plugins: [any Plugin.Type]) {
        self.init(entries: plugins.map { $0.registryEntry })
    }

    public init(entries: [PluginEntry]) {
        var byID: [String: Int] = [:]
        for (i, e) in entries.enumerated() {
            precondition(byID[e.descriptor.id] == nil, "plugin '\(e.descriptor.id)' registered twice")
            byID[e.descriptor.id] = i
        }
        self.entries = entries
        self.byID = byID
    }

    /// Every plugin id, in registration order.
    public var ids: [String] { entries.map(\.descriptor.id) }

    /// The plugin with `id`.
    public subscript(id: String) -> PluginEntry? { byID[id].map { entries[$0] } }

    /// Descriptors sorted by kind (in `PluginKind` order) then id — the order docs list them in.
    public var sortedDescriptors: [PluginDescriptor] {
        entries.map(\.descriptor).sorted {
            let a = PluginKind.allCases.firstIndex(of: $0.kind) ?? 0
            let b = PluginKind.allCases.firstIndex(of: $1.kind) ?? 0
            return a != b ? a < b : $0.id < $1.id
        }
    }

    /// The distance called `name` (`angle` or `metric.angle`).
    public func measure(named name: String) throws(OrreryError) -> DistanceMeasure {
        let id = name.hasPrefix("metric.") ? name : "metric." + name
        if let m = self[id]?.measure { return m }
        let known = entries.compactMap { $0.measure?.name }
        throw .unknownMetric(name, known: known)
    }
}
