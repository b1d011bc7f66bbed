// How the `datanet` process asks glibc's allocator for memory. Nothing here changes a result: only how often
// freed memory goes back to the kernel and comes back again as fresh (faulted, zeroed) pages.
#if canImport(Glibc)
    import Glibc
#endif

/// The allocator settings of the `datanet` process.
public enum ProcessMemory {
    /// glibc's `mallopt` parameters (`<malloc.h>`, which the Glibc module does not import; their values are
    /// part of glibc's ABI).
    private static let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
    private static let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD

    /// Keeps freed memory in the process for reuse instead of returning it to the kernel at once.
    ///
    /// By default glibc serves every allocation above a threshold (128 KB, raised as such blocks are freed) with
    /// a fresh `mmap`, unmaps it on `free`, and trims the heap top whenever 128 KB or more of it is free. A
    /// compile allocates and frees arrays of megabytes (tokens, syntax segments, code), so each compile after the
    /// first in a process faulted and zeroed the same memory again: 30,000 to 150,000 page faults over 40
    /// compiles of the 50,000-line benchmark contract, and more when two threads compile (each thread's arena
    /// trims on its own). With large blocks from the heap (below 32 MB, glibc's largest threshold) and the heap
    /// trimmed only past 256 MB free, the same 40 compiles fault about 9,500 times; see Docs/performance.md.
    /// The cost is a resident size that stays at its peak, which a compiler, a test run or a node wants anyway.
    public static func configure() {
        #if canImport(Glibc)
            // Looked up, not called directly: `<malloc.h>` is not in the Glibc module.
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(mmapThreshold, 32 << 20)
            _ = mallopt(trimThreshold, 256 << 20)
        #endif
    }
}
