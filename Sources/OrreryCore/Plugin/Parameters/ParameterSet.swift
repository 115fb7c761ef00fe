import Foundation

/// A plugin's parameters: a plain struct whose stored properties are `@Parameter`s, with an empty
/// `init()` that gives every default. Cross-field rules go in `validate()` (`ValidatingParameters`).
public protocol ParameterSet: Decodable, Sendable {
    init()
}

/// A parameter as reflection finds it on a `ParameterSet`.
struct ReflectedParameter {
    /// The Swift property name (`learningRate`).
    var property: String
    /// The key in `with:` (`learning-rate`).
    var key: String
    var parameter: any AnyParameter
}

extension ParameterSet {
    /// Every `@Parameter` of `value`, in declaration order.
    static func reflect(_ value: Self) -> [ReflectedParameter] {
        Mirror(reflecting: value).children.compactMap { child in
            guard let label = child.label, label.hasPrefix("_"), let p = child.value as? any AnyParameter else { return nil }
            let property = String(label.dropFirst())
            return ReflectedParameter(property: property, key: p.declaration.key ?? property.kebabCased, parameter: p)
        }
    }

    /// The rows `orrery plugins ID` and the README show, from the declarations.
    public static var descriptors: [ParameterDescriptor] {
        reflect(Self()).map { r in
            let p = r.parameter
            return ParameterDescriptor(r.key, type(of: p).valueType, default: p.defaultDescription, p.declaration.help,
                                       constraints: p.declaration.constraints.map(\.summary))
        }
    }

    /// The decoded values by key, defaults filled in (nil optionals left out).
    public var parameterValues: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for r in Self.reflect(self) {
            if let v = r.parameter.jsonValue { out[r.key] = v }
        }
        return out
    }

    /// The decoded values as canonical JSON (sorted keys): the cache key and the run record read it,
    /// so `{k: 10}` and the default are the same.
    public var canonicalJSON: String { JSONValue.object(parameterValues).canonicalText }
}

/// What decoding may consult beyond the YAML: the registry, to check that a name names a plugin.
public struct ParameterEnvironment: Sendable {
    /// Nil when parameters are decoded without a registry (constraints that need one are skipped).
    public var registry: PluginRegistry?

    public init(registry: PluginRegistry? = nil) { self.registry = registry }
}
