import FuzzSupport

/// libFuzzer entry point: assemble the input as `.dna` text (`FuzzHarness.runAssembly`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAsm(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzHarness.runAssembly(bytes)
    return 0
}

/// The process entry: SwiftPM links `main` to this symbol, which starts libFuzzer's driver.
@_cdecl("fuzz_asm_main")
public func fuzzAsmMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzAsm)
}
