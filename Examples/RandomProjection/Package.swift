// swift-tools-version: 6.0
//
// An Orrery plugin that lives outside the Orrery repository: a seeded Gaussian random projection
// (`reducer.random-projection`), its tests (which run Orrery's conformance checks on it), and an
// `orrery` built with the built-ins plus this reducer.
import PackageDescription

let package = Package(
    name: "RandomProjection",
    platforms: [.macOS(.v15)],
    products: [
        // The example's own command line: the built-in plugins plus reducer.random-projection. Not
        // named `orrery`: the Orrery package's own executable has that name, and `swift run orrery`
        // would run that one (built-ins only).
        .executable(name: "orrery-random-projection", targets: ["RandomProjectionCLI"]),
    ],
    dependencies: [
        // A real package names Orrery by URL and version; the example uses the checkout it sits in.
        .package(name: "Orrery", path: "../.."),
    ],
    targets: [
        .target(name: "RandomProjection", dependencies: [.product(name: "OrreryCore", package: "Orrery")],
                swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(
            name: "RandomProjectionCLI",
            dependencies: ["RandomProjection", .product(name: "OrreryCommandLine", package: "Orrery"),
                           .product(name: "OrreryPlugins", package: "Orrery")],
            swiftSettings: [.swiftLanguageMode(.v6)]),
        .testTarget(
            name: "RandomProjectionTests",
            dependencies: ["RandomProjection", .product(name: "OrreryCore", package: "Orrery"),
                           .product(name: "OrreryPlugins", package: "Orrery"),
                           .product(name: "OrreryTesting", package: "Orrery")],
            swiftSettings: [.swiftLanguageMode(.v6)]),
    ]
)
