/// Finds cycles among steps (naming every step of each) and orders acyclic steps.
enum AcyclicValidator {
    /// One diagnostic per cycle, at the first step of the cycle in source order.
    static func cycles(in workflow: Workflow) -> [Diagnostic] {
        let ids = Set(workflow.steps.map(\.id))
        let edges = Dictionary(workflow.steps.map { s in (s.id, s.inputs.map(\.step).filter(ids.contains)) },
                               uniquingKeysWith: { a, _ in a })
        var state: [String: Int] = [:]  // 1 = on the stack, 2 = done
        var stack: [String] = []
        var found: [[String]] = []
        var reported: Set<Set<String>> = []

        func visit(_ id: String) {
            state[id] = 1
            stack.append(id)
            for dep in edges[id] ?? [] {
                if state[dep] == 1, let start = stack.firstIndex(of: dep) {
                    let cycle = Array(stack[start...])
                    if reported.insert(Set(cycle)).inserted { found.append(cycle) }
                } else if state[dep] == nil {
                    visit(dep)
                }
            }
            stack.removeLast()
            state[id] = 2
        }
        for s in workflow.steps where state[s.id] == nil { visit(s.id) }

        let order = Dictionary(workflow.steps.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        return found.map { cycle in
            // Name the cycle in data-flow order, starting from the step written first.
            let flow = Array(cycle.reversed())
            let first = flow.indices.min { (order[flow[$0]] ?? 0) < (order[flow[$1]] ?? 0) } ?? 0
            let rotated = Array(flow[first...] + flow[..<first])
            let location = workflow.step(rotated[0])?.location
            return workflow.source.diagnostic(.cycle(rotated + [rotated[0]]), at: location)
        }
    }

    /// A topological order (Kahn's algorithm, ties in source order). Assumes no cycle.
    static func order(_ steps: [WorkflowStep]) -> [String] {
        let ids = Set(steps.map(\.id))
        var remaining = steps
        var done: Set<String> = []
        var out: [String] = []
        while !remaining.isEmpty {
            guard let i = remaining.firstIndex(where: { s in
                s.inputs.allSatisfy { done.contains($0.step) || !ids.contains($0.step) }
            }) else { break }
            let s = remaining.remove(at: i)
            done.insert(s.id)
            out.append(s.id)
        }
        return out
    }
}
