#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Whether a run can write its output folder, asked before any step runs (by `orrery validate`
/// and `orrery run`), so that an impossible `--output` fails at once and not after the loaders
/// and reducers did their work.
public enum OutputFolder {
    /// What is wrong with `folder` as an output folder (it exists and is not a writable folder, or
    /// it cannot be created), or nil when a run can write there. Creates nothing.
    public static func problem(_ folder: URL) -> String? {
        let path = folder.standardizedFileURL.path
        if path.utf8.contains(0) { return "the path contains a NUL byte" }
        switch OutputPath.kind(path) {
        case .folder:
            return writable(path) ? nil : "the folder is not writable (permission denied)"
        case .file:
            return "it is a file, not a folder"
        case .symlink:
            guard let real = OutputPath.realPath(path) else { return "it is a broken symbolic link" }
            if OutputPath.kind(real) != .folder { return "it is a symbolic link to \(real), which is not a folder" }
            return writable(real) ? nil : "the folder it links to (\(real)) is not writable (permission denied)"
        case .missing:
            // The nearest existing ancestor decides whether the folder can be created.
            var ancestor = URL(fileURLWithPath: path).deletingLastPathComponent()
            while OutputPath.kind(ancestor.path) == .missing && ancestor.path != "/" {
                ancestor = ancestor.deletingLastPathComponent()
            }
            let real = OutputPath.realPath(ancestor.path) ?? ancestor.path
            switch OutputPath.kind(real) {
            case .folder:
                return writable(real) ? nil
                    : "it does not exist and cannot be created: \(ancestor.path) is not writable (permission denied)"
            case .missing:
                return "it does not exist and cannot be created: \(ancestor.path) is a broken symbolic link"
            case .file, .symlink:
                return "it cannot be created: \(ancestor.path) is a file, not a folder"
            }
        }
    }

    private static func writable(_ path: String) -> Bool { access(path, W_OK | X_OK) == 0 }
}
