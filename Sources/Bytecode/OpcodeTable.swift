// The opcode table: one row per instruction. Read by everything else; restated nowhere.

private func row(
    _ mnemonic: String, _ immediates: [(ImmediateKind, ImmediateRole)], _ effect: StackEffect,
    gas: UInt16, _ flags: OpcodeFlags, _ summary: String
) -> OpcodeInfo {
    OpcodeInfo(
        mnemonic: mnemonic, immediates: immediates.map(\.0), roles: immediates.map(\.1), effect: effect,
        gas: gas, flags: flags, summary: summary)
}

private func row(_ m: String, _ e: StackEffect, gas: UInt16, _ flags: OpcodeFlags = [], _ summary: String) -> OpcodeInfo {
    row(m, [], e, gas: gas, flags, summary)
}

private func row(
    _ m: String, _ imms: [(ImmediateKind, ImmediateRole)], _ e: StackEffect, gas: UInt16, _ summary: String
) -> OpcodeInfo {
    row(m, imms, e, gas: gas, [], summary)
}

private func row(_ m: String, _ e: StackEffect, gas: UInt16, _ summary: String) -> OpcodeInfo {
    row(m, [], e, gas: gas, [], summary)
}

private func fixed(_ pops: [Operand], _ pushes: [Operand]) -> StackEffect { .fixed(pops: pops, pushes: pushes) }

private let intBinary = fixed([.int, .int], [.int])
private let intCompare = fixed([.int, .int], [.bool])
private let decBinary = fixed([.dec, .dec], [.dec])
private let decCompare = fixed([.dec, .dec], [.bool])
private let boolBinary = fixed([.bool, .bool], [.bool])

extension Opcode {
    /// The row for this opcode.
    public var info: OpcodeInfo { Opcode.table[Int(rawValue)].unsafelyUnwrapped }

    /// The row for every byte value: `nil` where no opcode is assigned.
    public static let table: [OpcodeInfo?] = {
        var t = [OpcodeInfo?](repeating: nil, count: 256)
        for op in Opcode.allCases { t[Int(op.rawValue)] = op.makeInfo() }
        return t
    }()

    /// The plain-value summary of this opcode's row.
    public var layout: OpcodeLayout { Opcode.layouts[Int(rawValue)] }

    /// `OpcodeLayout` of every byte value's row (an empty layout where no opcode is assigned).
    public static let layouts: [OpcodeLayout] = table.map(OpcodeLayout.init)

    /// The opcode whose mnemonic is `mnemonic`.
    public static func named(_ mnemonic: String) -> Opcode? { byMnemonic[mnemonic] }

    private static let byMnemonic: [String: Opcode] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.makeInfo().mnemonic, $0) })

    // swiftlint:disable:next function_body_length cyclomatic_complexity
    private func makeInfo() -> OpcodeInfo {
        switch self {
        // MARK: constants, stack and locals
        case .nop: row("nop", fixed([], []), gas: 1, "do nothing")
        case .pushInt: row("push_int", [(.i64, .value)], fixed([], [.int]), gas: 1, "push a 64-bit signed integer as an Int")
        case .pushConst: row("push_const", [(.u16, .constant)], .special("-> T (the constant's type)"), gas: 1, [.dynamicGas], "push a constant-pool entry (a string, bytes, address or hash is allocated on first use in a call)")
        case .pushTrue: row("push_true", fixed([], [.bool]), gas: 1, "push true")
        case .pushFalse: row("push_false", fixed([], [.bool]), gas: 1, "push false")
        case .pop: row("pop", .special("T ->"), gas: 1, "drop the top value")
        case .dup: row("dup", .special("T -> T T"), gas: 1, "duplicate the top value (a handle, not the object)")
        case .swap: row("swap", .special("A B -> B A"), gas: 1, "exchange the two top values")
        case .localGet: row("local_get", [(.u16, .local)], .special("-> T (the local's type)"), gas: 1, "push a local")
        case .localSet: row("local_set", [(.u16, .local)], .special("T ->"), gas: 1, "pop into a local")
        case .localTee: row("local_tee", [(.u16, .local)], .special("T -> T"), gas: 1, "copy the top value into a local")

        // MARK: Int
        case .addInt: row("add_int", intBinary, gas: 2, "a + b; traps on overflow")
        case .subInt: row("sub_int", intBinary, gas: 2, "a - b; traps on overflow")
        case .mulInt: row("mul_int", intBinary, gas: 3, "a * b; traps on overflow")
        case .divInt: row("div_int", intBinary, gas: 5, "a / b truncated toward zero; traps on zero divisor and overflow")
        case .modInt: row("mod_int", intBinary, gas: 5, "a % b with the dividend's sign; traps on zero divisor")
        case .negInt: row("neg_int", fixed([.int], [.int]), gas: 2, "-a; traps on overflow")
        case .eqInt: row("eq_int", intCompare, gas: 2, "a == b")
        case .neInt: row("ne_int", intCompare, gas: 2, "a != b")
        case .ltInt: row("lt_int", intCompare, gas: 2, "a < b")
        case .leInt: row("le_int", intCompare, gas: 2, "a <= b")
        case .gtInt: row("gt_int", intCompare, gas: 2, "a > b")
        case .geInt: row("ge_int", intCompare, gas: 2, "a >= b")

        // MARK: Dec
        case .addDec: row("add_dec", decBinary, gas: 2, "a + b; traps on overflow")
        case .subDec: row("sub_dec", decBinary, gas: 2, "a - b; traps on overflow")
        case .mulDec: row("mul_dec", decBinary, gas: 6, "a * b rounded toward zero; traps on overflow")
        case .divDec: row("div_dec", decBinary, gas: 8, "a / b rounded toward zero; traps on zero divisor and overflow")
        case .negDec: row("neg_dec", fixed([.dec], [.dec]), gas: 2, "-a; traps on overflow")
        case .eqDec: row("eq_dec", decCompare, gas: 2, "a == b")
        case .neDec: row("ne_dec", decCompare, gas: 2, "a != b")
        case .ltDec: row("lt_dec", decCompare, gas: 2, "a < b")
        case .leDec: row("le_dec", decCompare, gas: 2, "a <= b")
        case .gtDec: row("gt_dec", decCompare, gas: 2, "a > b")
        case .geDec: row("ge_dec", decCompare, gas: 2, "a >= b")
        case .intToDec: row("int_to_dec", fixed([.int], [.dec]), gas: 3, "dec(a); traps on overflow")
        case .decToInt: row("dec_to_int", fixed([.dec], [.int]), gas: 3, "int(a), truncated toward zero")

        // MARK: Bool
        case .not: row("not", fixed([.bool], [.bool]), gas: 1, "!a")
        case .and: row("and", boolBinary, gas: 1, "a && b (both already evaluated)")
        case .or: row("or", boolBinary, gas: 1, "a || b (both already evaluated)")
        case .eqBool: row("eq_bool", boolBinary, gas: 1, "a == b")
        case .neBool: row("ne_bool", boolBinary, gas: 1, "a != b")

        // MARK: blobs
        case .eqBlob: row("eq_blob", .special("T T -> bool (T: address, hash, string or bytes)"), gas: 3, [.dynamicGas], "equal contents")
        case .neBlob: row("ne_blob", .special("T T -> bool (T: address, hash, string or bytes)"), gas: 3, [.dynamicGas], "different contents")
        case .concat: row("concat", .special("T T -> T (T: string or bytes)"), gas: 3, [.dynamicGas], "a + b, a new string or bytes")
        case .blobLen: row("blob_len", .special("T -> int (T: string or bytes)"), gas: 2, "length in bytes")
        case .sha256: row("sha256", .special("T -> hash (T: string or bytes)"), gas: 100, [.dynamicGas], "SHA-256 of the bytes")
        case .toBytes: row("to_bytes", .special("T -> bytes (T: string, address or hash)"), gas: 3, [.dynamicGas], "the same bytes, as bytes")
        case .intToString: row("int_to_string", fixed([.int], [.string]), gas: 10, [.dynamicGas], "decimal text of an Int")
        case .byteAt: row("byte_at", fixed([.bytes, .int], [.int]), gas: 2, "the byte at an index, 0...255; traps out of range")

        // MARK: control
        case .jump: row("jump", [(.u32, .target)], fixed([], []), gas: 2, [.branch, .terminator], "continue at target")
        case .jumpIf: row("jump_if", [(.u32, .target)], fixed([.bool], []), gas: 2, [.branch], "continue at target if true")
        case .jumpUnless: row("jump_unless", [(.u32, .target)], fixed([.bool], []), gas: 2, [.branch], "continue at target if false")
        case .call: row("call", [(.u16, .function)], .special("params -> results"), gas: 10, [.dynamicGas], "call a function of this module (plus 1 gas per 8 locals it zeroes)")
        case .ret: row("ret", .special("results ->"), gas: 2, [.terminator], "return the function's results to the caller")
        case .revert: row("revert", fixed([.string], []), gas: 2, [.terminator], "revert the call with a message")
        case .assertFail: row("assert_fail", fixed([], []), gas: 2, [.terminator], "revert with 'assertion failed'")

        // MARK: memory
        case .listNew: row("list_new", [(.u16, .type)], .special("-> list<T> (the type immediate)"), gas: 5, [.dynamicGas], "a new empty list")
        case .listLit: row("list_lit", [(.u16, .type), (.u16, .count)], .special("T*count -> list<T>"), gas: 5, [.dynamicGas], "a new list of the top `count` values")
        case .listLen: row("list_len", .special("list<T> -> int"), gas: 2, "number of elements")
        case .listGet: row("list_get", .special("list<T> int -> T"), gas: 2, "element at an index; traps out of range")
        case .listSet: row("list_set", .special("list<T> int T ->"), gas: 2, "replace the element at an index; traps out of range")
        case .listPush: row("list_push", .special("list<T> T ->"), gas: 3, [.dynamicGas], "append (growth copies and is charged per element)")
        case .listPop: row("list_pop", .special("list<T> -> T"), gas: 2, "remove and push the last element; traps when empty")
        case .split: row("split", .special("int list<int> -> list<int>"), gas: 20, [.dynamicGas], "parts of an amount proportional to the weights, largest remainder with ties to the lower index; the parts sum to the amount exactly; traps on a negative amount or weight, on weights summing to zero when the amount is not, and on overflow")
        case .mapNew: row("map_new", [(.u16, .type)], .special("-> map<K,V> (the type immediate)"), gas: 5, [.dynamicGas], "a new empty map")
        case .mapGet: row("map_get", .special("map<K,V> K -> V"), gas: 8, [.dynamicGas], "value at a key; the zero value when missing")
        case .mapSet: row("map_set", .special("map<K,V> K V ->"), gas: 10, [.dynamicGas], "insert or replace")
        case .mapHas: row("map_has", .special("map<K,V> K -> bool"), gas: 8, [.dynamicGas], "whether the key is present")
        case .mapRemove: row("map_remove", .special("map<K,V> K ->"), gas: 10, [.dynamicGas], "remove the key if present")
        case .mapLen: row("map_len", .special("map<K,V> -> int"), gas: 2, "number of keys")
        case .mapKeyAt: row("map_key_at", .special("map<K,V> int -> K"), gas: 3, "the i-th key in ascending order; traps out of range")
        case .mapValueAt: row("map_value_at", .special("map<K,V> int -> V"), gas: 3, "the value of the i-th key; traps out of range")
        case .structNew: row("struct_new", [(.u16, .structure)], .special("fields... -> S"), gas: 5, [.dynamicGas], "a new struct from its fields in order")
        case .structGet: row("struct_get", [(.u16, .field)], .special("S -> F"), gas: 2, "read a field")
        case .structSet: row("struct_set", [(.u16, .field)], .special("S F ->"), gas: 2, "write a field")
        case .copy: row("copy", .special("S -> S (S: list, map or struct)"), gas: 3, [.dynamicGas], "deep copy of a list, map or struct (value semantics)")

        // MARK: storage
        case .sload: row("sload", [(.u16, .stateVar)], .special("-> T (the variable's type)"), gas: 500, [.host, .dynamicGas], "read a state variable")
        case .sstore: row("sstore", [(.u16, .stateVar)], .special("T ->"), gas: 5000, [.host, .writes, .dynamicGas], "write a state variable")
        case .smapGet: row("smap_get", [(.u16, .stateVar)], .special("K -> V"), gas: 500, [.host, .dynamicGas], "read a state map entry (zero value when missing)")
        case .smapSet: row("smap_set", [(.u16, .stateVar)], .special("K V ->"), gas: 5000, [.host, .writes, .dynamicGas], "write a state map entry")
        case .smapHas: row("smap_has", [(.u16, .stateVar)], .special("K -> bool"), gas: 500, [.host, .dynamicGas], "whether a state map has the key")
        case .smapRemove: row("smap_remove", [(.u16, .stateVar)], .special("K ->"), gas: 2500, [.host, .writes, .dynamicGas], "delete a state map entry")
        case .smapFirst: row("smap_first", [(.u16, .stateVar)], .special("-> K bool"), gas: 500, [.host, .dynamicGas], "the smallest key and true, or a zero key and false")
        case .smapNext: row("smap_next", [(.u16, .stateVar)], .special("K -> K bool"), gas: 500, [.host, .dynamicGas], "the next larger key and true, or a zero key and false")
        case .slistLen: row("slist_len", [(.u16, .stateVar)], .special("-> int"), gas: 500, [.host, .dynamicGas], "length of a state list")
        case .slistGet: row("slist_get", [(.u16, .stateVar)], .special("int -> T"), gas: 500, [.host, .dynamicGas], "state list element; traps out of range")
        case .slistSet: row("slist_set", [(.u16, .stateVar)], .special("int T ->"), gas: 5000, [.host, .writes, .dynamicGas], "replace a state list element; traps out of range")
        case .slistPush: row("slist_push", [(.u16, .stateVar)], .special("T ->"), gas: 10000, [.host, .writes, .dynamicGas], "append to a state list")
        case .slistPop: row("slist_pop", [(.u16, .stateVar)], .special("-> T"), gas: 7500, [.host, .writes, .dynamicGas], "remove the last element of a state list; traps when empty")

        // MARK: the world
        case .caller: row("caller", fixed([], [.address]), gas: 2, [.host, .dynamicGas], "the direct caller")
        case .origin: row("origin", fixed([], [.address]), gas: 2, [.host, .dynamicGas], "the transaction's signer")
        case .selfAddress: row("self", fixed([], [.address]), gas: 2, [.host, .dynamicGas], "this contract's address")
        case .callValue: row("value", fixed([], [.int]), gas: 2, [.host], "native tokens sent with this call")
        case .blockHeight: row("block_height", fixed([], [.int]), gas: 2, [.host], "the current block's height")
        case .blockTime: row("block_time", fixed([], [.int]), gas: 2, [.host], "the current block's time")
        case .gasLeft: row("gas_left", fixed([], [.int]), gas: 2, "gas remaining after this instruction's own cost")
        case .balance: row("balance", fixed([.address], [.int]), gas: 500, [.host], "native-token balance of an account")
        case .transfer: row("transfer", fixed([.address, .int], []), gas: 5000, [.host, .writes], "send native tokens from this contract; reverts 'insufficient balance'")
        case .emit: row("emit", [(.u16, .event)], .special("fields... ->"), gas: 500, [.host, .writes, .dynamicGas], "append an event to the log")
        case .callExt: row("call_ext", [(.u16, .extern)], .special("address int params... -> results"), gas: 2000, [.host, .writes, .dynamicGas], "call another contract with a value; its revert reverts this call")
        case .tryCallExt: row("try_call_ext", [(.u16, .extern)], .special("address int params... -> results bool"), gas: 2000, [.host, .writes, .dynamicGas], "call another contract; a revert yields zero results and false")
        }
    }
}
