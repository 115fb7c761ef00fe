import OrreryCore

extension ParameterSet {
    /// Parameters decoded from YAML text exactly as a step's `with:` is (defaults, constraints,
    /// unknown keys), e.g. `try .yaml("{ centre: music, radius: 0.4 }")`.
    public static func yaml(_ text: String, registry: PluginRegistry? = nil) throws -> Self {
        let node = try YAMLSource(path: "<test>", text: text).compose()
        return try ParameterDecoder.decode(Self.self, from: node, plugin: "test", source: nil,
                                           environment: ParameterEnvironment(registry: registry)).get()
    }
}

extension ParameterSet {
    /// The defaults with some values set: `.with { $0.centre = .label("music"); $0.radius = 0.4 }`.
    public static func with(_ set: (inout Self) -> Void) -> Self {
        var p = Self()
        set(&p)
        return p
    }
}
