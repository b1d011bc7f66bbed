import Bytecode
import Testing
@testable import VM

// Lists, maps and structs in call memory, and deep copies.

// MARK: - lists

@Test func listPushGrowsPastItsCapacityAndKeepsEveryElement() throws {
    // Pushes i * i for i in 0 ..< n (capacity goes 0, 4, 8, 16, 32), then returns the list and its length.
    let source = """
        .fn public f(n: int) -> (list<int>, int)
            .local l: list<int>
            .local i: int
            list_new list<int>
            local_set l
            jump test
        body:
            local_get l
            local_get i
            local_get i
            mul_int
            list_push
            local_get i
            push_int 1
            add_int
            local_set i
        test:
            local_get i
            local_get n
            lt_int
            jump_if body
            local_get l
            local_get l
            list_len
            ret
        """
    for n in [0, 1, 4, 5, 17] {
        let expected = (0..<n).map { Value.int(Int128($0 * $0)) }
        #expect(try run(source, "f", [.int(Int128(n))]).values == [.list(expected), .int(Int128(n))])
    }
}

@Test func listPushChargesTheGrowthCopy() throws {
    // Five pushes onto an empty list: growth to 4 (4 words, 0 copied), then to 8 (8 words, 4 copied).
    let body = "    list_new list<int>\n    local_set l\n"
        + String(repeating: "    local_get l\n    push_int 1\n    list_push\n", count: 5)
        + "    local_get l\n    list_len"
    let source = fn("int", body, locals: "    .local l: list<int>")
    let growth = 4 * GasSchedule.perWordAllocated + 8 * GasSchedule.perWordAllocated + 4 * GasSchedule.perElementCopied
    let listNew = 2 * GasSchedule.perWordAllocated
    let r = try run(source)
    #expect(r.values == [.int(5)])
    #expect(r.gas == (try baseGas(source)) + listNew + growth)
}

@Test func listGetSetPopAndLen() throws {
    let source = """
        .fn public f() -> (int, int, int, int, list<int>)
            .local l: list<int>
            push_int 10
            push_int 20
            push_int 30
            list_lit list<int> 3
            local_set l
            local_get l
            push_int 1
            push_int 99
            list_set
            local_get l
            push_int 0
            list_get
            local_get l
            push_int 1
            list_get
            local_get l
            list_pop
            local_get l
            list_len
            local_get l
            ret
        """
    #expect(try run(source).values == [.int(10), .int(99), .int(30), .int(2), .list([.int(10), .int(99)])])
}

@Test func listLitKeepsStackOrderAndAcceptsZeroElements() throws {
    #expect(try eval("list<string>", "    push_const \"a\"\n    push_const \"b\"\n    list_lit list<string> 2").values
        == [.list([.string("a"), .string("b")])])
    #expect(try eval("list<int>", "    list_lit list<int> 0").values == [.list([])])
}

@Test func listIndexOutOfRangeTraps() throws {
    let get = ".fn public f(l: list<int>, i: int) -> int\n    local_get l\n    local_get i\n    list_get\n    ret"
    let set = ".fn public f(l: list<int>, i: int)\n    local_get l\n    local_get i\n    push_int 5\n"
        + "    list_set\n    ret"
    let items = Value.list([.int(1), .int(2)])
    for i: Int128 in [2, -1, .min, .max, 1 << 64] {
        #expect(try run(get, "f", [items, .int(i)]).reason == .indexOutOfRange, "get \(i)")
        #expect(try run(set, "f", [items, .int(i)]).reason == .indexOutOfRange, "set \(i)")
    }
    #expect(try run(get, "f", [items, .int(1)]).values == [.int(2)])
    #expect(try run(set, "f", [items, .int(1)]).values == [])
}

@Test func listPopOnAnEmptyListTraps() throws {
    let source = ".fn public f(l: list<int>) -> int\n    local_get l\n    list_pop\n    ret"
    #expect(try run(source, "f", [.list([])]).reason == .indexOutOfRange)
    #expect(try run(source, "f", [.list([.int(4)])]).values == [.int(4)])
}

// MARK: - maps

/// Inserts `keys` (as `push_const` literals) with value = position, then returns the keys in order.
private func mapSource(_ keyType: String, _ keys: [String]) -> String {
    var body = "    map_new map<\(keyType), int>\n    local_set m\n"
    for (i, k) in keys.enumerated() {
        body += "    local_get m\n    push_const \(k)\n    push_int \(i)\n    map_set\n"
    }
    return fn("map<\(keyType), int>", body + "    local_get m", locals: "    .local m: map<\(keyType), int>")
}

@Test func mapIteratesIntKeysInNumericOrderIncludingNegatives() throws {
    let keys: [Int128] = [5, -3, 100, 0, -200, Int128.min, Int128.max]
    let r = try run(mapSource("int", keys.map { "\($0)" }))
    let expected = keys.enumerated().sorted { $0.element < $1.element }
        .map { Value.MapEntry(key: .int($0.element), value: .int(Int128($0.offset))) }
    #expect(r.values == [.map(expected)])
}

@Test func mapKeyAtAndValueAtWalkAscendingKeys() throws {
    let source = """
        .fn public f() -> (int, int, int, int, int)
            .local m: map<int, int>
            map_new map<int, int>
            local_set m
            local_get m
            push_int 7
            push_int 70
            map_set
            local_get m
            push_int -7
            push_int -70
            map_set
            local_get m
            push_int 0
            map_key_at
            local_get m
            push_int 1
            map_key_at
            local_get m
            push_int 0
            map_value_at
            local_get m
            push_int 1
            map_value_at
            local_get m
            map_len
            ret
        """
    #expect(try run(source).values == [.int(-7), .int(7), .int(-70), .int(70), .int(2)])
}

@Test func mapKeyAtAndValueAtTrapOutOfRange() throws {
    for op in ["map_key_at", "map_value_at"] {
        for i: Int128 in [1, -1, .max] {
            let r = try run("""
                .fn public f(m: map<int, int>, i: int) -> int
                    local_get m
                    local_get i
                    \(op)
                    ret
                """, "f", [.map([.init(key: .int(1), value: .int(2))]), .int(i)])
            #expect(r.reason == .indexOutOfRange, "\(op) \(i)")
        }
    }
}

@Test func mapOrdersStringKeysByteWise() throws {
    let keys = ["\"b\"", "\"a\"", "\"ab\"", "\"\"", "\"B\""]
    let r = try run(mapSource("string", keys))
    let order = ["", "B", "a", "ab", "b"]
    let position = ["b": 0, "a": 1, "ab": 2, "": 3, "B": 4]
    #expect(r.values == [.map(order.map { .init(key: .string($0), value: .int(Int128(position[$0] ?? -1))) })])
}

@Test func mapSetReplacesGetHasRemoveAndLen() throws {
    let source = """
        .fn public f(m: map<string, int>) -> (int, int, bool, bool, int, map<string, int>)
            local_get m
            push_const "x"
            push_int 2
            map_set
            local_get m
            push_const "x"
            map_get
            local_get m
            push_const "missing"
            map_get
            local_get m
            push_const "y"
            map_has
            local_get m
            push_const "y"
            map_remove
            local_get m
            push_const "y"
            map_has
            local_get m
            push_const "absent"
            map_remove
            local_get m
            map_len
            local_get m
            ret
        """
    let m = Value.map([.init(key: .string("x"), value: .int(1)), .init(key: .string("y"), value: .int(9))])
    #expect(try run(source, "f", [m]).values == [
        .int(2), .int(0), .bool(true), .bool(false), .int(1), .map([.init(key: .string("x"), value: .int(2))]),
    ])
}

@Test func missingMapKeysReadAsZeroValuesOfEveryType() throws {
    let source = """
        .struct Point(x: int, tag: string, items: list<int>)
        .fn public f() -> (Point, list<int>, string, address, bool, dec)
            map_new map<int, Point>
            push_int 1
            map_get
            map_new map<bool, list<int>>
            push_true
            map_get
            map_new map<int, string>
            push_int 1
            map_get
            map_new map<int, address>
            push_int 1
            map_get
            map_new map<int, bool>
            push_int 1
            map_get
            map_new map<int, dec>
            push_int 1
            map_get
            ret
        """
    #expect(try run(source).values == [
        .structure([.int(0), .string(""), .list([])]), .list([]), .string(""), .address(address(0)), .bool(false),
        .dec(0),
    ])
}

@Test func mapWithAddressKeysOrdersByBytes() throws {
    let source = """
        .fn public f(a: address, b: address) -> address
            .local m: map<address, int>
            map_new map<address, int>
            local_set m
            local_get m
            local_get a
            push_int 1
            map_set
            local_get m
            local_get b
            push_int 2
            map_set
            local_get m
            push_int 0
            map_key_at
            ret
        """
    #expect(try run(source, "f", [.address(address(9)), .address(address(3))]).values == [.address(address(3))])
}

// MARK: - structs

@Test func structNewGetAndSet() throws {
    let source = """
        .struct Point(x: int, y: int)
        .fn public f() -> (int, int, Point)
            .local p: Point
            push_int 1
            push_int 2
            struct_new Point
            local_set p
            local_get p
            push_int 5
            struct_set Point.y
            local_get p
            struct_get Point.x
            local_get p
            struct_get %1
            local_get p
            ret
        """
    #expect(try run(source).values == [.int(1), .int(5), .structure([.int(1), .int(5)])])
}

@Test func dupSharesAHandleButCopyDoesNot() throws {
    let source = """
        .struct Box(v: int)
        .fn public f() -> (int, int)
            .local a: Box
            .local b: Box
            push_int 1
            struct_new Box
            local_tee a
            \(copyOrDup)
            local_set b
            local_get b
            push_int 2
            struct_set Box.v
            local_get a
            struct_get Box.v
            local_get b
            struct_get Box.v
            ret
        """
    // With dup, a and b are one struct; with copy, writing b leaves a alone.
    let shared = try run(source.replacingOccurrences(of: copyOrDup, with: "dup\n    pop"))
    #expect(shared.values == [.int(2), .int(2)])
    #expect(try run(source.replacingOccurrences(of: copyOrDup, with: "copy")).values == [.int(1), .int(2)])
}

private let copyOrDup = "COPY_OR_DUP"

@Test func copyIsDeepForNestedListsMapsAndStructs() throws {
    // original: Holder { items: [[1]], counts: {1: [5]} }; the copy's inner list and map value are
    // mutated; the original must be unchanged.
    let source = """
        .struct Holder(items: list<list<int>>, counts: map<int, list<int>>)
        .fn public f(h: Holder) -> (Holder, Holder)
            .local c: Holder
            local_get h
            copy
            local_set c
            local_get c
            struct_get Holder.items
            push_int 0
            list_get
            push_int 2
            list_push
            local_get c
            struct_get Holder.counts
            push_int 1
            map_get
            push_int 0
            push_int 6
            list_set
            local_get c
            struct_get Holder.counts
            push_int 3
            list_lit list<int> 0
            map_set
            local_get h
            local_get c
            ret
        """
    let original = Value.structure([
        .list([.list([.int(1)])]), .map([.init(key: .int(1), value: .list([.int(5)]))]),
    ])
    let changed = Value.structure([
        .list([.list([.int(1), .int(2)])]),
        .map([.init(key: .int(1), value: .list([.int(6)])), .init(key: .int(3), value: .list([]))]),
    ])
    #expect(try run(source, "f", [original]).values == [original, changed])
}

@Test func copyOfAListChargesPerElement() throws {
    let source = ".fn public f(l: list<int>) -> list<int>\n    local_get l\n    copy\n    ret"
    let three = try run(source, "f", [.list([.int(1), .int(2), .int(3)])])
    let five = try run(source, "f", [.list([.int(1), .int(2), .int(3), .int(4), .int(5)])])
    #expect(three.values == [.list([.int(1), .int(2), .int(3)])])
    // Two more elements: 2 more argument words, 2 more copied words and 2 more elements copied.
    #expect(five.gas - three.gas == 2 * (2 * GasSchedule.perWordAllocated + GasSchedule.perElementCopied))
}
