#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Whole-or-nothing file writing: the bytes go to a temporary file in the same folder, which is
/// then renamed over the target. A reader never sees a half-written file, and a failure leaves the
/// old file (or no file) in place.
///
/// A process killed mid-write (`kill -9`, power loss) leaves its temporary behind. Temporaries are
/// named `.orrery-tmp-<pid>-<uuid>-<target name>`: recognisable, and carrying the writer's process
/// id, so that `removeStale(in:)` deletes only those whose writer is gone.
public enum AtomicFile {
    /// The prefix of every temporary name.
    public static let temporaryPrefix = ".orrery-tmp-"

    public static func write(_ data: Data, to url: URL) throws(OrreryError) {
        let fm = FileManager.default
        let folder = url.deletingLastPathComponent()
        let temp = temporaryURL(for: url)
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: temp)
            if rename(temp.path, url.path) != 0 {
                throw OrreryError.writeFailed(path: url.path, reason: OutputPath.describe(errno))
            }
        } catch let e as OrreryError {
            try? fm.removeItem(at: temp)
            throw e
        } catch {
            try? fm.removeItem(at: temp)
            throw .writeFailed(path: url.path, reason: reason(error, writing: url))
        }
    }

    /// A fresh temporary beside `url`.
    static func temporaryURL(for url: URL) -> URL {
        let name = "\(temporaryPrefix)\(getpid())-\(UUID().uuidString)-\(url.lastPathComponent)"
        return url.deletingLastPathComponent().appendingPathComponent(String(name.prefix(250)))
    }

    /// True for a name `temporaryURL` makes.
    public static func isTemporaryName(_ name: String) -> Bool { name.hasPrefix(temporaryPrefix) }

    /// The process id in a temporary's name, if it has one.
    static func writer(of name: String) -> pid_t? {
        guard isTemporaryName(name) else { return nil }
        let rest = name.dropFirst(temporaryPrefix.count)
        return rest.split(separator: "-", maxSplits: 1).first.flatMap { pid_t($0) }
    }

    /// Deletes the temporaries under `folder` (recursively, not following symbolic links) whose
    /// writing process no longer exists; returns their paths relative to `folder`, sorted.
    ///
    /// - Complexity: O(f) for f entries under `folder`.
    @discardableResult
    public static func removeStale(in folder: URL) -> [String] {
        let root = folder.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var removed: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard let pid = writer(of: name), !isAlive(pid) else { continue }
            let path = root + "/" + relative
            guard OutputPath.kind(path) == .file, unlink(path) == 0 else { continue }
            removed.append(relative)
        }
        return removed.sorted()
    }

    private static func isAlive(_ pid: pid_t) -> Bool {
        pid == getpid() || kill(pid, 0) == 0 || errno == EPERM
    }

    /// What went wrong, in words about the path rather than Foundation's "the operation could not
    /// be completed".
    public static func reason(_ error: any Error, writing url: URL) -> String {
        let folder = url.deletingLastPathComponent()
        if let problem = OutputFolder.problem(folder) { return "the folder \(folder.path): \(problem)" }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return OutputPath.describe(Int32(underlying.code))
        }
        if ns.domain == NSPOSIXErrorDomain { return OutputPath.describe(Int32(ns.code)) }
        switch ns.code {
        case NSFileWriteNoPermissionError: return "permission denied"
        case NSFileWriteOutOfSpaceError: return "no space left on the device"
        case NSFileWriteVolumeReadOnlyError: return "the file system is read-only"
        case NSFileWriteInvalidFileNameError: return "the name is not valid"
        default: return ns.localizedDescription
        }
    }
}
