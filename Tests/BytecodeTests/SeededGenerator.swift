import Bytecode

/// The seeded generator of the random tests (Bytecode's SplitMix64), so they are reproducible.
typealias SeededGenerator = SplitMix64
