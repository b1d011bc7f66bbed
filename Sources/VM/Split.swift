import Bytecode

/// The conserving split behind the `split` instruction and the `split` builtin: `amount` divided into parts
/// proportional to `weights`, rounded by largest remainder with ties to the lower index, so the parts
/// always sum to `amount` exactly. The VM and `datanet test` both call this one function.
///
/// Part `i` is `floor(amount * w[i] / total)` plus one for the `amount - sum(floors)` weights with the
/// largest remainders `amount * w[i] % total` (that count is below the number of weights); among equal
/// remainders the lower index wins. The product is formed at full width (256 bits), so it never
/// overflows. Edge cases: amount 0 gives all zeros (also for no weights or all-zero weights); a zero
/// weight gets 0; a negative amount or weight, weights summing to zero with a non-zero amount (which
/// includes an empty list), and a weight sum past `Int` all fail. Problems are reported in this order:
/// the amount, then the weights from the first, each checked for its sign and then added to the sum.
public enum ConservingSplit {
    /// Why a split has no answer.
    public enum Failure: Error, Hashable, Sendable {
        case negativeAmount
        case negativeWeight(index: Int)
        case weightsSumToZero
        /// The sum of the weights does not fit an `Int`.
        case overflow
        /// The parts did not add up to the amount (cannot happen; checked so a bug can never mint or burn).
        case notConserved

        /// The trap this failure raises in the VM (and the message `datanet test` reports).
        public var trapReason: TrapReason {
            switch self {
            case .negativeAmount: .revert("split: negative amount")
            case .negativeWeight(let index): .revert("split: negative weight at index \(index)")
            case .weightsSumToZero: .revert("split: the weights sum to zero but the amount is not zero")
            case .overflow: .overflow
            case .notConserved: .revert("split: parts do not sum to the amount")
            }
        }
    }

    /// Writes the parts of `amount` by `weights` into `parts` (same count), or returns why it cannot.
    /// `parts` may be written partly when it fails.
    public static func split(
        amount: Int128, weights: UnsafeBufferPointer<Int128>, into parts: UnsafeMutableBufferPointer<Int128>
    ) -> Failure? {
        guard parts.count == weights.count else { return .notConserved }
        guard amount >= 0 else { return .negativeAmount }
        var total: Int128 = 0
        for (i, w) in weights.enumerated() {
            guard w >= 0 else { return .negativeWeight(index: i) }
            let (sum, overflow) = total.addingReportingOverflow(w)
            guard !overflow else { return .overflow }
            total = sum
        }
        guard total != 0 else {
            guard amount == 0 else { return .weightsSumToZero }
            for i in parts.indices { parts[i] = 0 }
            return nil
        }
        let a = amount.magnitude, t = total.magnitude, n = weights.count
        // Scratch: each weight's remainder, and the indices with a non-zero remainder in ascending order.
        let conserved = withUnsafeTemporaryAllocation(of: UInt128.self, capacity: n) { remainders in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: n) { candidates in
                var count = 0
                var distributed: UInt128 = 0
                if a <= UInt128(UInt64.max) && t <= UInt128(UInt64.max) {
                    // Everything fits 64 bits: one hardware 128-by-64 divide per weight (w <= total, so
                    // q <= amount).
                    let a64 = UInt64(truncatingIfNeeded: a), t64 = UInt64(truncatingIfNeeded: t)
                    for i in 0..<n {
                        let w = UInt64(truncatingIfNeeded: weights[i])
                        let (q, r) = t64.dividingFullWidth(a64.multipliedFullWidth(by: w))
                        parts[i] = Int128(q)
                        distributed &+= UInt128(q)  // the floors sum to at most amount
                        remainders[i] = UInt128(r)
                        if r != 0 { candidates[count] = i; count += 1 }
                    }
                } else {
                    for i in 0..<n {
                        // amount * w < 2^254, and the quotient is at most amount: the divide cannot overflow.
                        let (q, r) = t.dividingFullWidth(a.multipliedFullWidth(by: weights[i].magnitude))
                        parts[i] = Int128(truncatingIfNeeded: q)  // q <= amount < 2^127
                        distributed &+= q
                        remainders[i] = r
                        if r != 0 { candidates[count] = i; count += 1 }
                    }
                }
                // 0 <= amount - distributed < the number of non-zero remainders (they sum to a multiple of
                // total).
                let (missing, below) = a.subtractingReportingOverflow(distributed)
                guard !below, let extra = Int(exactly: missing), extra <= count else { return false }
                giveOneMore(
                    extra, by: UnsafeBufferPointer(remainders),
                    among: UnsafeMutableBufferPointer(rebasing: candidates[0..<count]), to: parts)
                return true
            }
        }
        guard conserved else { return .notConserved }
        // The VM's own guarantee: the parts add up to the amount, whatever happened above.
        var sum: Int128 = 0
        for p in parts {
            let (s, overflow) = sum.addingReportingOverflow(p)
            guard !overflow, p >= 0 else { return .notConserved }
            sum = s
        }
        return sum == amount ? nil : .notConserved
    }

    /// Adds one to the `count` parts among `pool` (indices, ascending) whose `remainders` are largest, the
    /// lower index first among equal remainders. A radix selection, one byte of the remainders a pass from
    /// the most significant byte any remainder uses: each pass settles the buckets above the boundary and
    /// keeps only the boundary's bucket (compacted in place, still ascending), so the work is at most 16
    /// passes over the pool plus 256 per pass: linear in the number of weights whatever their values (a
    /// sort would be n log n). Sixteen or fewer left are ranked directly. `pool` is used as scratch.
    static func giveOneMore(
        _ count: Int, by remainders: UnsafeBufferPointer<UInt128>, among pool: UnsafeMutableBufferPointer<Int>,
        to parts: UnsafeMutableBufferPointer<Int128>
    ) {
        var need = count, size = pool.count
        var top: UInt128 = 0
        for i in pool { top |= remainders[i] }
        var shift = max(0, (UInt128.bitWidth - top.leadingZeroBitCount - 1) / 8 * 8)
        // A part that gets one more had a remainder, so it is below amount: `&+=` cannot wrap.
        while need > 0 {
            if need >= size {
                for i in pool[0..<size] { parts[i] &+= 1 }
                return
            }
            if size <= 16 {
                var few = UnsafeMutableBufferPointer(rebasing: pool[0..<size])
                few.sort { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }
                for i in few[0..<need] { parts[i] &+= 1 }
                return
            }
            let settled = withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts -> Int in
                counts.initialize(repeating: 0)
                for i in pool[0..<size] { counts[Int(truncatingIfNeeded: remainders[i] >> shift) & 0xFF] += 1 }
                // Whole buckets from the top while they fit; `boundary` is the first that does not.
                var boundary = 255, taken = 0
                while boundary > 0 && counts[boundary] <= need - taken {
                    taken += counts[boundary]
                    boundary -= 1  // the buckets hold size > need in all, so this stops in range
                }
                var kept = 0
                for j in 0..<size {
                    let i = pool[j]
                    let b = Int(truncatingIfNeeded: remainders[i] >> shift) & 0xFF
                    if b > boundary {
                        parts[i] &+= 1
                    } else if b == boundary {
                        pool[kept] = i
                        kept += 1
                    }
                }
                size = kept
                return taken
            }
            need -= settled
            if shift == 0 {
                // Every remainder left is equal: the lowest indices win (the pool is still ascending).
                for i in pool[0..<min(need, size)] { parts[i] &+= 1 }
                return
            }
            shift -= 8
        }
    }

    /// The parts of `amount` by `weights`, for callers holding arrays (the test runner).
    public static func split(amount: Int128, weights: [Int128]) -> Result<[Int128], Failure> {
        var parts = [Int128](repeating: 0, count: weights.count)
        let failure = weights.withUnsafeBufferPointer { w in
            parts.withUnsafeMutableBufferPointer { split(amount: amount, weights: w, into: $0) }
        }
        if let failure { return .failure(failure) }
        return .success(parts)
    }
}
