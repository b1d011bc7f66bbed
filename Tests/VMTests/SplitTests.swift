import Bytecode
import Testing
@testable import VM

// `split`: the conserving split instruction (Docs/bytecode.md; the algorithm is `ConservingSplit`).

private let splitSource = """
    .fn public f(a: int, w: list<int>) -> list<int>
        local_get a
        local_get w
        split
        ret
    """

private func ints(_ xs: [Int128]) -> Value { .list(xs.map { .int($0) }) }

/// The parts of `amount` by `weights` computed by the VM (fused, unfused and traced, via `run`).
private func vmSplit(_ amount: Int128, _ weights: [Int128]) throws -> Run {
    try run(splitSource, "f", [.int(amount), ints(weights)])
}

private let p125: Int128 = 1 << 125
private let p126: Int128 = 1 << 126

/// (amount, weights, parts) worked out by hand (and checked against an arbitrary-precision reference).
private let examples: [(Int128, [Int128], [Int128])] = [
    (10, [1, 1, 1], [4, 3, 3]),  // remainders 1/3 each: the one extra unit goes to the lowest index
    (2, [1, 1, 1], [1, 1, 0]),
    (1, [1, 1, 1, 1], [1, 0, 0, 0]),
    (100, [1, 2, 3], [17, 33, 50]),  // 16.67, 33.33, 50: the largest remainder (index 0) gets the unit
    (3, [1, 2, 1, 2], [1, 1, 0, 1]),  // equal remainders at 0 and 2: the lower index wins
    (7, [0, 3, 0, 3], [0, 4, 0, 3]),  // zeros among the weights get nothing
    (1000, [3, 3, 3, 1], [300, 300, 300, 100]),  // exact: no remainder
    (5, [9], [5]),  // one weight takes everything
    (5, [0, 0, 1], [0, 0, 5]),
    (0, [1, 2, 3], [0, 0, 0]),  // amount 0: all zeros
    (0, [0, 0], [0, 0]),  // amount 0 and all-zero weights: all zeros
    (0, [], []),
    (Int128.max, [Int128.max, 0, 0], [Int128.max, 0, 0]),
    // Near 2^126 with large weights: amount * weight needs 252 bits.
    (p126 - 1, [p125, p125], [p125, p125 - 1]),  // a tie at 2^125 - 1/2: the lower index rounds up
    (p126 + 3, [p125 + 1, p125 - 1, 3, 1 << 124],
     [34028236692093846346337460743176821147, 34028236692093846346337460743176821145, 2,
      17014118346046923173168730371588410573]),
]

@Test(arguments: examples.indices)
func splitGivesTheLargestRemainderParts(_ i: Int) throws {
    let (amount, weights, parts) = examples[i]
    #expect(try vmSplit(amount, weights).values == [ints(parts)])
    #expect(ConservingSplit.split(amount: amount, weights: weights) == .success(parts))
}

@Test func splitTrapsWithAClearMessage() throws {
    let cases: [(Int128, [Int128], TrapReason)] = [
        (-1, [1, 2], .revert("split: negative amount")),
        (Int128.min, [], .revert("split: negative amount")),
        (10, [1, -1, 2], .revert("split: negative weight at index 1")),
        (10, [], .revert("split: the weights sum to zero but the amount is not zero")),
        (1, [0, 0, 0], .revert("split: the weights sum to zero but the amount is not zero")),
        (10, [Int128.max, 1], .overflow),
        (10, [Int128.max, 1, -1], .overflow),  // found before the negative weight: checked in order
    ]
    for (amount, weights, reason) in cases {
        #expect(try vmSplit(amount, weights).reason == reason, "split(\(amount), \(weights))")
        #expect(ConservingSplit.split(amount: amount, weights: weights) == .failure(failure(reason)))
    }
    #expect(ConservingSplit.Failure.negativeWeight(index: 3).trapReason.message == "split: negative weight at index 3")
}

private func failure(_ reason: TrapReason) -> ConservingSplit.Failure {
    switch reason {
    case .revert("split: negative amount"): .negativeAmount
    case .revert("split: negative weight at index 1"): .negativeWeight(index: 1)
    case .overflow: .overflow
    default: .weightsSumToZero
    }
}

@Test func splitConservesAndRoundsEachPartByLessThanOne() throws {
    // Seeded random amounts and weights; every part is the exact share rounded down or up, the parts sum to
    // the amount, and a larger weight (or an equal weight at a lower index) never gets less.
    var rng = SplitMix64(seed: 0x5EED_5911)
    for _ in 0..<300 {
        let n = Int(rng.next() % 12) + 1
        let weights = (0..<n).map { _ in rng.next() % 4 == 0 ? Int128(0) : Int128(rng.next() % 1000) }
        let total = weights.reduce(0, +)
        let amount = total == 0 ? 0 : Int128(rng.next() % 1_000_000)
        guard case .success(let parts) = ConservingSplit.split(amount: amount, weights: weights) else {
            Issue.record("split(\(amount), \(weights)) failed")
            continue
        }
        #expect(parts.reduce(0, +) == amount)
        for i in 0..<n where total > 0 {
            let floor = amount * weights[i] / total
            #expect(parts[i] == floor || parts[i] == floor + 1, "split(\(amount), \(weights))")
            for j in i + 1..<n where weights[i] >= weights[j] { #expect(parts[i] >= parts[j]) }
        }
    }
}

@Test func splitGasIsBasePlusLinearInTheWeights() throws {
    // The same program without the split: the difference is split's base gas (less the `pop` that stands
    // in for it) plus `GasSchedule.splitCost(n)`, which grows by the same amount per weight.
    let without = """
        .fn public f(a: int, w: list<int>) -> list<int>
            local_get a
            local_get w
            swap
            pop
            ret
        """
    for n in [0, 1, 2, 3, 10, 100, 1000] {
        let weights = (0..<n).map { Int128($0 % 7 + 1) }
        let args: [Value] = [.int(n == 0 ? 0 : 1_000_003), ints(weights)]
        let with = try run(splitSource, "f", args), plain = try run(without, "f", args)
        #expect(with.values?.count == 1)
        let extra = with.gas - plain.gas
        let expected = Int64(Opcode.split.info.gas) + GasSchedule.splitCost(n)
            - Int64(Opcode.swap.info.gas) - Int64(Opcode.pop.info.gas)
        #expect(extra == expected, "n = \(n)")
    }
    #expect(GasSchedule.splitCost(1000) - GasSchedule.splitCost(0)
        == 1000 * (GasSchedule.perWordAllocated + GasSchedule.perSplitWeight))
    #expect(GasSchedule.splitCost(Int.max) == Int64.max)
}

@Test func splitRunsOutOfGasBeforeAllocating() throws {
    let weights = ints((0..<50).map { Int128($0) })
    let full = try run(splitSource, "f", [.int(99), weights])
    let short = try run(splitSource, "f", [.int(99), weights], gas: full.gas - 1)
    #expect(short.reason == .outOfGas)
    #expect(short.gas == full.gas - 1)
}

@Test func splitLeavesTheWeightsUnchangedAndReturnsANewList() throws {
    let source = """
        .fn public f(w: list<int>) -> (list<int>, list<int>)
            .local parts: list<int>
            push_int 9
            local_get w
            split
            local_set parts
            local_get parts
            push_int 0
            push_int 100
            list_set
            local_get w
            local_get parts
            ret
        """
    #expect(try run(source, "f", [ints([1, 2])]).values == [ints([1, 2]), ints([100, 6])])
}

/// Largest remainder by a plain sort, for comparison (products must fit in an Int128).
private func referenceSplit(_ amount: Int128, _ weights: [Int128]) -> [Int128] {
    let total = weights.reduce(0, +)
    var parts = weights.map { amount * $0 / total }
    let extra = Int(amount - parts.reduce(0, +))
    let ranked = weights.indices.sorted {
        let (r0, r1) = (amount * weights[$0] % total, amount * weights[$1] % total)
        return r0 != r1 ? r0 > r1 : $0 < $1
    }
    for i in ranked.prefix(extra) { parts[i] += 1 }
    return parts
}

@Test func theLinearSelectionMatchesASortOnLongListsWithManyTies() throws {
    // Over 16 remainders takes the radix passes; a few distinct weights make long runs of equal remainders
    // (ties settled in the last pass), wide amounts and weights make remainders of up to 8 bytes.
    var rng = SplitMix64(seed: 0xD15C0)
    for round in 0..<120 {
        let n = Int(rng.next() % 400) + 17
        let distinct = (0..<(Int(rng.next() % 5) + 1)).map { _ in Int128(rng.next() >> (rng.next() % 64)) }
        let weights = (0..<n).map { _ in distinct[Int(rng.next() % UInt64(distinct.count))] }
        guard weights.reduce(0, +) > 0 else { continue }
        let amount = Int128(rng.next() >> (round % 2 == 0 ? 1 : 40))
        let expected = referenceSplit(amount, weights)
        #expect(ConservingSplit.split(amount: amount, weights: weights) == .success(expected), "round \(round)")
        if round % 20 == 0 { #expect(try vmSplit(amount, weights).values == [ints(expected)]) }
    }
}
