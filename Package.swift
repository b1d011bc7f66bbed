// swift-tools-version: 6.0
// Datanet: a deterministic contract VM and runtime. No package dependencies: Foundation, libsqlite3
// and libcrypto (OpenSSL 3) only, through the two system-library targets below.
import PackageDescription

let package = Package(
    name: "Datanet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "datanet", targets: ["datanet"]),
        // The bytecode, verifier and VM for packages beside this one (the fuzz targets in Fuzz/).
        .library(name: "DatanetCore", targets: ["Bytecode", "Verifier", "VM", "Diagnostics", "Compiler"]),
    ],
    targets: [
        // MARK: - C system libraries (nothing else touches C)
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // MARK: - Layers, leaves first
        .target(name: "Diagnostics"),
        .target(name: "Crypto", dependencies: ["CCrypto"]),
        .target(name: "Bytecode", dependencies: ["Crypto"]),
        .target(name: "Verifier", dependencies: ["Bytecode"]),
        .target(name: "VM", dependencies: ["Verifier"]),
        .target(name: "Compiler", dependencies: ["Bytecode", "Diagnostics"]),
        .target(name: "Tooling", dependencies: ["VM", "Chain", "Compiler", "Crypto"]),
        .target(name: "CLI", dependencies: ["Tooling", "Chain", "Compiler"]),
        .executableTarget(name: "datanet", dependencies: ["CLI"]),
        .target(name: "StateStore", dependencies: ["CSQLite", "Crypto"]),
        .target(name: "Chain", dependencies: ["VM", "StateStore", "Crypto"]),

        // MARK: - Tests, one target per library
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "BytecodeTests", dependencies: ["Bytecode"], exclude: ["Fixtures"]),
        .testTarget(name: "VerifierTests", dependencies: ["Verifier"], exclude: ["Fixtures"]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"]),
        .testTarget(name: "CompilerTests", dependencies: ["Compiler", "VM"], exclude: ["Fixtures"]),
        .testTarget(name: "VMTests", dependencies: ["VM"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "StateStoreTests", dependencies: ["StateStore", "Bytecode", "TestSupport"]),
        .testTarget(name: "ChainTests", dependencies: ["Chain", "Bytecode", "VM"], exclude: ["Fixtures"]),
    ]
)
