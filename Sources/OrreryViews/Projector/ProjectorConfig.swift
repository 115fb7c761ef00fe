import Foundation
import OrreryCore

/// The Projector's configuration (FORMATS.md): TensorBoard's `projector_config.pbtxt` (text-format
/// protobuf) and the standalone projector's JSON config (the same message in proto3 JSON, camelCase).
public struct ProjectorConfig: Sendable, Equatable {
    /// `SpriteMetadata`.
    public struct Sprite: Sendable, Equatable, Codable {
        public var imagePath: String
        /// [width, height] of one thumbnail.
        public var singleImageDim: [Int]
        public init(imagePath: String, singleImageDim: [Int]) {
            self.imagePath = imagePath
            self.singleImageDim = singleImageDim
        }
    }

    /// `EmbeddingInfo`.
    public struct EmbeddingInfo: Sendable, Equatable, Codable {
        public var tensorName: String
        public var tensorPath: String?
        public var tensorShape: [Int]
        public var metadataPath: String?
        public var bookmarksPath: String?
        public var sprite: Sprite?

        public init(tensorName: String, tensorPath: String?, tensorShape: [Int] = [], metadataPath: String? = nil,
                    bookmarksPath: String? = nil, sprite: Sprite? = nil) {
            self.tensorName = tensorName
            self.tensorPath = tensorPath
            self.tensorShape = tensorShape
            self.metadataPath = metadataPath
            self.bookmarksPath = bookmarksPath
            self.sprite = sprite
        }

        enum CodingKeys: String, CodingKey {
            case tensorName, tensorPath, tensorShape, metadataPath, bookmarksPath, sprite
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            tensorName = try c.decodeIfPresent(String.self, forKey: .tensorName) ?? ""
            tensorPath = try c.decodeIfPresent(String.self, forKey: .tensorPath)
            tensorShape = try c.decodeIfPresent([Int].self, forKey: .tensorShape) ?? []
            metadataPath = try c.decodeIfPresent(String.self, forKey: .metadataPath)
            bookmarksPath = try c.decodeIfPresent(String.self, forKey: .bookmarksPath)
            sprite = try c.decodeIfPresent(Sprite.self, forKey: .sprite)
        }
    }

    public var embeddings: [EmbeddingInfo]
    public var modelCheckpointPath: String?

    public init(embeddings: [EmbeddingInfo], modelCheckpointPath: String? = nil) {
        self.embeddings = embeddings
        self.modelCheckpointPath = modelCheckpointPath
    }

    /// The embedding called `name`.
    public func embedding(named name: String) -> EmbeddingInfo? { embeddings.first { $0.tensorName == name } }

    // MARK: Text format

    /// `projector_config.pbtxt`.
    public var pbtxt: String {
        var out = ""
        if let m = modelCheckpointPath { out += "model_checkpoint_path: \(Self.quote(m))\n" }
        for e in embeddings {
            out += "embeddings {\n"
            out += "  tensor_name: \(Self.quote(e.tensorName))\n"
            if let p = e.tensorPath { out += "  tensor_path: \(Self.quote(p))\n" }
            for s in e.tensorShape { out += "  tensor_shape: \(s)\n" }
            if let p = e.metadataPath { out += "  metadata_path: \(Self.quote(p))\n" }
            if let p = e.bookmarksPath { out += "  bookmarks_path: \(Self.quote(p))\n" }
            if let s = e.sprite {
                out += "  sprite {\n    image_path: \(Self.quote(s.imagePath))\n"
                for d in s.singleImageDim { out += "    single_image_dim: \(d)\n" }
                out += "  }\n"
            }
            out += "}\n"
        }
        return out
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.utf8 {
            switch u {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            case 0x20..<0x7F: out += String(UnicodeScalar(u))
            default: out += "\\" + String(u, radix: 8).leftPadded(to: 3)   // octal escape, byte by byte
            }
        }
        return out + "\""
    }

    /// Parses a `projector_config.pbtxt`. Unknown fields are errors (the schema is small and fixed).
    ///
    /// - Complexity: O(file size).
    public static func parse(pbtxt text: String, path: String) throws(OrreryError) -> ProjectorConfig {
        var p = TextProtoParser(text: text, path: path)
        var config = ProjectorConfig(embeddings: [])
        while let field = try p.fieldName() {
            switch field {
            case "model_checkpoint_path": config.modelCheckpointPath = try p.stringValue()
            case "model_checkpoint_dir": _ = try p.stringValue()
            case "embeddings":
                try p.open()
                var e = EmbeddingInfo(tensorName: "", tensorPath: nil)
                while let f = try p.fieldName(closing: true) {
                    switch f {
                    case "tensor_name": e.tensorName = try p.stringValue()
                    case "tensor_path": e.tensorPath = try p.stringValue()
                    case "metadata_path": e.metadataPath = try p.stringValue()
                    case "bookmarks_path": e.bookmarksPath = try p.stringValue()
                    case "tensor_shape": e.tensorShape.append(try p.intValue())
                    case "sprite":
                        try p.open()
                        var s = Sprite(imagePath: "", singleImageDim: [])
                        while let g = try p.fieldName(closing: true) {
                            switch g {
                            case "image_path": s.imagePath = try p.stringValue()
                            case "single_image_dim": s.singleImageDim.append(try p.intValue())
                            default: throw p.error("unknown SpriteMetadata field '\(g)'")
                            }
                        }
                        e.sprite = s
                    default: throw p.error("unknown EmbeddingInfo field '\(f)'")
                    }
                }
                config.embeddings.append(e)
            default: throw p.error("unknown ProjectorConfig field '\(field)'")
            }
        }
        return config
    }

    // MARK: JSON

    /// The standalone projector's JSON config (camelCase, stable key order).
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(JSONForm(embeddings: embeddings, modelCheckpointPath: modelCheckpointPath))) ?? Data()
    }

    /// Parses a standalone projector JSON config.
    public static func parse(json data: Data, path: String) throws(OrreryError) -> ProjectorConfig {
        do {
            let f = try JSONDecoder().decode(JSONForm.self, from: data)
            return ProjectorConfig(embeddings: f.embeddings, modelCheckpointPath: f.modelCheckpointPath)
        } catch {
            throw .malformed(file: path, line: 0, column: nil, reason: "not a projector JSON config: \(error)")
        }
    }

    private struct JSONForm: Codable {
        var embeddings: [EmbeddingInfo]
        var modelCheckpointPath: String?
    }
}

/// A tokenizer for the small text-format protobuf subset the config uses: `name: value`,
/// `name { … }` (or `name: { … }`), `#` comments, quoted strings with C escapes, integers.
struct TextProtoParser {
    let bytes: [UInt8]
    let path: String
    var i = 0

    init(text: String, path: String) {
        bytes = Array(text.utf8)
        self.path = path
    }

    func error(_ reason: String) -> OrreryError {
        let line = 1 + bytes[..<min(i, bytes.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return .malformed(file: path, line: line, column: nil, reason: reason)
    }

    mutating func skipSpace() {
        while i < bytes.count {
            if bytes[i] == 0x23 { while i < bytes.count && bytes[i] != 0x0A { i += 1 } }
            else if bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x2C || bytes[i] == 0x3B { i += 1 }
            else { break }
        }
    }

    /// The next field name; nil at the end (or at `}` when `closing`, which is consumed).
    mutating func fieldName(closing: Bool = false) throws(OrreryError) -> String? {
        skipSpace()
        if i >= bytes.count {
            if closing { throw error("missing '}'") }
            return nil
        }
        if bytes[i] == 0x7D {
            guard closing else { throw error("unexpected '}'") }
            i += 1
            return nil
        }
        let start = i
        while i < bytes.count, bytes[i] == 0x5F || (bytes[i] >= 0x30 && bytes[i] <= 0x39)
            || (bytes[i] | 0x20 >= 0x61 && bytes[i] | 0x20 <= 0x7A) { i += 1 }
        guard i > start else { throw error("expected a field name, found '\(UnicodeScalar(bytes[i]))'") }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    mutating func open() throws(OrreryError) {
        skipSpace()
        if i < bytes.count && bytes[i] == 0x3A { i += 1; skipSpace() }
        guard i < bytes.count, bytes[i] == 0x7B else { throw error("expected '{'") }
        i += 1
    }

    mutating func colon() throws(OrreryError) {
        skipSpace()
        guard i < bytes.count, bytes[i] == 0x3A else { throw error("expected ':'") }
        i += 1
        skipSpace()
    }

    mutating func intValue() throws(OrreryError) -> Int {
        try colon()
        let start = i
        while i < bytes.count, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == 0x2D { i += 1 }
        guard let v = Int(String(decoding: bytes[start..<i], as: UTF8.self)) else { throw error("expected an integer") }
        return v
    }

    mutating func stringValue() throws(OrreryError) -> String {
        try colon()
        var out: [UInt8] = []
        // Adjacent string literals concatenate.
        repeat {
            guard i < bytes.count, bytes[i] == 0x22 || bytes[i] == 0x27 else { throw error("expected a quoted string") }
            let quote = bytes[i]
            i += 1
            while true {
                guard i < bytes.count, bytes[i] != 0x0A else { throw error("unterminated string") }
                let b = bytes[i]
                i += 1
                if b == quote { break }
                if b != 0x5C { out.append(b); continue }
                guard i < bytes.count else { throw error("unterminated string") }
                let e = bytes[i]
                i += 1
                switch e {
                case 0x6E: out.append(0x0A)
                case 0x74: out.append(0x09)
                case 0x72: out.append(0x0D)
                case 0x30...0x37:
                    var v = Int(e - 0x30)
                    for _ in 0..<2 where i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x37 {
                        v = v * 8 + Int(bytes[i] - 0x30)
                        i += 1
                    }
                    out.append(UInt8(v & 0xFF))
                case 0x78:
                    var v = 0, digits = 0
                    while digits < 2, i < bytes.count, let d = Int(String(UnicodeScalar(bytes[i])), radix: 16) {
                        v = v * 16 + d
                        i += 1
                        digits += 1
                    }
                    out.append(UInt8(v))
                default: out.append(e)
                }
            }
            skipSpace()
        } while i < bytes.count && (bytes[i] == 0x22 || bytes[i] == 0x27)
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
