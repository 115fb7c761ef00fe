/// A workflow's DAG as Mermaid or Graphviz DOT text (`orrery graph`).
public enum WorkflowGraph {
    public enum Format: String, Sendable, CaseIterable { case mermaid, dot }

    public static func render(_ workflow: Workflow, format: Format) -> String {
        switch format {
        case .mermaid:
            var s = "flowchart LR\n"
            for step in workflow.steps {
                s += "  \(node(step.id))[\"\(step.id)<br/><small>\(step.uses)</small>\"]\n"
            }
            for step in workflow.steps {
                for input in step.inputs {
                    s += "  \(node(input.step)) -->" + (input.port.map { "|\($0)|" } ?? "") + " \(node(step.id))\n"
                }
            }
            return s
        case .dot:
            var s = "digraph \"\(workflow.name)\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
            for step in workflow.steps {
                s += "  \"\(step.id)\" [label=\"\(step.id)\\n\(step.uses)\"];\n"
            }
            for step in workflow.steps {
                for input in step.inputs {
                    s += "  \"\(input.step)\" -> \"\(step.id)\"" + (input.port.map { " [label=\"\($0)\"]" } ?? "") + ";\n"
                }
            }
            return s + "}\n"
        }
    }

    /// Mermaid node ids may not hold '-'.
    private static func node(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
