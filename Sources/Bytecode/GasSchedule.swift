/// Dynamic gas: the part of an instruction's cost that grows with its input, charged on top of the
/// opcode table's base gas, before the work is done. Docs/gas.md gives the reasoning for each price.
public enum GasSchedule {
    /// Per 16-byte word of arena memory allocated (lists, maps, structs, strings, bytes).
    public static let perWordAllocated: Int64 = 1
    /// Per 32 bytes compared, concatenated, copied or converted.
    public static let perChunkTouched: Int64 = 1
    /// Per 64-byte SHA-256 block hashed.
    public static let perHashBlock: Int64 = 100
    /// Per 8 locals a call zeroes (declared locals beyond the parameters), rounded up; static per call
    /// site, so it is folded into the call's base gas when the code is lowered.
    public static let perEightLocals: Int64 = 1
    /// Per element copied when a list grows or a value is deep-copied.
    public static let perElementCopied: Int64 = 1
    /// Per weight of `split`: a full-width multiply and divide, and its remainder's share of the linear
    /// largest-remainder selection (on top of the words its result list allocates).
    public static let perSplitWeight: Int64 = 16
    /// Per step of a memory map's binary search, and per 8 entries shifted on insert or removal.
    public static let perMapStep: Int64 = 1
    /// Per byte of a key or value read from storage.
    public static let perByteRead: Int64 = 1
    /// Per byte of a key or value written to storage.
    public static let perByteWritten: Int64 = 20
    /// Per byte of event data.
    public static let perByteLogged: Int64 = 4
    /// Per byte of arguments and results passed in a cross-contract call.
    public static let perByteCalled: Int64 = 2

    /// Dynamic gas of `split` over `count` weights: its result list's `2 + count` words and the per-weight
    /// work, saturating.
    public static func splitCost(_ count: Int) -> Int64 {
        let (r, o) = cost(count, perWordAllocated + perSplitWeight).addingReportingOverflow(2 * perWordAllocated)
        return o ? Int64.max : r
    }

    /// The cost of `count` units at `price`, saturating instead of overflowing.
    @inlinable
    public static func cost(_ count: Int, _ price: Int64) -> Int64 {
        let (r, o) = Int64(clamping: count).multipliedReportingOverflow(by: price)
        return o ? Int64.max : r
    }
}

/// Limits every run obeys; documented in Docs/gas.md.
public enum Limits {
    /// Frames on the call stack of one VM run (internal calls).
    public static let maxCallDepth = 1024
    /// Nested cross-contract calls in one transaction.
    public static let maxContractCallDepth = 64
    /// Operand-stack plus locals slots of one run.
    public static let maxStackSlots = 1 << 18
    /// Arena words (16 bytes each) one run may allocate: 64 MiB.
    public static let maxArenaWords = 1 << 22
    /// Largest module accepted by the decoder, in bytes.
    public static let maxModuleBytes = 4 << 20
    /// Most entries in any one module table (types, constants, functions, ...).
    public static let maxTableEntries = 65_535
    /// Largest function body, in bytes.
    public static let maxCodeBytes = 1 << 20
    /// Most locals of one function (parameters included).
    public static let maxLocals = 4096
    /// Deepest nesting of lists, maps and structs in one type (bounds every walk over a value).
    public static let maxTypeDepth = 32
    /// Largest declared max stack of one function.
    public static let maxFunctionStack = 4096
}
