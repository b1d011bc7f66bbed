// swift-tools-version: 6.0
// libFuzzer targets for Datanet. A separate package so that the main package's `swift build` and
// `swift test` never see `-sanitize=fuzzer`. Build and run with `Fuzz/run.sh` (Docs/fuzzing.md).
import PackageDescription

let package = Package(
    name: "DatanetFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Datanet", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "DatanetCore", package: "Datanet")]),
        .executableTarget(
            name: "fuzz-vm", dependencies: ["FuzzSupport"],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(
            name: "fuzz-asm", dependencies: ["FuzzSupport"],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(
            name: "fuzz-compile", dependencies: ["FuzzSupport"],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
