import Bytecode

/// Who is calling, with what, and when: the environment of one call.
public struct CallContext: Hashable, Sendable {
    /// The direct caller (an account or a contract), 32 bytes.
    public var caller: [UInt8]
    /// The transaction's signer, 32 bytes.
    public var origin: [UInt8]
    /// The running contract, 32 bytes.
    public var selfAddress: [UInt8]
    /// Native tokens sent with the call.
    public var value: Int128
    public var blockHeight: Int128
    public var blockTime: Int128

    public init(
        caller: [UInt8], origin: [UInt8], selfAddress: [UInt8], value: Int128 = 0, blockHeight: Int128 = 0,
        blockTime: Int128 = 0
    ) {
        self.caller = caller
        self.origin = origin
        self.selfAddress = selfAddress
        self.value = value
        self.blockHeight = blockHeight
        self.blockTime = blockTime
    }
}

/// The result of a call into another contract.
public enum ExternalCallOutcome: Sendable {
    /// The callee returned these values and used this much gas.
    case returned([Value], gasUsed: Int64)
    /// The callee (or the host, e.g. `reentrant call`, unknown function) reverted with a message.
    case reverted(String, gasUsed: Int64)
}

/// Everything outside the VM a contract can touch. The chain implements it with a journaled overlay
/// over the state store; tests use `MemoryHost`. The VM is generic over its host, so calls are static.
///
/// Storage keys are relative to the running contract: the host prefixes the contract's address.
///
/// When a call traps, `Interpreter.call` hands a value-type host back unchanged (its copy with the
/// call's writes is dropped). A reference-type host sees writes as they happen and must revert them
/// itself on a trap — the chain's host does so with overlay checkpoints.
public protocol Host {
    var context: CallContext { get }
    /// The value stored at `key`, or nil.
    mutating func storageRead(_ key: [UInt8]) -> [UInt8]?
    /// Stores `value` at `key`; `nil` deletes.
    mutating func storageWrite(_ key: [UInt8], _ value: [UInt8]?)
    /// The bytes the host puts before every relative key (the chain: `04 ‖ contract`). The machine's storage
    /// cache builds whole keys with this prefix in a stack buffer and passes them to the `absolute` calls, so a
    /// scalar map entry costs no array. Default: empty (the absolute key is the relative key).
    var storageKeyPrefix: [UInt8] { get }
    /// `storageRead` of a whole key (`storageKeyPrefix ‖ key`), borrowed (bytes bound to `UInt8`, valid only
    /// during the call).
    mutating func storageRead(absolute key: UnsafeRawBufferPointer) -> [UInt8]?
    /// `storageWrite` of a whole key (`storageKeyPrefix ‖ key`) and value (`nil` deletes), both borrowed: a host
    /// that keeps them copies them.
    mutating func storageWrite(absolute key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer?)
    /// A hint that about `count` storage writes follow (the machine's storage cache is about to flush them), so
    /// the host can make room at once. Default: nothing.
    mutating func storageWillWrite(count: Int)
    /// The smallest key that starts with `prefix` and is greater than `key` (or the smallest with the
    /// prefix when `key` is nil), in unsigned byte order.
    mutating func storageNext(prefix: [UInt8], after key: [UInt8]?) -> [UInt8]?
    /// Native-token balance of an account or contract.
    mutating func balance(of address: [UInt8]) -> Int128
    /// Moves `amount` from the running contract to `to`; false when the contract holds less.
    mutating func transfer(to address: [UInt8], amount: Int128) -> Bool
    /// Appends an event to the log.
    mutating func emit(event: EventDecl, values: [Value])
    /// Calls `function` of the contract at `address` with `value` tokens and at most `gasLimit` gas.
    /// `readOnly` calls may not write (a view function, or any call made from a view call).
    mutating func call(
        contract address: [UInt8], function: String, args: [Value], value: Int128, gasLimit: Int64,
        readOnly: Bool
    ) -> ExternalCallOutcome
}

extension Host {
    public var storageKeyPrefix: [UInt8] { [] }

    public mutating func storageWillWrite(count: Int) {}

    public mutating func storageRead(absolute key: UnsafeRawBufferPointer) -> [UInt8]? {
        storageRead(relativeKey(key, dropping: storageKeyPrefix.count))
    }

    public mutating func storageWrite(absolute key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer?) {
        storageWrite(relativeKey(key, dropping: storageKeyPrefix.count), value.map { byteArray($0) })
    }
}

/// The relative key of a whole key: without the first `count` bytes (the prefix).
private func relativeKey(_ key: UnsafeRawBufferPointer, dropping count: Int) -> [UInt8] {
    byteArray(UnsafeRawBufferPointer(rebasing: key[min(count, key.count)...]))
}

/// A new array holding `bytes` (bound to `UInt8`).
private func byteArray(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    Array(UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
}
