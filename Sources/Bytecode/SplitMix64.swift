/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast, seeded generator. Everything in Datanet that
/// generates inputs — the REPL's `:check`, the test suites' random programs and fuzz-style tests — uses this one,
/// so a seed reproduces the same inputs on every machine and run. Never used for anything secret.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's whole state; it advances by a fixed odd constant per value.
    public var state: UInt64

    /// A generator starting at `seed`.
    public init(seed: UInt64) { state = seed }

    /// A generator starting at `state` (the same as `init(seed:)`).
    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
