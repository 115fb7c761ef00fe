import Foundation
import OrreryCore

/// A tokenizer's vocabulary as the labels of an embedding matrix's rows: token i labels row i.
/// Read from a WordPiece `vocab.txt` (one token per line; line i is token i) or a Hugging Face
/// `tokenizer.json` (`model.vocab`: token → id, or for Unigram models a list of [token, score];
/// plus `added_tokens`, each with its `id`).
public enum TokenVocabulary {
    /// The tokens of the file in `data`, by id; `path` names it in errors (and tells the format:
    /// a name ending `.json` is a tokenizer.json).
    ///
    /// - Complexity: O(file size + v log v).
    public static func read(_ data: Data, path: String) throws(OrreryError) -> [String] {
        path.lowercased().hasSuffix(".json") ? try json(data, path: path) : try text(data, path: path)
    }

    /// `vocab.txt`: every line is a token (as `transformers`' `load_vocab` reads it: only the line
    /// break is stripped); the newline ending the last line does not start another.
    static func text(_ data: Data, path: String) throws(OrreryError) -> [String] {
        guard let s = String(data: data, encoding: .utf8) else {
            throw .malformed(file: path, line: 0, column: nil, reason: "not UTF-8 text")
        }
        var lines = s.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw .emptyDataset("\(path) holds no tokens") }
        return lines
    }

    /// `tokenizer.json`: ids from `model.vocab` and `added_tokens`; every id from 0 up must have
    /// exactly one token.
    static func json(_ data: Data, path: String) throws(OrreryError) -> [String] {
        func bad(_ reason: String) -> OrreryError { .malformed(file: path, line: 0, column: nil, reason: reason) }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw bad("not a JSON object")
        }
        var byID: [Int: String] = [:]
        func add(_ token: String, _ id: Int) throws(OrreryError) {
            guard id >= 0 else { throw bad("token '\(token)' has negative id \(id)") }
            if let other = byID[id], other != token {
                throw bad("id \(id) belongs to two tokens, '\(other)' and '\(token)'")
            }
            byID[id] = token
        }
        guard let model = root["model"] as? [String: Any], let vocab = model["vocab"] else {
            throw bad("no model.vocab (is this a Hugging Face tokenizer.json?)")
        }
        if let map = vocab as? [String: Any] {
            for (token, id) in map {
                guard let n = (id as? NSNumber)?.intValue else { throw bad("token '\(token)' has no integer id") }
                try add(token, n)
            }
        } else if let list = vocab as? [Any] {
            for (i, item) in list.enumerated() {
                guard let pair = item as? [Any], let token = pair.first as? String else {
                    throw bad("model.vocab item \(i) is not a [token, score] pair")
                }
                try add(token, i)
            }
        } else {
            throw bad("model.vocab is neither a token → id object nor a list of [token, score]")
        }
        for item in root["added_tokens"] as? [[String: Any]] ?? [] {
            if let token = item["content"] as? String, let id = (item["id"] as? NSNumber)?.intValue { try add(token, id) }
        }
        guard !byID.isEmpty else { throw .emptyDataset("\(path) holds no tokens") }
        let count = (byID.keys.max() ?? -1) + 1
        var tokens: [String] = []
        tokens.reserveCapacity(count)
        for id in 0..<count {
            guard let t = byID[id] else {
                throw bad("no token has id \(id), though ids go up to \(count - 1); row \(id) would have no label")
            }
            tokens.append(t)
        }
        return tokens
    }
}
