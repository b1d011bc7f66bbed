// Every message the verifier produces, in one place. Lowercase, no final period, names in quotes.
import Bytecode


/// The texts of `VerificationError.message`.
enum Message {
    // MARK: - Module tables

    static func tooManyEntries(_ table: String, count: Int, limit: Int) -> String {
        "too many \(table): \(count) (at most \(limit))"
    }
    static func constantWrongLength(_ index: Int, kind: String, count: Int) -> String {
        "constant \(index): \(kind) must be 32 bytes, not \(count)"
    }
    static func constantInvalidUTF8(_ index: Int) -> String {
        "constant \(index): string is not valid UTF-8"
    }
    static func typeIndexOutOfRange(_ index: Int, count: Int, usedBy: String) -> String {
        "\(usedBy): type index \(index) out of range (\(count) types)"
    }
    static func typeNotEarlier(_ entry: Int, role: String, index: Int) -> String {
        "type \(entry): \(role) type \(index) must be an earlier entry of the type table"
    }
    static func badMapKey(_ entry: Int, key: String) -> String {
        "type \(entry): map key must be int, address, hash, string or bool, not \(key)"
    }
    static func structIndexOutOfRange(_ entry: Int, index: Int, count: Int) -> String {
        "type \(entry): struct index \(index) out of range (\(count) structs)"
    }
    static func typeTooDeep(_ name: String, limit: Int) -> String {
        "\(name) nests lists, maps and structs more than \(limit) deep"
    }
    static func structContainsItself(_ name: String) -> String {
        "struct '\(name)' contains itself"
    }
    static func duplicateName(_ what: String, _ name: String) -> String {
        "duplicate \(what) name '\(name)'"
    }
    static func emptyName(_ what: String, _ index: Int) -> String {
        "\(what) \(index) has an empty name"
    }
    static func duplicateField(_ owner: String, _ name: String, field: String) -> String {
        "\(owner) '\(name)' has two fields named '\(field)'"
    }

    // MARK: - Function signatures

    static func secondFunction(ofKind kind: String, first: String) -> String {
        "a module has at most one \(kind) function; '\(first)' is one already"
    }
    static let initHasResults = "an init function returns no results"
    static let migrateSignature = "a migrate function takes exactly one int parameter and returns no results"
    static func tooManyLocals(_ count: Int) -> String {
        "\(count) locals (parameters included) exceed the limit of \(Limits.maxLocals)"
    }
    static func maxStackTooLarge(_ value: Int) -> String {
        "declared max stack \(value) exceeds the limit of \(Limits.maxFunctionStack)"
    }
    static let emptyCode = "function has no code"
    static func codeTooLarge(_ count: Int) -> String {
        "code is \(count) bytes, more than the limit of \(Limits.maxCodeBytes)"
    }

    // MARK: - Code shape

    static func decoding(_ error: InstructionDecodingError) -> String {
        switch error {
        case .unknownOpcode(_, let byte): "unknown opcode 0x\(String(byte, radix: 16))"
        case .truncatedImmediate(_, let opcode): "truncated immediate of '\(opcode.info.mnemonic)'"
        }
    }
    static func targetPastEnd(_ target: Int, size: Int) -> String {
        "jump target \(target) is past the end of the code (\(size) bytes)"
    }
    static func targetInsideInstruction(_ target: Int) -> String {
        "jump target \(target) is inside an instruction"
    }
    static let fallsOffEnd = "control falls off the end of the function"

    // MARK: - Indices

    static func indexOutOfRange(_ what: String, _ index: Int, count: Int, in owner: String) -> String {
        "\(what) index \(index) out of range (\(owner) has \(count))"
    }

    // MARK: - Permissions

    static func callsSpecial(_ kind: String, _ name: String) -> String {
        "cannot call the \(kind) function '\(name)'"
    }
    static func viewWrites(_ mnemonic: String) -> String {
        "'\(mnemonic)' writes state, which a view function may not do"
    }
    static func viewCallsNonViewExtern(_ mnemonic: String, _ name: String) -> String {
        "'\(mnemonic)' of extern '\(name)', which is not a view, is not allowed in a view function"
    }
    static func viewCallsWriter(_ name: String) -> String {
        "a view function may not call '\(name)', which may write state"
    }

    // MARK: - Stack and types

    static func underflow(_ mnemonic: String, pops: Int, height: Int) -> String {
        "stack underflow: '\(mnemonic)' needs \(pops) value\(pops == 1 ? "" : "s") but the stack holds \(height)"
    }
    static func overflow(_ height: Int, maxStack: Int) -> String {
        "stack height \(height) exceeds the declared max stack \(maxStack)"
    }
    static func operandMismatch(_ mnemonic: String, expected: [String], found: [String]) -> String {
        "'\(mnemonic)' expects \(expected.joined(separator: ", ")) but found \(found.joined(separator: ", "))"
    }
    static func operandKind(_ mnemonic: String, expected: String, found: String) -> String {
        "'\(mnemonic)' expects \(expected) but found \(found)"
    }
    static func typeImmediateKind(_ mnemonic: String, expected: String, index: Int, found: String) -> String {
        "'\(mnemonic)' needs \(expected) type but type \(index) is \(found)"
    }
    static func fieldOutOfRange(_ mnemonic: String, field: Int, structName: String, count: Int) -> String {
        "'\(mnemonic)' field \(field) out of range: '\(structName)' has \(count) field\(count == 1 ? "" : "s")"
    }
    static func stateKind(_ mnemonic: String, expected: String, name: String, found: String) -> String {
        "'\(mnemonic)' needs \(expected) state variable but '\(name)' is \(found)"
    }
    static func retHeight(results: Int, height: Int) -> String {
        "'ret' needs exactly the \(results) result\(results == 1 ? "" : "s") on the stack but the stack holds \(height)"
    }
    static func heightMismatch(here: Int, other: Int) -> String {
        "stack height \(here) here but \(other) on another path"
    }
    static func slotMismatch(slot: Int, here: String, other: String) -> String {
        "stack slot \(slot) is \(here) here but \(other) on another path"
    }
    static func savedStacksTooLarge(limit: Int) -> String {
        "the stack types saved at branch targets exceed \(limit) slots"
    }
    static func localUnset(_ local: Int, type: String) -> String {
        "local \(local) (\(type)) may be read before it is set"
    }

    // MARK: - Verifier faults (never expected: the passes disagree with each other or with the table)

    static func internalError(_ what: String) -> String {
        "internal verifier error: \(what)"
    }
}
