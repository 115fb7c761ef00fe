#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A data file mapped read-only into memory, so a parser that reads it once, front to back, can
/// give back the pages it has passed (`release`): loading a 1 GB text file then costs the parsed
/// result plus a window of the file, not the whole file.
public enum MappedFile {
    /// The bytes of `url`, mapped (unmapped when the `Data` is released); `path` names it in errors.
    public static func read(_ url: URL, path: String) throws(OrreryError) -> Data {
        try map(url, path: path).data
    }

    /// The bytes of `url` and whether they are a mapping. Only a mapping may have pages given back
    /// with `release`: a file that cannot be mapped (a pipe, `/dev/stdin`, a process substitution)
    /// is read into ordinary memory, where giving pages back would zero them.
    public static func map(_ url: URL, path: String) throws(OrreryError) -> (data: Data, mapped: Bool) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path)
        }
        if isDirectory.boolValue { throw .unreadable(path, reason: "it is a folder") }
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable(path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path, reason: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        guard size > 0, (info.st_mode & S_IFMT) == S_IFREG,
              let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            // Not mappable (a pipe, a special file system): read it to its end from the descriptor
            // already open (a pipe can be read only once).
            do {
                return (try FileHandle(fileDescriptor: fd, closeOnDealloc: false).readToEnd() ?? Data(), false)
            } catch {
                throw .unreadable(path, reason: error.localizedDescription)
            }
        }
        let data = Data(bytesNoCopy: base, count: size, deallocator: .custom { pointer, count in
            _ = munmap(pointer, count)
        })
        return (data, true)
    }

    /// Calls `body` with consecutive byte ranges of `bytes` (`window` bytes each, the last shorter)
    /// and, when `releasing` (only for a mapping, see `map`), gives back each range's pages once
    /// `body` is done with it: one pass over a large file keeps only a window of it resident.
    static func inWindows(_ bytes: UnsafeRawBufferPointer, releasing: Bool, _ body: (Range<Int>) -> Void) {
        var done = 0
        while done < bytes.count {
            let end = min(bytes.count, done + window)
            body(done..<end)
            if releasing, let base = bytes.baseAddress { release(base, from: done, to: end) }
            done = end
        }
    }

    /// The bytes `inWindows` hands over at a time (a multiple of every value width).
    static let window = 16 << 20

    /// Gives back the whole pages of `[from, to)` of a mapping made by `map` (only when it says
    /// `mapped`); they are read from the file again if touched later, so this never changes what
    /// the bytes are.
    static func release(_ base: UnsafeRawPointer, from: Int, to: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        let start = (Int(bitPattern: base) + from + page - 1) / page * page
        let end = (Int(bitPattern: base) + to) / page * page
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, Int32(MADV_DONTNEED))
    }
}
