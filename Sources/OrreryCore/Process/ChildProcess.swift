import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program run in its own process group, so that stopping it (cancellation, a timeout) stops
/// everything it started too: `posix_spawn` with `POSIX_SPAWN_SETPGROUP`, then `kill(-pgid, …)`.
enum ChildProcess {
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        case timedOut
        case cancelled
    }

    /// The absolute path of `name`: as given when it has a `/`, else the first match on `PATH`.
    static func locate(_ name: String) -> String? {
        if name.contains("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = String(folder) + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `executable` with `arguments` in `directory`; standard error goes to `stderrPath`,
    /// each standard-output line to `onLine` as it arrives. Cancelling the task or passing
    /// `timeout` sends SIGTERM to the whole group, then SIGKILL two seconds later.
    static func run(_ executable: String, _ arguments: [String], directory: String, stderrPath: String,
                    timeout: Double?, onLine: @escaping @Sendable (String) -> Void) async throws -> Termination {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXFailure(errno) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)

        // `posix_spawn_file_actions_addchdir_np` is not visible from Swift's Glibc: a shell changes
        // folder, then `exec`s the program (same process, same group).
        let shell = "/bin/sh"
        let words = [shell, "-c", "cd \"$0\" && exec \"$@\"", directory, executable] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, shell, &actions, &attributes, argv, environ)
        close(writeEnd)
        guard status == 0 else {
            close(readEnd)
            throw POSIXFailure(status)
        }
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            var pending: [UInt8] = []
            while true {
                let n = read(readEnd, &buffer, buffer.count)
                if n <= 0 { break }
                pending.append(contentsOf: buffer[0..<n])
                while let i = pending.firstIndex(of: 10) {
                    onLine(String(decoding: pending[..<i], as: UTF8.self))
                    pending.removeSubrange(...i)
                }
            }
            if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
            close(readEnd)
        }
        reader.start()

        let start = Date()
        var stopping: (reason: Termination, since: Date)?
        while true {
            var raw: Int32 = 0
            let r = waitpid(pid, &raw, WNOHANG)
            if r == pid {
                // Whatever the program left running in its group goes too.
                kill(-pid, SIGKILL)
                if let stopping { return stopping.reason }
                if raw & 0x7f == 0 { return .exited((raw >> 8) & 0xff) }
                return .signaled(raw & 0x7f)
            }
            if r < 0 && errno != EINTR { return stopping?.reason ?? .exited(-1) }
            if let s = stopping {
                if Date().timeIntervalSince(s.since) > 2 { kill(-pid, SIGKILL) }
            } else if Task.isCancelled {
                stopping = (.cancelled, Date())
                kill(-pid, SIGTERM)
            } else if let timeout, Date().timeIntervalSince(start) > timeout {
                stopping = (.timedOut, Date())
                kill(-pid, SIGTERM)
            }
            // Once cancelled, Task.sleep returns at once: wait without it so the loop does not spin.
            if stopping != nil { usleep(5_000) } else { try? await Task.sleep(nanoseconds: 5_000_000) }
        }
    }

    /// An `errno` from spawning.
    struct POSIXFailure: Error, CustomStringConvertible {
        let code: Int32
        init(_ code: Int32) { self.code = code }
        var description: String { String(cString: strerror(code)) }
    }
}
