import Foundation

/// Whole-or-nothing file writing: the bytes go to a temporary file in the same folder, which is
/// then renamed over the target. A reader never sees a half-written file, and a failure leaves the
/// old file (or no file) in place.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws(OrreryError) {
        let fm = FileManager.default
        let folder = url.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).orrery-\(UUID().uuidString).tmp")
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: temp)
            if rename(temp.path, url.path) != 0 {
                throw OrreryError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch let e as OrreryError {
            try? fm.removeItem(at: temp)
            throw e
        } catch {
            try? fm.removeItem(at: temp)
            throw .writeFailed(path: url.path, reason: error.localizedDescription)
        }
    }
}
