import OrreryCore
import Synchronization

/// Collects run events in tests.
public final class WarningLog: Sendable {
    private let events = Mutex<[RunEvent]>([])
    public init() {}
    public var record: RunEventHandler { { [self] e in self.events.withLock { $0.append(e) } } }
    /// Warning messages, in order.
    public var messages: [String] {
        events.withLock { $0.compactMap { if case .warning(_, let m) = $0 { return m } else { return nil } } }
    }
    public var all: [RunEvent] { events.withLock { $0 } }
}
