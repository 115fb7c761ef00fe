import Foundation
import OrreryCore

extension Fixtures {
    /// `Tests/Fixtures/checkpoints`: checkpoints written by TensorFlow with the values it read back
    /// (scripts/make-checkpoint-fixtures.py).
    public static var checkpoints: URL { repositoryRoot.appendingPathComponent("Tests/Fixtures/checkpoints") }

    /// The float32 values TensorFlow read back for a fixture tensor: `checkpoints/<folder>/<file>`.
    public static func tensorFlowReading(_ folder: String, _ file: String) throws -> Matrix {
        let url = checkpoints.appendingPathComponent(folder).appendingPathComponent(file)
        return try NPYFormat.read(Data(contentsOf: url), path: url.path)
    }

    /// A copy of a checkpoint fixture folder in a new temporary folder (for tests that damage it).
    public static func copyOfCheckpoint(_ folder: String) throws -> URL {
        let to = temporaryDirectory().appendingPathComponent(folder)
        try FileManager.default.copyItem(at: checkpoints.appendingPathComponent(folder), to: to)
        return to
    }
}
