// swift-tools-version: 6.0
//
// Orrery — a workbench for studying embeddings.
//
// The folders under Plugins/ hold *Orrery* plugins (loaders, reducers, metrics, selectors, exporters):
// ordinary library targets registered in Sources/OrreryPlugins. They are not SwiftPM build plugins.
import Foundation
import PackageDescription

/// Every built-in Orrery plugin, found by its folder: `Plugins/<Kind>s/<Name>` is the target
/// `<Kind><Name>`, its tests `<Kind><Name>Tests` at `Tests/<Kind><Name>Tests`. The one hand-kept list
/// of plugins is `builtInPlugins` in Sources/OrreryPlugins (a test fails when a folder is missing
/// from it), so adding a plugin = a folder and one line there.
let builtInPlugins: [(kind: String, name: String)] = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Plugins")
    let fm = FileManager.default
    var found: [(kind: String, name: String)] = []
    for kind in ["Loader", "Reducer", "Metric", "Selector", "Exporter"] {
        let folder = root.appendingPathComponent(kind + "s")
        let names = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isDirectory), isDirectory.boolValue {
                found.append((kind, name))
            }
        }
    }
    return found
}()

/// What a plugin target uses besides OrreryCore (support libraries, system libraries); plugins never
/// depend on other plugins.
let pluginDependencies: [String: [Target.Dependency]] = [
    // KissFFT (BSD) for FFT t-SNE; ARPACK-NG (BSD) for UMAP's spectral initialisation.
    "ReducerTSNE": ["CKissFFT"],
    // UMAP's machinery (fuzzy graph, curve, optimiser, spectral start, placement) is a support
    // library: reducer.umap runs it, reducer.place places new points with it.
    "ReducerUMAP": ["OrreryUMAP"],
    "ReducerPlace": ["OrreryUMAP"],
    // The binary-format readers (TensorFlow checkpoints, safetensors).
    "LoaderProjector": ["OrreryFormats", "OrreryViews"],
    // The Projector's files, plotting and images.
    "ExporterProjector": ["OrreryViews"],
    "ExporterBookmarks": ["OrreryViews"],
    "ExporterSprite": ["OrreryViews"],
    "ExporterSVG": ["OrreryViews", "OrreryRaster"],
    "ExporterHTML": ["OrreryViews"],
    "LoaderCheckpoint": ["OrreryFormats"],
    "LoaderSafetensors": ["OrreryFormats"],
]

/// What a plugin's tests use besides its own plugin's dependencies (a test may compose plugins:
/// reducer.place's tests place points into a layout made by reducer.umap).
let pluginTestDependencies: [String: [Target.Dependency]] = [
    "ReducerPlace": ["ReducerUMAP"],
]

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let pluginTargets: [Target] = builtInPlugins.flatMap { plugin -> [Target] in
    let module = plugin.kind + plugin.name
    return [
        .target(
            name: module,
            dependencies: ["OrreryCore"] + (pluginDependencies[module] ?? []),
            path: "Plugins/\(plugin.kind)s/\(plugin.name)",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: module + "Tests",
            dependencies: [.target(name: module), "OrreryCore", "OrreryTesting"] + (pluginDependencies[module] ?? [])
                + (pluginTestDependencies[module] ?? []),
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
        // The whole command line as a library, for packages that add plugins of their own.
        .library(name: "OrreryCommandLine", targets: ["OrreryCommandLine"]),
        // The test kit: an in-memory run context, fixtures, references and the conformance checks.
        .library(name: "OrreryTesting", targets: ["OrreryTesting"]),
        .library(name: "OrreryFormats", targets: ["OrreryFormats"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // `orrery serve`: a small HTTP server on Swift concurrency and BSD sockets, no NIO (MIT).
        .package(url: "https://github.com/swhitty/FlyingFox.git", from: "0.27.1"),
        // SHA-256 for the step cache's content keys and the run record.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"4.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        // Intel ISA-L's CRC-32C (libisal-dev), for the checksums of TensorFlow checkpoints.
        .systemLibrary(name: "CISAL", path: "Sources/CISAL"),
        // ARPACK-NG (BSD) for UMAP's spectral initialisation; KissFFT (BSD) for FFT t-SNE.
        .systemLibrary(name: "CARPACK", path: "Sources/CARPACK"),
        .systemLibrary(name: "CKissFFT", path: "Sources/CKissFFT"),
        // A header only: the compiler's prefetch hint, for NN-descent's scattered heap rows.
        .systemLibrary(name: "CPrefetch", path: "Sources/CPrefetch"),
        // librsvg + cairo (LGPL, linked dynamically) to rasterise the SVG exporter's figures.
        .systemLibrary(name: "CRSVG", path: "Sources/CRSVG", pkgConfig: "librsvg-2.0",
                       providers: [.apt(["librsvg2-dev"])]),
        .target(
            name: "OrreryCore",
            dependencies: ["CBLAS", "CPrefetch", .product(name: "Yams", package: "Yams"),
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Readers of other programs' binary formats (TensorFlow checkpoints, safetensors) that
        // several plugins share.
        .target(
            name: "OrreryFormats",
            dependencies: ["OrreryCore", "CISAL"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrreryFormatsTests",
            dependencies: ["OrreryFormats", "OrreryCore", "OrreryTesting"],
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
        // UMAP's fuzzy simplicial set, its SGD optimiser, curve fit, spectral initialisation
        // (ARPACK-NG) and the placement of new points into a finished layout.
        .target(
            name: "OrreryUMAP",
            dependencies: ["OrreryCore", "CARPACK"],
            swiftSettings: swiftSettings
        ),
        // An SVG drawn by a plugin, as PNG pixels (librsvg): the one rasteriser, so a PNG is
        // always the same drawing as its SVG. Only exporter.svg links it.
        .target(
            name: "OrreryRaster",
            dependencies: ["OrreryCore", "OrreryViews", "CRSVG"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrreryRasterTests",
            dependencies: ["OrreryRaster", "OrreryCore", "OrreryTesting"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OrreryPlugins",
            dependencies: ["OrreryCore"] + builtInPlugins.map { .target(name: $0.kind + $0.name) },
            swiftSettings: swiftSettings
        ),
        // `orrery serve`: the live workbench (state, views, neighbours, isolate, write-back) and
        // its HTTP server and page.
        .target(
            name: "OrreryServe",
            dependencies: ["OrreryCore", .product(name: "FlyingFox", package: "FlyingFox")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrreryServeTests",
            dependencies: ["OrreryServe", "OrreryCore", "OrreryPlugins", "OrreryTesting", "OrreryViews",
                           .product(name: "FlyingFox", package: "FlyingFox")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OrreryCommandLine",
            dependencies: ["OrreryCore", "OrreryServe", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "orrery",
            dependencies: ["OrreryCommandLine", "OrreryPlugins"],
            swiftSettings: swiftSettings
        ),
        // Times Orrery's kernels for bench/run (not a product; the library never prints).
        .executableTarget(
            name: "orrery-bench",
            dependencies: ["OrreryCore", "OrreryPlugins", "OrreryUMAP"],
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
            name: "ProcessPluginTests",
            dependencies: ["OrreryCore", "OrreryPlugins", "OrreryTesting"],
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
