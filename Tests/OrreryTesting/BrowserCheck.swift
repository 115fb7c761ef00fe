import Foundation

/// Runs `Tests/browser/check.sh` (headless Chromium) and returns its exit status and output;
/// status 77 means Chromium is absent (the caller skips with the printed reason).
public enum BrowserCheck {
    /// `environment` adds variables for the script (e.g. `VIEW` for a page's view).
    public static func run(_ arguments: [String], environment: [String: String] = [:]) -> (status: Int32, output: String) {
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/browser/check.sh")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = [script.path] + arguments
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return (77, "cannot run \(script.path): \(error)") }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    /// A folder for screenshots that outlives the test (under the system's temporary folder).
    public static var screenshots: URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("orrery-browser-shots")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
