import Foundation
import OrreryCore
import OrreryPlugins

/// Any bytes as a workflow file: parse (YAML → ConfigNode), then validate against the built-in
/// registry. Must never crash or hang; every problem is a diagnostic.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data, count: size)
    guard let text = String(data: bytes, encoding: .utf8) else { return 0 }
    let result = WorkflowLoader.parse(text, path: "fuzz.yaml", directory: URL(fileURLWithPath: "/nonexistent"))
        .flatMap { WorkflowValidator.validate($0, registry: .builtIn) }
    if case .failure(let d) = result { _ = d.description }
    return 0
}
