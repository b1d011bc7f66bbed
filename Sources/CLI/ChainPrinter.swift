import Bytecode
import Chain
import Tooling

/// Prints receipts, events and values of a chain as the language writes them.
struct ChainPrinter {
    let chain: Chain
    let console: Console

    /// `Name(field: value, …)`, or the raw data when the module cannot type it.
    func describe(_ event: EventRecord) -> String {
        guard let fields = chain.fields(of: event) else { return "\(event.name)(data 0x\(Hex.encode(event.data)))" }
        return "\(event.name)(" + fields.map { "\($0.name): \(TypeNames.literal($0.value))" }.joined(separator: ", ")
            + ")"
    }

    /// The event's fields by name, typed by the module that emitted it; nil when that module cannot type them.
    func fields(of event: EventRecord) -> [(name: String, value: Value)]? {
        chain.fields(of: event)
    }

    /// The event's fields by name, typed by `module`'s declaration of the event.
    static func fields(of event: EventRecord, in module: Module) -> [(name: String, value: Value)]? {
        Chain.fields(of: event, in: module)
    }

    /// The receipt's return values as `value : Type`, one per line.
    func results(_ receipt: Receipt) -> [String] {
        guard !receipt.returnData.isEmpty, let module = try? chain.module(id: receipt.moduleID),
            let index = module.functionIndex(named: receipt.function)
        else { return [] }
        let types = module.functions[index].results.map { module.types[Int($0)] }
        guard let values = try? ValueCodec.decodeSequence(receipt.returnData, as: types, in: module) else {
            return ["0x" + Hex.encode(receipt.returnData)]
        }
        return zip(values, types).map { "\(TypeNames.literal($0)) : \(TypeNames.name($1, in: module))" }
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
            console.out("  event       \(describe(event)) from \(Hex.prefixed(event.contract))")
        }
        return receipt.status == .success ? ExitCode.ok : ExitCode.failure
    }
}
