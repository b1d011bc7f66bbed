import FuzzSupport

/// libFuzzer entry point: decode, verify and run the input as a module (`FuzzHarness.runModule`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVM(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzHarness.runModule(bytes)
    return 0
}

/// The process entry: SwiftPM links `main` to this symbol, which starts libFuzzer's driver.
@_cdecl("fuzz_vm_main")
public func fuzzVMMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzVM)
}
