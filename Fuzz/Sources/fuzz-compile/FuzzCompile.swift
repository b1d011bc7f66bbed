import FuzzSupport

/// libFuzzer entry point: compile and format the input as a `.dn` file (`FuzzHarness.runSource`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCompile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzHarness.runSource(bytes)
    return 0
}

/// The process entry: SwiftPM links `main` to this symbol, which starts libFuzzer's driver.
@_cdecl("fuzz_compile_main")
public func fuzzCompileMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzCompile)
}
