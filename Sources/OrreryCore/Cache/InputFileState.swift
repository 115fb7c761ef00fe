import Foundation

/// An input file as a cache manifest records it: its path, size, modification time and content
/// hash. The hash is re-used while size and modification time are unchanged, so a large input is
/// not re-read on every run (the rule DVC and make use).
struct InputFileState: Codable, Sendable, Equatable {
    var path: String
    var size: Int64
    var modified: Double
    var sha256: String

    /// The file's state now; `known` supplies a previous state whose hash is re-used when the
    /// file's size and modification time still match it.
    static func current(_ url: URL, known: InputFileState? = nil) throws(OrreryError) -> InputFileState {
        let path = url.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.int64Value else { throw .fileNotFound(path) }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        if let known, known.path == path, known.size == size, known.modified == modified {
            return known
        }
        return InputFileState(path: path, size: size, modified: modified, sha256: try ContentHash.ofFile(url))
    }
}

/// The files a step read the last time it ran with a given parameter key (see `StepCache`).
struct CacheManifest: Codable, Sendable {
    var files: [InputFileState]
}
