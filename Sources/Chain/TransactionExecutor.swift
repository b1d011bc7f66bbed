import Bytecode
import Crypto
import StateStore
import Verifier
import VM

/// Checks and executes one signed transaction against a `WorldState`. A transaction that fails a check is
/// rejected before anything is written; an accepted one always advances the sender's nonce and pays
/// gas used × price (burnt), and its other effects happen only when it succeeds.
struct TransactionExecutor {
    let programs: ProgramCache
    let height: UInt64
    let time: UInt64

    /// What an accepted transaction will do, with everything decoded and verified.
    private enum Plan {
        case transfer(to: [UInt8], amount: Int128)
        case deploy(bytes: [UInt8], id: [UInt8], program: Program, args: [Value], authority: [UInt8],
                    policy: UpgradePolicy)
        case call(contract: [UInt8], function: String, args: [Value], value: Int128, readOnly: Bool)
        case upgrade(contract: [UInt8], record: ContractRecord, bytes: [UInt8], id: [UInt8], program: Program,
                     policy: UpgradePolicy)
    }

    /// The highest gas limit a transaction may ask for (the VM counts gas in `Int64`).
    static let maxGasLimit = UInt64(Int64.max)

    /// Executes `signed`; a `Rejection` means nothing was written. Throws `ChainError` for store failures.
    /// `checked`, the transaction's check made by the caller already (in parallel: `SignatureBatch`), saves
    /// verifying the signature and hashing the sender's key here.
    func execute(
        _ signed: SignedTransaction, state: WorldState, checked: SignatureBatch.Checked? = nil
    ) throws -> Result<Receipt, Rejection> {
        let tx = signed.transaction
        let check = checked ?? signed.checked()
        guard check.valid else { return .failure(.badSignature) }
        let senderAddress = check.senderAddress
        var sender = try state.account(senderAddress)
        guard tx.nonce == sender.nonce, sender.nonce < UInt64.max else {
            return .failure(.wrongNonce(expected: sender.nonce, got: tx.nonce))
        }
        guard tx.gasLimit <= Self.maxGasLimit else { return .failure(.gasLimitTooHigh(maximum: Self.maxGasLimit)) }
        let intrinsic = IntrinsicGas.cost(of: tx.payload)
        guard tx.gasLimit >= intrinsic else {
            return .failure(.gasLimitTooLow(required: intrinsic, given: tx.gasLimit))
        }
        var value: Int128 = 0
        switch tx.payload {
        case .transfer(_, let amount): value = amount
        case .call(_, _, _, let amount): value = amount
        default: break
        }
        let (maxFee, feeOverflow) = Int128(tx.gasLimit).multipliedReportingOverflow(by: Int128(tx.gasPrice))
        let (required, overflow) = maxFee.addingReportingOverflow(value)
        guard !feeOverflow, !overflow, sender.balance >= required else {
            return .failure(.insufficientBalance(
                required: feeOverflow || overflow ? Int128.max : required, available: sender.balance))
        }
        let plan: Plan
        switch try makePlan(tx.payload, sender: senderAddress, state: state) {
        case .success(let made): plan = made
        case .failure(let rejection): return .failure(rejection)
        }

        // Accepted: from here on the nonce advances and gas is paid whatever happens.
        sender.nonce += 1
        if case let .transfer(to, amount) = plan {
            // No code runs: the sender's record is written once, with its nonce, the amount and the fee.
            guard try state.move(amount, from: &sender, at: senderAddress, to: to) else {
                throw ChainError.store("transfer of a checked balance failed")
            }
            let receipt = Receipt(status: .success, gasUsed: intrinsic)
            Self.charge(receipt.gasUsed, price: tx.gasPrice, to: &sender)
            state.setAccount(sender, senderAddress)
            return .success(receipt)
        }
        state.setAccount(sender, senderAddress)
        let receipt = try run(
            plan, sender: senderAddress, nonce: tx.nonce, state: state, gas: Int64(tx.gasLimit - intrinsic),
            intrinsic: intrinsic)
        var payer = try state.account(senderAddress)
        Self.charge(receipt.gasUsed, price: tx.gasPrice, to: &payer)
        state.setAccount(payer, senderAddress)
        return .success(receipt)
    }

    /// Takes gas used × price from `payer`, burnt. The balance check before execution guarantees it is there
    /// (only the transaction's value left the sender); never more than the balance.
    private static func charge(_ gasUsed: UInt64, price: UInt64, to payer: inout Account) {
        let (fee, overflowed) = Int128(gasUsed).multipliedReportingOverflow(by: Int128(price))
        payer.balance -= overflowed ? payer.balance : min(fee, payer.balance)
    }

    /// Runs `payload` as `sender` would send it, on `state` (an overlay the caller discards): no signature,
    /// nonce, fee, intrinsic gas or upgrade-authority check. `sender` is first credited the value a call or a
    /// transfer sends, so a recorded transaction can be replayed whatever the sender holds now. What `Chain.simulate(_:gasLimit:)` runs.
    func dryRun(
        _ payload: Transaction.Payload, sender: [UInt8], state: WorldState, gasLimit: Int64
    ) throws -> Result<Receipt, Rejection> {
        var value: Int128 = 0
        switch payload {
        case .call(_, _, _, let amount), .transfer(_, let amount): value = amount
        default: break
        }
        guard value >= 0 else { return .failure(.badArguments("negative value")) }
        if value > 0 {
            var account = try state.account(sender)
            let (credited, overflow) = account.balance.addingReportingOverflow(value)
            guard !overflow else { return .failure(.insufficientBalance(required: value, available: account.balance)) }
            account.balance = credited
            state.setAccount(account, sender)
        }
        switch try makePlan(payload, sender: sender, state: state, checkAuthority: false) {
        case .failure(let rejection):
            return .failure(rejection)
        case .success(let plan):
            let nonce = try state.account(sender).nonce
            return .success(try run(plan, sender: sender, nonce: nonce, state: state, gas: gasLimit, intrinsic: 0))
        }
    }

    /// Executes an accepted plan: its effects, or none of them when it reverts. The receipt's gas includes
    /// `intrinsic`; events are those of the calls that stood.
    private func run(
        _ plan: Plan, sender senderAddress: [UInt8], nonce: UInt64, state: WorldState, gas: Int64, intrinsic: UInt64
    ) throws -> Receipt {
        let session = ExecutionSession(
            state: state, programs: programs, origin: senderAddress, blockHeight: height, blockTime: time)
        var receipt = Receipt(status: .success, gasUsed: intrinsic)
        switch plan {
        case let .transfer(to, amount):
            guard try state.move(amount, from: senderAddress, to: to) else {
                throw ChainError.store("transfer of a checked balance failed")
            }
        case let .deploy(bytes, id, program, args, authority, policy):
            let address = SHA256.hash(senderAddress + BigEndian.bytes(nonce))
            receipt.contract = address
            receipt.moduleID = id
            let checkpoint = state.overlay.checkpoint()
            guard try state.contract(address) == nil else {
                try state.overlay.revert(to: checkpoint)
                receipt.status = .reverted
                receipt.revertMessage = "a contract already lives at \(Hex.prefixed(address))"
                break
            }
            programs.insert(program, id: id)
            state.setModule(bytes, id: id)
            state.setContract(ContractRecord(codeID: id, version: 1, authority: authority, policy: policy), address)
            state.addVersion(
                VersionRecord(version: 1, codeID: id, height: height, by: senderAddress, policy: policy), address)
            if let initFunction = program.module.functions.first(where: { $0.kind == .`init` }) {
                let run = session.invoke(
                    contract: address, function: initFunction.name, args: args, value: 0, caller: senderAddress,
                    gasLimit: gas, readOnly: false, kinds: [.`init`])
                record(run, function: initFunction.name, into: &receipt)
            }
            if receipt.status == .reverted {
                try state.overlay.revert(to: checkpoint)
            } else {
                try state.overlay.commit(checkpoint)
            }
        case let .call(contract, function, args, value, readOnly):
            receipt.contract = contract
            let run = session.invoke(
                contract: contract, function: function, args: args, value: value, caller: senderAddress,
                gasLimit: gas, readOnly: readOnly)
            record(run, function: function, into: &receipt)
        case let .upgrade(contract, old, bytes, id, program, policy):
            receipt.contract = contract
            receipt.moduleID = id
            let checkpoint = state.overlay.checkpoint()
            programs.insert(program, id: id)
            state.setModule(bytes, id: id)
            let version = old.version + 1
            state.setContract(
                ContractRecord(codeID: id, version: version, authority: old.authority, policy: policy), contract)
            state.addVersion(
                VersionRecord(version: version, codeID: id, height: height, by: senderAddress, policy: policy),
                contract)
            if let migrate = program.module.functions.first(where: { $0.kind == .migrate }) {
                let run = session.invoke(
                    contract: contract, function: migrate.name, args: [.int(Int128(old.version))], value: 0,
                    caller: senderAddress, gasLimit: gas, readOnly: false, kinds: [.migrate])
                record(run, function: migrate.name, into: &receipt)
            }
            if receipt.status == .reverted {
                try state.overlay.revert(to: checkpoint)
            } else {
                try state.overlay.commit(checkpoint)
            }
        }
        if let failure = session.failure { throw failure }
        receipt.events = receipt.status == .success ? session.events : []
        return receipt
    }

    /// Fills `receipt` from a finished invocation: gas, results or the revert.
    private func record(_ run: ExecutionSession.Invocation, function: String, into receipt: inout Receipt) {
        let (total, overflow) = receipt.gasUsed.addingReportingOverflow(UInt64(clamping: max(0, run.gasUsed)))
        receipt.gasUsed = overflow ? UInt64.max : total
        receipt.moduleID = run.moduleID
        receipt.function = function
        switch run.outcome {
        case .success(let values):
            receipt.status = .success
            if let module = run.module, let index = module.functionIndex(named: function) {
                let types = module.functions[index].results.map {
                    Int($0) < module.types.count ? module.types[Int($0)] : .int
                }
                receipt.returnData = (try? ValueCodec.encodeSequence(values, as: types, in: module)) ?? []
            }
        case .failure(let trap):
            receipt.status = .reverted
            receipt.revertMessage = trap.message
            receipt.revertPosition = trap.position?.description ?? ""
            if let name = trap.function, let offset = trap.offset { receipt.revertLocation = "\(name)+\(offset)" }
        }
    }

    // MARK: - Checks before execution

    /// Checks `payload` from `sender` against `state`; `checkAuthority: false` (dry runs only) skips the upgrade
    /// authority, so a dry run can show what a proposed upgrade would do before it is approved.
    private func makePlan(
        _ payload: Transaction.Payload, sender: [UInt8], state: WorldState, checkAuthority: Bool = true
    ) throws -> Result<Plan, Rejection> {
        switch payload {
        case let .transfer(to, amount):
            return .success(.transfer(to: to, amount: amount))
        case let .deploy(bytes, args, authority, policy):
            let program: Program
            switch load(bytes) {
            case .success(let loaded): program = loaded
            case .failure(let rejection): return .failure(rejection)
            }
            let module = program.module
            let params = module.functions.first { $0.kind == .`init` }?.params ?? []
            switch decode(args, params, in: module, function: "init") {
            case .success(let values):
                return .success(.deploy(
                    bytes: bytes, id: ModuleCodec.id(of: bytes), program: program, args: values, authority: authority,
                    policy: policy))
            case .failure(let rejection):
                return .failure(rejection)
            }
        case let .call(contract, function, args, value):
            guard let record = try state.contract(contract) else { return .failure(.unknownContract(contract)) }
            let program = try programs.program(id: record.codeID) { try state.moduleBytes(record.codeID) }
            let module = program.module
            guard let index = module.functionIndex(named: function) else {
                let names = module.functions.filter { $0.kind == .public || $0.kind == .view }.map(\.name)
                return .failure(.unknownFunction(
                    "no function '\(function)' in contract \(Hex.prefixed(contract)) (it has: "
                        + names.joined(separator: ", ") + ")"))
            }
            let target = module.functions[index]
            guard target.kind == .public || target.kind == .view else {
                return .failure(.unknownFunction(
                    "function '\(function)' is \(target.kind.name) and cannot be called by a transaction"))
            }
            guard value == 0 || target.kind != .view else {
                return .failure(.badArguments("view function '\(function)' cannot receive value"))
            }
            switch decode(args, target.params, in: module, function: function) {
            case .success(let values):
                return .success(.call(
                    contract: contract, function: function, args: values, value: value, readOnly: target.kind == .view))
            case .failure(let rejection):
                return .failure(rejection)
            }
        case let .upgrade(contract, bytes, policy):
            guard let record = try state.contract(contract) else { return .failure(.unknownContract(contract)) }
            guard try !checkAuthority || record.authority == sender
                || approves(record.authority, contract: contract, id: ModuleCodec.id(of: bytes), sender: sender,
                            state: state)
            else { return .failure(.unauthorized(authority: record.authority)) }
            guard record.policy != .immutable else { return .failure(.policyViolation("the contract is immutable")) }
            guard record.version < UInt64.max else { return .failure(.policyViolation("no version number left")) }
            guard policy >= record.policy else {
                return .failure(.policyViolation(
                    "the policy can only get stricter: '\(record.policy)' cannot become '\(policy)'"))
            }
            let program: Program
            switch load(bytes) {
            case .success(let loaded): program = loaded
            case .failure(let rejection): return .failure(rejection)
            }
            let old = try programs.program(id: record.codeID) { try state.moduleBytes(record.codeID) }.module
            if let problem = SchemaCheck.incompatibility(old: old, new: program.module, policy: record.policy) {
                return .failure(.incompatibleSchema(problem))
            }
            return .success(.upgrade(
                contract: contract, record: record, bytes: bytes, id: ModuleCodec.id(of: bytes), program: program,
                policy: policy))
        }
    }

    /// Gas a contract authority's `approve_upgrade` may use; the check is free for the sender, so it is small.
    static let approvalGas: Int64 = 200_000

    /// Whether the contract at `authority` approves installing module `id` on `contract` for `sender`: its view
    /// function `approve_upgrade(contract: Address, module: Hash, sender: Address) -> Bool` returns true.
    /// The governance hook: a vote recorded in the authority contract lets anyone submit the upgrade.
    private func approves(
        _ authority: [UInt8], contract: [UInt8], id: [UInt8], sender: [UInt8], state: WorldState
    ) throws -> Bool {
        guard try state.contract(authority) != nil else { return false }
        let session = ExecutionSession(
            state: state, programs: programs, origin: sender, blockHeight: height, blockTime: time)
        let run = session.invoke(
            contract: authority, function: "approve_upgrade", args: [.address(contract), .hash(id), .address(sender)],
            value: 0, caller: sender, gasLimit: Self.approvalGas, readOnly: true, kinds: [.view])
        if let failure = session.failure { throw failure }
        guard case .success(let values) = run.outcome else { return false }
        return values == [.bool(true)]
    }

    /// Decodes and verifies module bytes, lowering them (or reusing the cached program).
    private func load(_ bytes: [UInt8]) -> Result<Program, Rejection> {
        let module: Module
        do {
            module = try ModuleCodec.decode(bytes)
        } catch {
            return .failure(.malformedModule("\(error)"))
        }
        do {
            return .success(Program(try Verifier.verify(module)))
        } catch {
            return .failure(.unverifiableModule("\(error)"))
        }
    }

    /// Decodes `args` as the parameters `params` of `function`.
    private func decode(
        _ args: [UInt8], _ params: [UInt16], in module: Module, function: String
    ) -> Result<[Value], Rejection> {
        var types: [TypeDesc] = []
        for param in params {
            guard Int(param) < module.types.count else { return .failure(.badArguments("unknown parameter type")) }
            types.append(module.types[Int(param)])
        }
        do {
            return .success(try ValueCodec.decodeSequence(args, as: types, in: module))
        } catch {
            return .failure(.arguments(of: function, count: params.count, "\(error)"))
        }
    }
}
