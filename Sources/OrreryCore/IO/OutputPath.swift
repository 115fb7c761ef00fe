#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The rules for a path an exporter writes: relative to the output folder and inside it, after
/// symbolic links too. TensorBoard's projector holds its assets to the same rule.
///
/// Two checks, one for each moment:
/// - `problem(_:)` is lexical and runs at validation (the `.outputPath` parameter constraint):
///   absolute paths, `..`, a trailing `/`, the output folder itself, Orrery's own file names.
/// - `resolve(_:in:)` runs at write time: it walks the path component by component from the output
///   folder's real location, creating missing folders, and refuses a component that is a file or a
///   symbolic link leading outside — so no byte lands outside the output folder.
public enum OutputPath {
    /// Why `path` cannot be an exporter's output path, or nil when it can.
    public static func problem(_ path: String) -> String? {
        if path.isEmpty { return "is empty; name a file inside the output folder" }
        if path.utf8.contains(0) { return "contains a NUL byte" }
        if path.hasPrefix("/") { return "is absolute; exporter paths are relative to the output folder" }
        if path.hasPrefix("~") { return "starts with '~', which is not expanded; exporter paths are relative to the output folder" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.contains("..") { return "goes up with '..'; exporter paths must stay inside the output folder" }
        if path.hasSuffix("/") { return "ends with '/'; name a file (or a folder) without the trailing slash" }
        let named = parts.filter { $0 != "." }
        if named.isEmpty { return "names the output folder itself; name a file inside it" }
        if named.count == 1, named[0] == RunRecord.fileName {
            return "is \(RunRecord.fileName), the run record Orrery writes there"
        }
        if named.contains(where: AtomicFile.isTemporaryName) {
            return "uses the name of Orrery's temporary files ('\(AtomicFile.temporaryPrefix)…'), which are deleted on the next run"
        }
        return nil
    }

    /// The parts of a valid relative path, without `.` and empty parts (`a/./b//c` → a, b, c).
    static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
    }

    /// Where `path` (relative to `folder`) may be written: the file's URL under the folder's real
    /// location, with every parent folder created. Throws `unsafeOutputPath` for a lexical
    /// problem, a parent that is a file, a symbolic link leading outside the folder, or a target
    /// that is a folder.
    ///
    /// - Complexity: O(c) file-system calls for c path components.
    public static func resolve(_ path: String, in folder: URL) throws(OrreryError) -> URL {
        if let reason = problem(path) { throw .unsafeOutputPath(path, reason: "it " + reason) }
        let root = try realFolder(folder)
        let parts = components(path)
        var current = root
        var shown: [String] = []
        for part in parts.dropLast() {
            shown.append(part)
            let next = current + "/" + part
            switch kind(next) {
            case .missing:
                if mkdir(next, 0o777) != 0 && errno != EEXIST {
                    throw .writeFailed(path: path, reason: "cannot create the folder '\(shown.joined(separator: "/"))': \(describe(errno))")
                }
                // Created (or raced into existence): check what is there now.
                guard kind(next) == .folder else {
                    throw .unsafeOutputPath(path, reason: "'\(shown.joined(separator: "/"))' changed while it was being created")
                }
                current = next
            case .folder:
                current = next
            case .file:
                throw .unsafeOutputPath(path, reason: "'\(shown.joined(separator: "/"))' is a file, not a folder")
            case .symlink:
                guard let target = realPath(next) else {
                    throw .unsafeOutputPath(path, reason: "'\(shown.joined(separator: "/"))' is a broken symbolic link")
                }
                guard isInside(target, root) else {
                    throw .unsafeOutputPath(path, reason: "'\(shown.joined(separator: "/"))' is a symbolic link to \(target), outside the output folder")
                }
                guard kind(target) == .folder else {
                    throw .unsafeOutputPath(path, reason: "'\(shown.joined(separator: "/"))' is a file, not a folder")
                }
                current = target
            }
        }
        guard let last = parts.last else { throw .unsafeOutputPath(path, reason: "it names the output folder itself; name a file inside it") }
        let target = current + "/" + last
        switch kind(target) {
        case .folder:
            throw .unsafeOutputPath(path, reason: "it is a folder; name a file")
        case .symlink:
            // Renaming over a link replaces the link itself, never its target; refuse anyway when
            // it leads outside, so that the person sees what their output folder holds.
            if let real = realPath(target), !isInside(real, root) {
                throw .unsafeOutputPath(path, reason: "it is a symbolic link to \(real), outside the output folder")
            }
        case .missing, .file:
            break
        }
        return URL(fileURLWithPath: target)
    }

    /// The output folder's real location (symbolic links resolved), created when missing.
    static func realFolder(_ folder: URL) throws(OrreryError) -> String {
        if let problem = OutputFolder.problem(folder) {
            throw .writeFailed(path: folder.path, reason: problem)
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: folder.path, reason: OutputFolder.problem(folder) ?? "cannot create the output folder")
        }
        guard let real = realPath(folder.path) else {
            throw .writeFailed(path: folder.path, reason: "cannot resolve the output folder's location")
        }
        return real
    }

    enum Kind: Equatable { case missing, folder, file, symlink }

    static func kind(_ path: String) -> Kind {
        var st = stat()
        guard lstat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFLNK: return .symlink
        default: return .file
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    static func describe(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied"
        case EROFS: return "the file system is read-only"
        case ENOSPC: return "no space left on the device"
        case EDQUOT: return "the disk quota is exceeded"
        case ENAMETOOLONG: return "the name is too long"
        case ENOTDIR: return "a part of the path is a file, not a folder"
        case EISDIR: return "it is a folder"
        default: return String(cString: strerror(code))
        }
    }
}
