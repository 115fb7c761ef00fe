// swift-tools-version: 6.0
//
// libFuzzer targets for Orrery's parsers: the workflow loader + validator and every data loader.
// Built and run by `fuzz/run` (swift build --sanitize fuzzer --sanitize address); not part of
// the main package, so `swift build` and `swift test` never compile them.
import PackageDescription

let targets = ["FuzzWorkflow", "FuzzNPY", "FuzzGloVe", "FuzzTSV", "FuzzWord2Vec", "FuzzMetadataTSV", "FuzzCacheEntry", "FuzzTensorBundle", "FuzzSafetensors", "FuzzPluginManifest", "FuzzProcessOutput"]

let package = Package(
    name: "OrreryFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Orrery", path: "..")],
    targets: targets.map { name in
        .executableTarget(
            name: name,
            dependencies: [.product(name: "OrreryCore", package: "Orrery"),
                           .product(name: "OrreryPlugins", package: "Orrery"),
                           .product(name: "OrreryFormats", package: "Orrery")],
            path: "Sources/\(name)",
            // libFuzzer provides main(): the entry point is LLVMFuzzerTestOneInput.
            swiftSettings: [.unsafeFlags(["-parse-as-library"]), .swiftLanguageMode(.v6)])
    }
)
