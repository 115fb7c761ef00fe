import Yams

/// A YAML document read into `ConfigNode`s, in two phases as Yams recommends: `compose` (a `Node`
/// tree with marks) then conversion to Orrery's own `Sendable` model, keeping every location.
public struct YAMLSource: Sendable {
    /// The path used in diagnostics.
    public let path: String
    /// The document's text.
    public let text: String
    /// The document's lines, for the caret display.
    public let lines: [Substring]

    /// The `--set` overrides, in order: a location in file `YAMLSource.overrideFile` at line n
    /// points into the n-th of them.
    public var overrides: [String] = []
    /// The file name of locations in `--set` overrides.
    public static let overrideFile = "--set"

    public init(path: String, text: String, overrides: [String] = []) {
        self.path = path
        self.text = text
        self.overrides = overrides
        // "\r\n" is one Character in Swift: split on it too, or a CRLF file is one long line.
        self.lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    /// The source line at `location` (if it is in this file), without its line ending.
    public func line(at location: SourceLocation?) -> String? {
        if let location, location.file == Self.overrideFile, location.line >= 1, location.line <= overrides.count {
            return overrides[location.line - 1]
        }
        guard let location, location.file == path, location.line >= 1, location.line <= lines.count else { return nil }
        var l = lines[location.line - 1]
        if l.hasSuffix("\r") { l = l.dropLast() }
        return String(l)
    }

    /// A diagnostic with this file's source line attached.
    public func diagnostic(_ problem: WorkflowProblem, at location: SourceLocation?) -> Diagnostic {
        Diagnostic(problem, at: location, sourceLine: line(at: location))
    }

    /// Parses the document. A syntax error becomes a diagnostic at the place libyaml reports.
    public func compose() throws(Diagnostic) -> ConfigNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxDiagnostic(error)
        } catch {
            throw diagnostic(.yamlSyntax(String(describing: error)), at: nil)
        }
        guard let node else { throw diagnostic(.emptyWorkflow, at: SourceLocation(file: path, line: 1, column: 1)) }
        var budget = Self.maximumNodes
        return try convert(node, budget: &budget)
    }

    /// The most nodes a document may expand to. Aliases are copied where they are used, so ten
    /// nested lists of ten aliases ("billion laughs") would otherwise expand to 10^10 nodes.
    public static let maximumNodes = 100_000

    /// The line and column of a byte offset into the text.
    private func location(ofByte offset: Int) -> SourceLocation {
        var line = 1, column = 1
        for byte in text.utf8.prefix(max(0, offset)) {
            if byte == 0x0A { (line, column) = (line + 1, 1) } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return SourceLocation(file: path, line: line, column: column)
    }

    private func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private func convert(_ node: Node, budget: inout Int) throws(Diagnostic) -> ConfigNode {
        budget -= 1
        if budget < 0 {
            throw diagnostic(.yamlSyntax("the document expands to more than \(Self.maximumNodes) nodes (aliases of aliases?)"),
                             at: location(node.mark))
        }
        switch node {
        case .scalar(let s):
            return .scalar(s.string, plain: s.style == .plain || s.style == .any, location(s.mark))
        case .sequence(let seq):
            var items: [ConfigNode] = []
            for item in seq { items.append(try convert(item, budget: &budget)) }
            return .sequence(items, location(seq.mark))
        case .mapping(let map):
            var entries: [ConfigEntry] = []
            for pair in map {
                let key = pair.key.scalar?.string ?? String(describing: pair.key)
                entries.append(ConfigEntry(key: key, keyLocation: location(pair.key.mark),
                                           value: try convert(pair.value, budget: &budget)))
            }
            return .mapping(entries, location(map.mark))
        case .alias(let alias):
            return .scalar("*" + alias.anchor.rawValue, plain: true, location(alias.mark))
        }
    }

    /// True when the character at `mark` (1-based line and column) is a tab.
    private func isTab(at mark: Mark) -> Bool {
        guard mark.line >= 1, mark.line <= lines.count else { return false }
        let line = lines[mark.line - 1]
        guard let i = line.index(line.startIndex, offsetBy: mark.column - 1, limitedBy: line.endIndex),
              i < line.endIndex else { return false }
        return line[i] == "\t"
    }

    private func syntaxDiagnostic(_ error: YamlError) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            if isTab(at: mark) {
                return diagnostic(.yamlSyntax("found a tab; YAML indents with spaces only (replace the tab with spaces)"),
                                  at: location(mark))
            }
            let message = problem + (context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? "")
            return diagnostic(.yamlSyntax(message), at: location(mark))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return diagnostic(.yamlSyntax("duplicate key" + (duplicates.count == 1 ? " " : "s ")
                                          + duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
                                          + " in one mapping"), at: location(context.mark))
        case .reader(let problem, let offset, _, _):
            return diagnostic(.yamlSyntax("cannot read the text: \(problem)" + (offset.map { " at byte \($0)" } ?? "")),
                              at: offset.map(location(ofByte:)) ?? SourceLocation(file: path, line: 1, column: 1))
        default:
            return diagnostic(.yamlSyntax(String(describing: error)), at: nil)
        }
    }
}
