import Foundation
import Synchronization

/// The files a step resolved through `StepContext.inputURL`, in first-use order. The runner
/// hashes them into the step's cache key, so a plugin cannot forget to declare what it reads.
public final class InputFileLog: Sendable {
    private let urls = Mutex<[URL]>([])

    public init() {}

    func record(_ url: URL) {
        urls.withLock { list in
            if !list.contains(url) { list.append(url) }
        }
    }

    /// Every file recorded so far.
    public var files: [URL] { urls.withLock { $0 } }
}
