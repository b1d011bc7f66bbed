import Bytecode
import Chain
import Tooling

/// Prints receipts, events and values of a chain as the language writes them.
struct ChainPrinter {
    let chain: Chain
    let console: Console
    /// The names of the keystore's keys by address: printed as `@name` for people (JSON keeps the addresses).
    var names: [[UInt8]: String] = [:]

    init(chain: Chain, console: Console, keystore: Keystore? = nil) {
        self.chain = chain
        self.console = console
        for key in keystore?.keys ?? [] { names[key.address] = key.name }
    }

    /// `Name(field: value, …)`, or the raw data when the module cannot type it; with `named`, keystore accounts
    /// as `@name`.
    func describe(_ event: EventRecord, named: Bool = false) -> String {
        guard let (decl, values) = chain.decode(event) else {
            return "\(event.name)(data 0x\(Hex.encode(event.data)))"
        }
        let fields = zip(decl.fields, values).map { "\($0.name): \(literal($1, named: named))" }
        return "\(event.name)(" + fields.joined(separator: ", ") + ")"
    }

    /// `@name` of the keystore key at `address`, if there is one.
    func accountName(_ address: [UInt8]) -> String? { names[address].map { "@" + $0 } }

    /// `value` as the language writes it; with `named`, keystore accounts as `@name`.
    func literal(_ value: Value, named: Bool) -> String {
        named ? TypeNames.literal(value, naming: accountName) : TypeNames.literal(value)
    }

    /// The receipt's return values as `value : Type`, one per line.
    func results(_ receipt: Receipt) -> [String] {
        typedResults(receipt, named: true).map { $0.type.isEmpty ? $0.value : "\($0.value) : \($0.type)" }
    }

    /// The receipt's return values written as in the language, with their types (the raw bytes, untyped, when
    /// the module cannot decode them).
    func typedResults(_ receipt: Receipt, named: Bool = false) -> [(value: String, type: String)] {
        guard !receipt.returnData.isEmpty, let module = try? chain.module(id: receipt.moduleID),
            let index = module.functionIndex(named: receipt.function)
        else { return [] }
        let types = module.functions[index].results.map { module.types[Int($0)] }
        guard let values = try? ValueCodec.decodeSequence(receipt.returnData, as: types, in: module) else {
            return [("0x" + Hex.encode(receipt.returnData), "")]
        }
        return zip(values, types).map { (literal($0, named: named), TypeNames.name($1, in: module)) }
    }

    /// The receipt as `--json` prints it; the same facts as `print`.
    func json(_ receipt: Receipt, hash: [UInt8], height: UInt64, index: Int) -> JSONValue {
        var fields: [String: JSONValue] = [
            "transaction": .string(Hex.prefixed(hash)), "block": .int(height), "index": .int(index),
            "status": .string(receipt.status == .success ? "success" : "reverted"), "gas_used": .int(receipt.gasUsed),
            "contract": receipt.contract.isEmpty ? .null : .string(Hex.prefixed(receipt.contract)),
            "function": receipt.function.isEmpty ? .null : .string(receipt.function),
            "returned": .array(typedResults(receipt).map { .object(["value": .string($0.value), "type": .string($0.type)]) }),
            "events": .array(receipt.events.map {
                .object(["event": .string(describe($0)), "contract": .string(Hex.prefixed($0.contract))])
            }),
        ]
        if receipt.status != .success {
            let place = receipt.revertPosition.isEmpty ? receipt.revertLocation : receipt.revertPosition
            fields["revert"] = .object(["message": .string(receipt.revertMessage), "at": .string(place)])
        }
        return .object(fields)
    }

    /// Prints a receipt; returns the exit code it stands for (1 when reverted).
    @discardableResult
    func print(_ receipt: Receipt, hash: [UInt8], height: UInt64, index: Int) -> Int32 {
        console.out("transaction \(Hex.prefixed(hash))")
        console.out("  block       \(height), index \(index)")
        if receipt.status == .success {
            console.out("  status      success")
        } else {
            let place = receipt.revertPosition.isEmpty ? receipt.revertLocation : receipt.revertPosition
            console.out("  status      reverted: \(receipt.revertMessage)" + (place.isEmpty ? "" : " at \(place)"))
        }
        console.out("  gas used    \(receipt.gasUsed)")
        if !receipt.contract.isEmpty { console.out("  contract    \(Hex.prefixed(receipt.contract))") }
        if !receipt.function.isEmpty { console.out("  function    \(receipt.function)") }
        for line in results(receipt) { console.out("  returned    \(line)") }
        for event in receipt.events {
            console.out("  event       \(describe(event, named: true)) from \(Hex.prefixed(event.contract))")
        }
        return receipt.status == .success ? ExitCode.ok : ExitCode.failure
    }
}
