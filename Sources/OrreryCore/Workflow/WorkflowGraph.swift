import Foundation

/// A workflow's DAG as Mermaid or Graphviz DOT text (`orrery graph`).
public enum WorkflowGraph {
    public enum Format: String, Sendable, CaseIterable { case mermaid, dot }

    public static func render(_ workflow: Workflow, format: Format) -> String {
        switch format {
        case .mermaid:
            var s = "flowchart LR\n"
            for group in groups(workflow.steps) {
                let indent = group.sweep == nil ? "  " : "    "
                if let base = group.sweep {
                    s += "  subgraph \(node(base))_matrix[\"\(base) · matrix of \(group.steps.count)\"]\n"
                }
                for step in group.steps {
                    s += indent + "\(node(step.id))[\"\(step.id)<br/><small>\(step.uses)</small>\"]\n"
                }
                if group.sweep != nil { s += "  end\n" }
            }
            for step in workflow.steps {
                for input in step.inputs {
                    s += "  \(node(input.step)) -->" + (input.port.map { "|\($0)|" } ?? "") + " \(node(step.id))\n"
                }
            }
            return s
        case .dot:
            var s = "digraph \"\(quoted(workflow.name))\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
            for group in groups(workflow.steps) {
                let indent = group.sweep == nil ? "  " : "    "
                if let base = group.sweep {
                    s += "  subgraph \"cluster_\(quoted(base))\" {\n    label=\"\(quoted(base)) · matrix of \(group.steps.count)\";\n"
                }
                for step in group.steps {
                    s += indent + "\"\(quoted(step.id))\" [label=\"\(quoted(step.id))\\n\(step.uses)\"];\n"
                }
                if group.sweep != nil { s += "  }\n" }
            }
            for step in workflow.steps {
                for input in step.inputs {
                    s += "  \"\(quoted(input.step))\" -> \"\(quoted(step.id))\"" + (input.port.map { " [label=\"\($0)\"]" } ?? "") + ";\n"
                }
            }
            return s + "}\n"
        }
    }

    /// Steps in order, the combinations of one swept step gathered into one group.
    static func groups(_ steps: [WorkflowStep]) -> [(sweep: String?, steps: [WorkflowStep])] {
        var out: [(sweep: String?, steps: [WorkflowStep])] = []
        for step in steps {
            if let base = step.sweep?.base, let last = out.last, last.sweep == base {
                out[out.count - 1].steps.append(step)
            } else {
                out.append((step.sweep?.base, [step]))
            }
        }
        return out
    }

    /// A Mermaid node id for a step id: ASCII letters and digits as they are, `_` doubled, any
    /// other character as `_<hex>_`. One-to-one, so `a-b` and `a_b` stay two nodes.
    static func node(_ id: String) -> String {
        var out = ""
        for u in id.unicodeScalars {
            if u.isASCII, CharacterSet.alphanumerics.contains(u) { out.unicodeScalars.append(u) }
            else if u == "_" { out += "__" }
            else { out += "_" + String(u.value, radix: 16) + "_" }
        }
        return out
    }

    /// `s` inside a double-quoted DOT string.
    static func quoted(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
