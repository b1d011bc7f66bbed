/// Gas a transaction pays before any code runs: a base cost plus its size. Documented in Docs/state.md.
public enum IntrinsicGas {
    /// Every transaction (signature check, nonce and account updates).
    public static let base: UInt64 = 1_000
    /// Per byte of module code deployed or upgraded (verification, lowering and storage).
    public static let perModuleByte: UInt64 = 10
    /// Per byte of encoded call or init arguments.
    public static let perArgumentByte: UInt64 = 2

    /// The intrinsic cost of `payload`, saturating.
    public static func cost(of payload: Transaction.Payload) -> UInt64 {
        switch payload {
        case .transfer:
            return base
        case let .deploy(module, args, _, _):
            return add(base, add(times(module.count, perModuleByte), times(args.count, perArgumentByte)))
        case let .call(_, function, args, _):
            return add(base, times(args.count + function.utf8.count, perArgumentByte))
        case let .upgrade(_, module, _):
            return add(base, times(module.count, perModuleByte))
        }
    }

    private static func times(_ count: Int, _ price: UInt64) -> UInt64 {
        let (product, overflow) = UInt64(clamping: count).multipliedReportingOverflow(by: price)
        return overflow ? UInt64.max : product
    }

    private static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? UInt64.max : sum
    }
}
