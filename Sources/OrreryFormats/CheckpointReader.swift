import Foundation
import OrreryCore

/// Finds a TensorFlow checkpoint and reads one 2-D variable of it, for the loaders: `path` may be
/// the prefix (`run/ckpt-3`), the index (`run/ckpt-3.index`), or a folder whose `checkpoint` file
/// names the latest (`model_checkpoint_path: "ckpt-3"`, as `tf.train.latest_checkpoint` reads it).
/// Every file read is resolved through `StepContext.inputURL`, so it is hashed into the cache key.
public enum CheckpointReader {
    /// What was read.
    public struct Result: Sendable {
        public var vectors: Matrix
        public var tensor: String
        /// The checkpoint prefix, as an absolute path.
        public var prefix: String
    }

    /// Reads the variable `tensor` (or, without one, the only 2-D variable that is not optimizer
    /// state) of the checkpoint `path` names (relative to the workflow, or absolute).
    ///
    /// - Complexity: O(index size + rows · columns).
    public static func read(_ path: String, tensor: String?, context: StepContext) throws(OrreryError) -> Result {
        let prefix = try locate(path, context: context)
        let indexPath = prefix + ".index"
        let index = try MappedFile.read(context.inputURL(indexPath), path: indexPath)
        let bundle = try TensorBundle(index: [UInt8](index), prefix: prefix)
        // TensorBoard's configs may name a graph tensor (`word_embedding:0`); the variable has no `:0`.
        var wanted = tensor
        if let t = tensor, t.hasSuffix(":0"), bundle.entry(named: t) == nil { wanted = String(t.dropLast(2)) }
        let chosen = try TensorChoice.choose(wanted, among: bundle.entries.map(\.listing), file: prefix,
                                             isCandidate: { !TensorBundle.isOptimizerState($0) })
        guard let entry = bundle.entry(named: chosen.name) else { throw .fileNotFound(indexPath) }
        var shards: [Int: Data] = [:]
        let vectors = try bundle.matrix(entry) { (k: Int) throws(OrreryError) -> Data in
            if let d = shards[k] { return d }
            let shardPath = bundle.shardPath(k)
            let url = context.inputURL(shardPath)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw .fileNotFound("\(shardPath) (data shard \(k + 1) of \(bundle.shardCount) of checkpoint \(prefix); copy every \(URL(fileURLWithPath: prefix).lastPathComponent).data-* file with the .index)")
            }
            let d = try MappedFile.read(url, path: shardPath)
            shards[k] = d
            return d
        }
        return Result(vectors: vectors, tensor: chosen.name, prefix: prefix)
    }

    /// The absolute checkpoint prefix `path` names.
    public static func locate(_ path: String, context: StepContext) throws(OrreryError) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path).standardizedFileURL
            : context.inputDirectory.appendingPathComponent(path).standardizedFileURL
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            return try latest(in: url, named: path, context: context)
        }
        if url.pathExtension == "index", fm.fileExists(atPath: url.path) { return url.deletingPathExtension().path }
        if fm.fileExists(atPath: url.path + ".index") { return url.path }
        throw .fileNotFound("\(path) (neither a checkpoint prefix with a .index file, a .index file, nor a folder with a 'checkpoint' file)")
    }

    /// The latest checkpoint of `folder`, from its `checkpoint` file. A path recorded there that no
    /// longer exists (TF1 savers write absolute paths; the folder may have moved) is looked up by
    /// its last component in `folder`.
    static func latest(in folder: URL, named path: String, context: StepContext) throws(OrreryError) -> String {
        let file = folder.appendingPathComponent("checkpoint")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw .fileNotFound("\(path)/checkpoint (the folder names no latest checkpoint; give the checkpoint's prefix, e.g. \(path)/ckpt-1)")
        }
        let text = String(decoding: try MappedFile.read(context.inputURL(file.path), path: "\(path)/checkpoint"), as: UTF8.self)
        guard let name = modelCheckpointPath(text) else {
            throw .malformed(file: "\(path)/checkpoint", line: 0, column: nil, reason: "no model_checkpoint_path: \"...\" line")
        }
        var prefix = name.hasPrefix("/") ? name : folder.appendingPathComponent(name).standardizedFileURL.path
        if !FileManager.default.fileExists(atPath: prefix + ".index") {
            let here = folder.appendingPathComponent(URL(fileURLWithPath: name).lastPathComponent).path
            guard FileManager.default.fileExists(atPath: here + ".index") else {
                throw .fileNotFound("\(prefix).index (the latest checkpoint \(path)/checkpoint names)")
            }
            prefix = here
        }
        return prefix
    }

    /// The value of the `model_checkpoint_path` field of a `CheckpointState` text proto.
    static func modelCheckpointPath(_ text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("model_checkpoint_path:") else { continue }
            let value = t.dropFirst("model_checkpoint_path:".count).trimmingCharacters(in: .whitespaces)
            guard value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q else { return nil }
            var out = "", escaped = false
            for ch in value.dropFirst().dropLast() {
                if escaped { out.append(ch == "n" ? "\n" : ch == "t" ? "\t" : ch); escaped = false }
                else if ch == "\\" { escaped = true }
                else { out.append(ch) }
            }
            return out
        }
        return nil
    }
}
