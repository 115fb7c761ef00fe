/// What can go wrong when Orrery runs a process plugin. Every case names the plugin and the facts.
public enum ProcessPluginError: Error, Sendable, Equatable, CustomStringConvertible {
    case programMissing(plugin: String, program: String)
    case notExecutable(plugin: String, program: String)
    case interpreterMissing(plugin: String, interpreter: String)
    case pythonModuleMissing(plugin: String, module: String)
    case exitedNonZero(plugin: String, status: Int32, stderrTail: [String])
    case killedBySignal(plugin: String, signal: Int32, stderrTail: [String])
    case wroteNothing(plugin: String, expected: String)
    case badOutput(plugin: String, file: String, reason: String)
    case wrongShape(plugin: String, expected: String, found: String)
    case nonFinite(plugin: String, row: Int, column: Int)
    case timedOut(plugin: String, seconds: Double)
    case spawnFailed(plugin: String, reason: String)
    case unsafeFile(plugin: String, path: String)

    public var description: String {
        func tail(_ lines: [String]) -> String {
            lines.isEmpty ? "" : "; last lines of its standard error:\n" + lines.map { "    " + $0 }.joined(separator: "\n")
        }
        switch self {
        case .programMissing(let p, let program): return "\(p): program '\(program)' not found"
        case .notExecutable(let p, let program):
            return "\(p): program '\(program)' is not executable (chmod +x it, or name its interpreter in 'run:')"
        case .interpreterMissing(let p, let i):
            return "\(p): interpreter '\(i)' not found on PATH (install it, or set ORRERY_PYTHON for python3)"
        case .pythonModuleMissing(let p, let m):
            return "\(p): Python module '\(m)' is missing; install it with 'pip install \(m)' "
                + "(or 'bash scripts/setup --test-tools' for the bundled plugins)"
        case .exitedNonZero(let p, let status, let lines): return "\(p): the program exited with status \(status)" + tail(lines)
        case .killedBySignal(let p, let s, let lines): return "\(p): the program was killed by signal \(s)" + tail(lines)
        case .wroteNothing(let p, let expected): return "\(p): the program exited 0 but wrote no '\(expected)'"
        case .badOutput(let p, let file, let reason): return "\(p): cannot use its '\(file)': \(reason)"
        case .wrongShape(let p, let expected, let found): return "\(p): output has shape \(found), expected \(expected)"
        case .nonFinite(let p, let row, let column):
            return "\(p): output has NaN or infinity at row \(row), column \(column)"
        case .timedOut(let p, let s): return "\(p): the program ran past its timeout of \(Notes.format(s)) s and was stopped"
        case .spawnFailed(let p, let reason): return "\(p): cannot start the program: \(reason)"
        case .unsafeFile(let p, let path): return "\(p): exporter file '\(path)' leaves its files/ folder"
        }
    }
}
