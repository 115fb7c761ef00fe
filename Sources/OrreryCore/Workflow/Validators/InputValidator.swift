/// Binds each step's `from:` to its plugin's input ports and checks every edge's type.
enum InputValidator {
    static func unknownSteps(_ step: WorkflowStep, stepIDs: [String], source: YAMLSource) -> [Diagnostic] {
        step.inputs.filter { !stepIDs.contains($0.step) }.map {
            source.diagnostic(.unknownStep($0.step, suggestion: Suggestion.closest(to: $0.step, in: stepIDs)),
                              at: $0.location)
        }
    }

    static func bind(_ step: WorkflowStep, to descriptor: PluginDescriptor, stepIDs: [String],
                     kinds: [String: PluginKind?], source: YAMLSource,
                     diagnostics: inout [Diagnostic]) -> [(port: String, steps: [String])] {
        let ports = descriptor.inputs
        var bound: [String: [InputReference]] = [:]
        var positional = 0
        var previous: InputReference?
        for ref in step.inputs {
            defer { previous = ref }
            if ref.port == nil, let sweep = ref.sweep, previous?.sweep == sweep, previous?.port == nil,
               positional < ports.count {
                // The combinations of one swept step stay on the port the first one took.
                bound[ports[positional].name, default: []].append(ref)
                continue
            }
            if let name = ref.port {
                guard ports.contains(where: { $0.name == name }) else {
                    diagnostics.append(source.diagnostic(.unknownPort(name, plugin: descriptor.id, known: ports.map(\.name)),
                                                         at: ref.location))
                    continue
                }
                bound[name, default: []].append(ref)
            } else {
                // Unnamed inputs fill the ports in order; a port taking several keeps the rest.
                while positional < ports.count, !ports[positional].multiple,
                      bound[ports[positional].name]?.isEmpty == false {
                    positional += 1
                }
                guard positional < ports.count else {
                    diagnostics.append(source.diagnostic(
                        .tooManyInputs(plugin: descriptor.id, expected: ports.count, found: step.inputs.count),
                        at: ref.location))
                    break
                }
                bound[ports[positional].name, default: []].append(ref)
            }
        }
        var result: [(port: String, steps: [String])] = []
        for port in ports {
            let refs = bound[port.name] ?? []
            if refs.isEmpty && port.required {
                diagnostics.append(source.diagnostic(.missingInput(port: port.name, plugin: descriptor.id),
                                                     at: step.location))
            }
            if refs.count > 1 && !port.multiple {
                if let swept = refs.first(where: { $0.sweep != nil }), let sweep = swept.sweep {
                    diagnostics.append(source.diagnostic(
                        .sweepIntoSingleInput(sweep: sweep, count: refs.filter { $0.sweep == sweep }.count,
                                              port: port.name, plugin: descriptor.id, first: swept.step),
                        at: swept.location))
                } else {
                    diagnostics.append(source.diagnostic(.tooManyInputs(plugin: descriptor.id, expected: 1, found: refs.count),
                                                         at: refs[1].location))
                }
            }
            for ref in refs {
                guard stepIDs.contains(ref.step) else {
                    diagnostics.append(source.diagnostic(
                        .unknownStep(ref.step, suggestion: Suggestion.closest(to: ref.step, in: stepIDs)), at: ref.location))
                    continue
                }
                if let kind = kinds[ref.step] ?? nil, !port.accepts.contains(kind.output) {
                    diagnostics.append(source.diagnostic(
                        .wrongPortType(step: ref.step, produces: kind.output.description, port: port.name,
                                       expects: port.accepts.map(\.description).joined(separator: " or ")),
                        at: ref.location))
                }
            }
            if !refs.isEmpty { result.append((port.name, refs.map(\.step))) }
        }
        return result
    }
}
