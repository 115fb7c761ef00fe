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
    /// `timeout` sends SIGTERM to the whole group, then SIGKILL two seconds later; when the
    /// program exits, whatever is left in its group is killed.
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
        var spawned: pid_t = 0
        let status = posix_spawn(&spawned, shell, &actions, &attributes, argv, environ)
        let pid = spawned
        close(writeEnd)
        guard status == 0 else {
            close(readEnd)
            throw POSIXFailure(status)
        }
        let readerDone = DispatchSemaphore(value: 0)
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            var pending: [UInt8] = []
            while true {
                let n = read(readEnd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                pending.append(contentsOf: buffer[0..<n])
                while let i = pending.firstIndex(of: 10) {
                    onLine(String(decoding: pending[..<i], as: UTF8.self))
                    pending.removeSubrange(...i)
                }
            }
            if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
            close(readEnd)
            readerDone.signal()
        }
        reader.start()

        // Waiting, timing out and stopping happen on threads of their own, not on the task's
        // executor: a cooperative pool kept busy by other steps must not delay a stop. Cancelling
        // signals the group from the cancelling thread, at once.
        let stop = Stop(group: pid)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Termination, Never>) in
                let waiter = Thread {
                    let start = Date()
                    var result: Termination
                    while true {
                        var raw: Int32 = 0
                        let r = waitpid(pid, &raw, WNOHANG)
                        if r == pid {
                            // Whatever the program left running in its group goes too.
                            kill(-pid, SIGKILL)
                            stop.finish()
                            if let reason = stop.reason { result = reason }
                            else if raw & 0x7f == 0 { result = .exited((raw >> 8) & 0xff) }
                            else { result = .signaled(raw & 0x7f) }
                            break
                        }
                        if r < 0 && errno != EINTR {
                            stop.finish()
                            result = stop.reason ?? .exited(-1)
                            break
                        }
                        if let since = stop.since {
                            if Date().timeIntervalSince(since) > 2 { kill(-pid, SIGKILL) }
                        } else if let timeout, Date().timeIntervalSince(start) > timeout {
                            stop.request(.timedOut)
                        }
                        usleep(2_000)
                    }
                    // Every line the program printed is delivered before the run returns (bounded:
                    // a process that left the group may hold standard output open).
                    _ = readerDone.wait(timeout: .now() + 1)
                    continuation.resume(returning: result)
                }
                waiter.start()
            }
        } onCancel: {
            stop.request(.cancelled)
        }
    }

    /// Why and since when a child is being stopped; the first request signals its group.
    final class Stop: @unchecked Sendable {
        private let lock = NSLock()
        private let group: pid_t
        private var state: (reason: Termination, since: Date)?
        private var finished = false

        init(group: pid_t) { self.group = group }

        var reason: Termination? { lock.lock(); defer { lock.unlock() }; return state?.reason }
        var since: Date? { lock.lock(); defer { lock.unlock() }; return state?.since }

        /// After the program was reaped: its group id may be reused, so nothing more is signalled.
        func finish() { lock.lock(); finished = true; lock.unlock() }

        /// Sends SIGTERM to the group the first time; later requests change nothing.
        func request(_ reason: Termination) {
            lock.lock()
            defer { lock.unlock() }
            guard state == nil, !finished else { return }
            state = (reason, Date())
            kill(-group, SIGTERM)
        }
    }

    /// An `errno` from spawning.
    struct POSIXFailure: Error, CustomStringConvertible {
        let code: Int32
        init(_ code: Int32) { self.code = code }
        var description: String { String(cString: strerror(code)) }
    }
}
