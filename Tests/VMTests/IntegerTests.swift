import Bytecode
import Testing
@testable import VM

// Int opcodes: checked signed 128-bit arithmetic and comparison, constants, stack and locals.

private let max = Int128.max
private let min = Int128.min

/// `a op b` on two parameters; when `b` fits in 64 bits also with `b` as `push_int` (a fused form).
private func binary(_ op: String, _ a: Int128, _ b: Int128, result: String = "int") throws -> Run {
    let source = """
        .fn public f(a: int, b: int) -> \(result)
            local_get a
            local_get b
            \(op)
            ret
        """
    let r = try run(source, "f", [.int(a), .int(b)])
    if let k = Int64(exactly: b) {
        let immediate = try run("""
            .fn public f(a: int) -> \(result)
                local_get a
                push_int \(k)
                \(op)
                ret
            """, "f", [.int(a)])
        #expect(immediate.values == r.values && immediate.reason == r.reason && immediate.gas == r.gas)
    }
    return r
}

@Test(arguments: [
    (Int128(2), Int128(3), Int128(5)), (-7, 3, -4), (max, 0, max), (max - 1, 1, max), (min + 1, -1, min),
    (Int128(Int64.max), Int128(Int64.max), Int128(Int64.max) * 2),
] as [(Int128, Int128, Int128)])
func addIntAdds(a: Int128, b: Int128, sum: Int128) throws {
    #expect(try binary("add_int", a, b).values == [.int(sum)])
}

@Test(arguments: [(max, 1), (min, -1), (max, max), (min, min)] as [(Int128, Int128)])
func addIntTrapsOnOverflow(a: Int128, b: Int128) throws {
    #expect(try binary("add_int", a, b).reason == .overflow)
}

@Test func subIntSubtractsAndTrapsOnOverflow() throws {
    #expect(try binary("sub_int", 2, 5).values == [.int(-3)])
    #expect(try binary("sub_int", min + 1, 1).values == [.int(min)])
    #expect(try binary("sub_int", min, 1).reason == .overflow)
    #expect(try binary("sub_int", 0, min).reason == .overflow)
    #expect(try binary("sub_int", max, -1).reason == .overflow)
    #expect(try binary("sub_int", -1, min).values == [.int(max)])
}

@Test func mulIntMultipliesAcrossThe64BitFastPath() throws {
    #expect(try binary("mul_int", 6, -7).values == [.int(-42)])
    // Int64.min squared is 2^126: both operands fit in 64 bits, the product only in 128.
    #expect(try binary("mul_int", Int128(Int64.min), Int128(Int64.min)).values == [.int(Int128(1) << 126)])
    #expect(try binary("mul_int", Int128(1) << 64, Int128(1) << 62).values == [.int(Int128(1) << 126)])
    #expect(try binary("mul_int", min, 1).values == [.int(min)])
    #expect(try binary("mul_int", Int128(1) << 64, Int128(1) << 63).reason == .overflow)
    #expect(try binary("mul_int", min, -1).reason == .overflow)
    #expect(try binary("mul_int", max, 2).reason == .overflow)
}

@Test(arguments: [
    (Int128(7), Int128(2), Int128(3)), (-7, 2, -3), (7, -2, -3), (-7, -2, 3), (0, 5, 0), (max, max, 1),
    (min, 1, min), (min, 2, min / 2),
    // Both fit in 64 bits but the 64-bit quotient overflows: the 128-bit path gives 2^63.
    (Int128(Int64.min), -1, Int128(1) << 63),
] as [(Int128, Int128, Int128)])
func divIntTruncatesTowardZero(a: Int128, b: Int128, q: Int128) throws {
    #expect(try binary("div_int", a, b).values == [.int(q)])
}

@Test func divIntTrapsOnZeroDivisorAndOnMinOverMinusOne() throws {
    #expect(try binary("div_int", 1, 0).reason == .divisionByZero)
    #expect(try binary("div_int", 0, 0).reason == .divisionByZero)
    #expect(try binary("div_int", min, -1).reason == .overflow)
}

@Test(arguments: [
    (Int128(7), Int128(3), Int128(1)), (-7, 3, -1), (7, -3, 1), (-7, -3, -1), (6, 3, 0), (min, -1, 0),
    (Int128(Int64.min), -1, 0), (max, 10, 7), (min, 10, -8),
] as [(Int128, Int128, Int128)])
func modIntTakesTheDividendsSign(a: Int128, b: Int128, r: Int128) throws {
    #expect(try binary("mod_int", a, b).values == [.int(r)])
}

@Test func modIntTrapsOnZeroDivisor() throws {
    #expect(try binary("mod_int", 5, 0).reason == .divisionByZero)
}

@Test func negIntNegatesAndTrapsOnMin() throws {
    let source = ".fn public f(a: int) -> int\n    local_get a\n    neg_int\n    ret"
    #expect(try run(source, "f", [.int(5)]).values == [.int(-5)])
    #expect(try run(source, "f", [.int(max)]).values == [.int(-max)])
    #expect(try run(source, "f", [.int(min)]).reason == .overflow)
}

@Test(arguments: [(1, 2), (2, 1), (3, 3), (min, max), (max, min), (-1, 0), (min, min)] as [(Int128, Int128)])
func intComparisonsMatchSwift(a: Int128, b: Int128) throws {
    let cases: [(String, Bool)] = [
        ("eq_int", a == b), ("ne_int", a != b), ("lt_int", a < b), ("le_int", a <= b), ("gt_int", a > b),
        ("ge_int", a >= b),
    ]
    for (op, expected) in cases {
        #expect(try binary(op, a, b, result: "bool").values == [.bool(expected)], "\(op) \(a) \(b)")
    }
}

@Test func comparisonsFusedIntoBranchesTakeTheSameDirection() throws {
    for op in ["eq_int", "ne_int", "lt_int", "le_int", "gt_int", "ge_int"] {
        for jump in ["jump_if", "jump_unless"] {
            let source = """
                .fn public f(a: int, b: int) -> int
                    local_get a
                    local_get b
                    \(op)
                    \(jump) yes
                    push_int 0
                    ret
                yes:
                    push_int 1
                    ret
                """
            for (a, b) in [(Int128(1), Int128(2)), (2, 1), (2, 2), (min, max)] {
                let holds: Bool = switch op {
                case "eq_int": a == b
                case "ne_int": a != b
                case "lt_int": a < b
                case "le_int": a <= b
                case "gt_int": a > b
                default: a >= b
                }
                let taken = jump == "jump_if" ? holds : !holds
                #expect(try run(source, "f", [.int(a), .int(b)]).values == [.int(taken ? 1 : 0)], "\(op) \(jump)")
            }
        }
    }
}

// MARK: - constants, stack and locals

@Test func pushIntAndPushConstReachBothEndsOfTheirRanges() throws {
    #expect(try eval("int", "    push_int -9223372036854775808").values == [.int(Int128(Int64.min))])
    #expect(try eval("int", "    push_int 9223372036854775807").values == [.int(Int128(Int64.max))])
    #expect(try eval("int", "    push_const \(max)").values == [.int(max)])
    #expect(try eval("int", "    push_const \(min)").values == [.int(min)])
    #expect(try eval("dec", "    push_const -2.5d").values == [.dec(-2_500_000_000_000_000_000)])
    #expect(try eval("string", "    push_const \"hi\"").values == [.string("hi")])
    #expect(try eval("bytes", "    push_const x\"00ff\"").values == [.bytes([0, 255])])
    #expect(try eval("bool", "    push_true").values == [.bool(true)])
    #expect(try eval("bool", "    push_false").values == [.bool(false)])
}

@Test func pushConstOfABlobCostsItsAllocationOncePerRun() throws {
    // A 40-byte string takes 1 + ceil(40 / 16) = 4 arena words; the second push reuses the handle.
    let text = String(repeating: "x", count: 40)
    let once = try eval("string", "    push_const \"\(text)\"")
    let twice = try eval("string", "    push_const \"\(text)\"\n    pop\n    push_const \"\(text)\"")
    let words = Int64(Arena.blobWords(40))
    #expect(words == 4)
    #expect(once.gas == Int64(Opcode.pushConst.info.gas + Opcode.ret.info.gas) + words)
    #expect(twice.gas == once.gas + Int64(Opcode.pop.info.gas + Opcode.pushConst.info.gas))
}

@Test func stackShufflingOpcodes() throws {
    // 1 2 swap -> 2 1; sub -> 1; dup add -> 2; nop; push 9 pop -> 2
    let r = try eval("int", """
            push_int 1
            push_int 2
            swap
            sub_int
            dup
            add_int
            nop
            push_int 9
            pop
        """)
    #expect(r.values == [.int(2)])
}

@Test func localsGetSetAndTee() throws {
    let source = """
        .fn public f(a: int) -> (int, int, int)
            .local x: int
            .local y: int
            local_get y
            push_int 3
            local_tee x
            local_get a
            add_int
            local_set y
            local_get x
            local_get y
            ret
        """
    // y starts at zero; x = 3; y = 3 + a.
    #expect(try run(source, "f", [.int(10)]).values == [.int(0), .int(3), .int(13)])
}

// MARK: - fused forms (run fused and unfused by `run`, which expects identical outcomes)

@Test func fusedArithmeticFormsTrapLikeTheInstructionsTheyReplace() throws {
    let programs: [(String, [Value], TrapReason?)] = [
        // local_get a, push_int 1, add_int, local_set a (incLocal) without overflow
        ("    local_get a\n    push_int 1\n    add_int\n    local_set a\n    local_get a",
         [.int(max - 1), .int(0)], nil),
        ("    local_get a\n    local_get b\n    add_int\n    local_set a\n    local_get a",
         [.int(max - 1), .int(1)], nil),
        ("    local_get a\n    local_get b\n    sub_int", [.int(min), .int(1)], .overflow),
        ("    local_get a\n    local_get b\n    mul_int", [.int(max), .int(2)], .overflow),
        ("    local_get a\n    push_int 1\n    sub_int", [.int(min), .int(0)], .overflow),
        ("    local_get a\n    push_int 2\n    mul_int", [.int(max), .int(0)], .overflow),
        ("    local_get a\n    push_int 0\n    mod_int", [.int(1), .int(0)], .divisionByZero),
        ("    local_get a\n    push_int -1\n    div_int", [.int(min), .int(0)], .overflow),
        ("    local_get a\n    local_get b\n    add_int\n    push_int 2\n    mul_int",
         [.int(max / 2 + 1), .int(0)], .overflow),
        ("    local_get a\n    local_get b\n    add_int\n    push_int 0\n    div_int",
         [.int(1), .int(0)], .divisionByZero),
        ("    local_get a\n    local_get b\n    add_int\n    push_int 0\n    mod_int",
         [.int(1), .int(0)], .divisionByZero),
        ("    local_get a\n    local_get b\n    add_int\n    push_int 1\n    add_int", [.int(max), .int(0)], .overflow),
        ("    local_get a\n    local_get b\n    add_int\n    push_int 1\n    sub_int", [.int(min), .int(0)], .overflow),
        ("    local_get a\n    local_get b\n    add_int\n    push_int 3\n    mod_int", [.int(-7), .int(0)], nil),
    ]
    for (body, args, reason) in programs {
        let r = try run(".fn public f(a: int, b: int) -> int\n\(body)\n    ret", "f", args)
        #expect(r.reason == reason, "\(body)")
    }
}

@Test func fusedBranchAgainstAnImmediate() throws {
    let source = """
        .fn public f(a: int) -> int
            local_get a
            push_int -5
            lt_int
            jump_if small
            push_int 0
            ret
        small:
            push_int 1
            ret
        """
    #expect(try run(source, "f", [.int(-6)]).values == [.int(1)])
    #expect(try run(source, "f", [.int(-5)]).values == [.int(0)])
    #expect(try run(source, "f", [.int(min)]).values == [.int(1)])
}

@Test func aJumpIntoTheMiddleOfAFusableSequenceLandsThere() throws {
    let source = """
        .fn public f(c: bool) -> int
            .local x: int
            push_int 100
            local_get c
            jump_if mid
            pop
            local_get x
        mid:
            push_int 1
            add_int
            ret
        """
    #expect(try run(source, "f", [.bool(true)]).values == [.int(101)])
    #expect(try run(source, "f", [.bool(false)]).values == [.int(1)])
}

@Test()
func fusedIncrementsThatOverflowChargeLikeTheUnfusedCode() throws {
    // Unfused, the trap at add_int has charged local_get + push_int/local_get + add_int = 4 gas; the fused
    // incLocal / addSetLL precharge local_set too and report 5 gas used for the same reverted call.
    for body in [
        "    local_get a\n    push_int 1\n    add_int\n    local_set a\n    local_get a",
        "    local_get a\n    local_get b\n    add_int\n    local_set a\n    local_get a",
    ] {
        let p = ".fn public f(a: int, b: int) -> int\n\(body)\n    ret"
        let plain = call(try program(p, fuse: false), "f", [.int(max), .int(1)])
        let fused = call(try program(p, fuse: true), "f", [.int(max), .int(1)])
        #expect(plain.trap?.reason == .overflow && fused.trap?.reason == .overflow)
        #expect(plain.gasUsed == 4)
        #expect(fused.gasUsed == plain.gasUsed)
        // With exactly 4 gas the unfused code traps with overflow; the fused code runs out of gas instead.
        let plainAt4 = call(try program(p, fuse: false), "f", [.int(max), .int(1)], gas: 4)
        let fusedAt4 = call(try program(p, fuse: true), "f", [.int(max), .int(1)], gas: 4)
        #expect(plainAt4.trap?.reason == .overflow)
        #expect(fusedAt4.trap?.reason == plainAt4.trap?.reason)
    }
}

// MARK: - seeded differential test against Swift's checked arithmetic

/// An operand of a random size class: small, around the 64-bit boundary, or full 128-bit.
private func operand(_ rng: inout SplitMix64) -> Int128 {
    let bits = Int128(Int64(bitPattern: rng.next())) << 64 | Int128(rng.next())
    switch rng.next() % 6 {
    case 0: return Int128(Int8(truncatingIfNeeded: rng.next()))
    case 1: return Int128(Int64(bitPattern: rng.next()))
    case 2: return Int128(Int64.max) + Int128(Int8(truncatingIfNeeded: rng.next()))
    case 3: return Int128(Int64.min) + Int128(Int8(truncatingIfNeeded: rng.next()))
    case 4: return [min, max, 0, -1, 1][Int(rng.next() % 5)]
    default: return bits >> Int128(rng.next() % 128)
    }
}

@Test func randomOperandsMatchSwiftsCheckedArithmetic() throws {
    let ops: [(String, (Int128, Int128) -> TrapReason?, (Int128, Int128) -> Int128)] = [
        ("add_int", { $0.addingReportingOverflow($1).overflow ? .overflow : nil }, { $0 &+ $1 }),
        ("sub_int", { $0.subtractingReportingOverflow($1).overflow ? .overflow : nil }, { $0 &- $1 }),
        ("mul_int", { $0.multipliedReportingOverflow(by: $1).overflow ? .overflow : nil }, { $0 &* $1 }),
        ("div_int", { $1 == 0 ? .divisionByZero : $0.dividedReportingOverflow(by: $1).overflow ? .overflow : nil },
         { $0.dividedReportingOverflow(by: $1).partialValue }),
        // Swift's remainder takes the dividend's sign, as mod_int must; Int128.min % -1 is 0.
        ("mod_int", { _, b in b == 0 ? .divisionByZero : nil },
         { $0.remainderReportingOverflow(dividingBy: $1).partialValue }),
    ]
    var rng = SplitMix64(seed: 2026)
    for (op, trap, value) in ops {
        let source = ".fn public f(a: int, b: int) -> int\n    local_get a\n    local_get b\n    \(op)\n    ret"
        let plain = try program(source, fuse: false), fused = try program(source)
        for _ in 0..<300 {
            let a = operand(&rng), b = operand(&rng)
            for p in [plain, fused] {
                let r = call(p, "f", [.int(a), .int(b)])
                if let reason = trap(a, b) {
                    #expect(r.trap?.reason == reason, "\(a) \(op) \(b)")
                } else {
                    #expect(r.values == [.int(value(a, b))], "\(a) \(op) \(b)")
                }
            }
        }
    }
}
