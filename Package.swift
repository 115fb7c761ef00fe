// swift-tools-version: 6.0
//
// Orrery — a workbench for studying embeddings.
//
// The folders under Plugins/ hold *Orrery* plugins (loaders, reducers, metrics, selectors, exporters):
// ordinary library targets registered in Sources/OrreryPlugins. They are not SwiftPM build plugins.
import PackageDescription

/// Every built-in Orrery plugin: (kind folder, name). The target is `<Kind><Name>` at
/// `Plugins/<Kind>s/<Name>`, its tests `<Kind><Name>Tests` at `Tests/<Kind><Name>Tests`.
/// Adding a plugin = a folder, one line here, one line in Sources/OrreryPlugins. Every plugin
/// depends on OrreryCore; `views` names the plugins that also use OrreryViews (Projector formats,
/// plotting, images).
let builtInPlugins: [(kind: String, name: String)] = [
    ("Loader", "NPY"),
    ("Metric", "Cosine"),
    ("Metric", "Angle"),
    ("Metric", "Euclidean"),
    ("Metric", "Dot"),
    ("Selector", "Neighbors"),
    ("Selector", "Regex"),
    ("Loader", "GloVe"),
    ("Loader", "Word2Vec"),
    ("Loader", "TSV"),
    ("Selector", "Head"),
    ("Reducer", "CustomAxis"),
    ("Reducer", "PCA"),
    ("Reducer", "Sphereize"),
    ("Selector", "Sphere"),
    ("Selector", "Points"),
    ("Selector", "Sample"),
    ("Exporter", "TSV"),
    ("Exporter", "Neighbors"),
    ("Exporter", "Summary"),
    ("Loader", "Projector"),
    ("Exporter", "Projector"),
    ("Exporter", "Bookmarks"),
    ("Exporter", "Sprite"),
    ("Exporter", "SVG"),
    ("Exporter", "HTML"),
    ("Exporter", "NPY"),
    ("Reducer", "TSNE"),
]

/// The plugins (by target name) that depend on OrreryViews as well as OrreryCore.
let viewsPlugins: Set<String> = [
    "LoaderProjector", "ExporterProjector", "ExporterBookmarks", "ExporterSprite", "ExporterSVG", "ExporterHTML",
]

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let pluginTargets: [Target] = builtInPlugins.flatMap { plugin -> [Target] in
    let module = plugin.kind + plugin.name
    let extra: [Target.Dependency] = viewsPlugins.contains(module) ? ["OrreryViews"] : []
    return [
        .target(
            name: module,
            dependencies: ["OrreryCore"] + extra,
            path: "Plugins/\(plugin.kind)s/\(plugin.name)",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: module + "Tests",
            dependencies: [.target(name: module), "OrreryCore", "OrreryTesting"] + extra,
            path: "Tests/\(module)Tests",
            swiftSettings: swiftSettings
        ),
    ]
}

let package = Package(
    name: "Orrery",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "orrery", targets: ["orrery"]),
        .library(name: "OrreryCore", targets: ["OrreryCore"]),
        .library(name: "OrreryViews", targets: ["OrreryViews"]),
        .library(name: "OrreryPlugins", targets: ["OrreryPlugins"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // SHA-256 for the step cache's content keys and the run record.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"4.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .target(
            name: "OrreryCore",
            dependencies: ["CBLAS", .product(name: "Yams", package: "Yams"),
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Support for plugins that draw or write viewer formats: the TensorFlow Projector's files
        // (config, bookmarks, tensors), plot layout and colours, PNG and sprite images. Between
        // Core (the host) and the plugins; Core never imports it.
        .target(
            name: "OrreryViews",
            dependencies: ["OrreryCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OrreryPlugins",
            dependencies: ["OrreryCore"] + builtInPlugins.map { .target(name: $0.kind + $0.name) },
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "orrery",
            dependencies: [
                "OrreryCore", "OrreryPlugins",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Times Orrery's kernels for bench/run (not a product; the library never prints).
        .executableTarget(
            name: "orrery-bench",
            dependencies: ["OrreryCore", "OrreryPlugins"],
            swiftSettings: swiftSettings
        ),
        // Shared test helpers: an in-memory run context, small embeddings, brute-force references.
        .target(
            name: "OrreryTesting",
            dependencies: ["OrreryCore"],
            path: "Tests/OrreryTesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrreryCoreTests",
            dependencies: ["OrreryCore", "OrreryTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["OrreryCore", "OrreryViews", "OrreryPlugins", "OrreryTesting"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ] + pluginTargets
)
