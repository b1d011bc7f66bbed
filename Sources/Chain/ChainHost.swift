import Bytecode
import StateStore
import VM

/// `VM.Host` for one running contract of a transaction: storage, balances and events go through the shared
/// `ExecutionSession` (a journaled overlay of the state); calls into other contracts run their programs there.
///
/// A class: the machine holds its host as `any Host`, and a struct this size would sit in a heap box that every
/// mutating call checks for uniqueness (~50 instructions per storage read or write); a class reference fits in the
/// existential. Nothing depends on value semantics here: every write goes to the session's overlay at once, and a
/// trap is undone by the call's overlay checkpoint (`Host`'s contract for reference-type hosts).
final class ChainHost: Host {
    let session: ExecutionSession
    let context: CallContext
    /// The running contract's module (types the events it emits).
    let module: Module
    let moduleID: [UInt8]
    /// `04 ‖ self`: the store prefix of the running contract's storage, built once per call.
    private let prefix: [UInt8]
    /// `session.state.overlay` (a constant of the session), held directly for the storage calls.
    private let overlay: Overlay

    init(session: ExecutionSession, context: CallContext, module: Module, moduleID: [UInt8]) {
        self.session = session
        self.context = context
        self.module = module
        self.moduleID = moduleID
        self.prefix = StateLayout.storagePrefix(context.selfAddress)
        self.overlay = session.state.overlay
    }

    /// `04 ‖ self ‖ key`, in one allocation.
    @inline(__always) private func absolute(_ key: [UInt8]) -> [UInt8] {
        var full: [UInt8] = []
        full.reserveCapacity(prefix.count + key.count)
        full.append(contentsOf: prefix)
        full.append(contentsOf: key)
        return full
    }

    var storageKeyPrefix: [UInt8] { prefix }

    func storageRead(absolute key: UnsafeRawBufferPointer) -> [UInt8]? {
        do {
            return try overlay.get(bytes: key)
        } catch {
            session.fail(error)
            return nil
        }
    }

    func storageWrite(absolute key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer?) {
        overlay.write(key: key, value: value)
    }

    func storageWillWrite(count: Int) {
        overlay.reserve(count)
    }

    func storageRead(_ key: [UInt8]) -> [UInt8]? {
        do {
            return try overlay.get(absolute(key))
        } catch {
            session.fail(error)
            return nil
        }
    }

    func storageWrite(_ key: [UInt8], _ value: [UInt8]?) {
        if let value {
            overlay.set(absolute(key), value)
        } else {
            overlay.delete(absolute(key))
        }
    }

    func storageNext(prefix relative: [UInt8], after key: [UInt8]?) -> [UInt8]? {
        let base = prefix
        do {
            let entry = try overlay.next(after: key.map { base + $0 }, within: base + relative)
            return entry.map { Array($0.key.dropFirst(base.count)) }
        } catch {
            session.fail(error)
            return nil
        }
    }

    func balance(of address: [UInt8]) -> Int128 {
        do {
            return try session.state.account(address).balance
        } catch {
            session.fail(error)
            return 0
        }
    }

    func transfer(to address: [UInt8], amount: Int128) -> Bool {
        do {
            return try session.state.move(amount, from: context.selfAddress, to: address)
        } catch {
            session.fail(error)
            return false
        }
    }

    func emit(event: EventDecl, values: [Value]) {
        let types = event.fields.map { Int($0.type) < module.types.count ? module.types[Int($0.type)] : .int }
        let data = (try? ValueCodec.encodeSequence(values, as: types, in: module)) ?? []
        session.events.append(
            EventRecord(contract: context.selfAddress, moduleID: moduleID, name: event.name, data: data))
    }

    func call(
        contract address: [UInt8], function: String, args: [Value], value: Int128, gasLimit: Int64, readOnly: Bool
    ) -> ExternalCallOutcome {
        let result = session.invoke(
            contract: address, function: function, args: args, value: value, caller: context.selfAddress,
            gasLimit: gasLimit, readOnly: readOnly)
        switch result.outcome {
        case .success(let values): return .returned(values, gasUsed: result.gasUsed)
        case .failure(let trap): return .reverted(trap.message, gasUsed: result.gasUsed)
        }
    }
}
