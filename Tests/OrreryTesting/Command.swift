import Foundation

/// Runs a program for a test: `arguments[0]` found on PATH (through /usr/bin/env).
public enum Command {
    /// The exit status and what the program printed, standard error after standard output
    /// (through one pipe, as a terminal would show them); status -1 when it could not start.
    public static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return (-1, "\(error)") }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    /// Whether the program runs and exits 0.
    public static func succeeds(_ arguments: [String]) -> Bool { run(arguments).status == 0 }
}
