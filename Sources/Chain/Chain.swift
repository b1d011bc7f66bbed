import Bytecode
import Crypto
import StateStore
import VM

/// A chain over a `KeyValueStore`: genesis, producing and applying blocks atomically, and reading back state,
/// blocks, receipts and contract history. One instance per store, used from one thread at a time.
public final class Chain {
    /// The store holding state (in the Merkle root) and the archive of blocks and receipts.
    public let store: any KeyValueStore
    let programs: ProgramCache

    /// A chain over `store` (initialized or not).
    public init(store: any KeyValueStore) {
        self.store = store
        self.programs = ProgramCache()
    }

    /// A chain over `store` sharing `programs` with another chain (the same modules are lowered once).
    init(store: any KeyValueStore, programs: ProgramCache) {
        self.store = store
        self.programs = programs
    }

    // MARK: - Genesis

    /// Whether the store holds a genesis block.
    public var isInitialized: Bool {
        get throws { try store.archived(ArchiveLayout.blockKey(0)) != nil }
    }

    /// Writes `genesis` as block 0: funds its accounts and records it. Throws `alreadyInitialized` on a chain
    /// that has one.
    @discardableResult
    public func initialize(_ genesis: Genesis) throws -> Block {
        guard try !isInitialized, store.height == 0 else { throw ChainError.alreadyInitialized }
        let overlay = Overlay(base: store)
        let state = WorldState(overlay)
        for allocation in genesis.allocations {
            state.setAccount(Account(balance: allocation.balance), allocation.address)
        }
        var block = Block(header: BlockHeader(
            height: 0, time: genesis.time, parentHash: SparseMerkleTree.emptyRoot,
            transactionsRoot: BlockHeader.transactionsRoot(of: []), stateRoot: [],
            receiptsRoot: Receipt.root(of: [])), transactions: [])
        try store.commit(overlay.changes, height: 0) { root in
            block.header.stateRoot = root
            return [
                Write(key: ArchiveLayout.genesisKey, value: genesis.encoded),
                Write(key: ArchiveLayout.blockKey(0), value: block.encoded),
                Write(key: ArchiveLayout.receiptsKey(0), value: Receipt.encodeList([])),
            ]
        }
        return block
    }

    /// The genesis the chain started from.
    public func genesis() throws -> Genesis {
        guard let bytes = try store.archived(ArchiveLayout.genesisKey) else { throw ChainError.notInitialized }
        return try Genesis(decoding: bytes)
    }

    // MARK: - Blocks

    /// The latest block.
    public func head() throws -> Block {
        guard let block = try block(at: store.height) else { throw ChainError.notInitialized }
        return block
    }

    /// The latest block's header, decoded without its transactions (what producing a block needs of its parent).
    public func headHeader() throws -> BlockHeader {
        guard let bytes = try store.archived(ArchiveLayout.blockKey(store.height)) else {
            throw ChainError.notInitialized
        }
        return try Block.header(decoding: bytes)
    }

    /// The block at `height`, if the chain has one.
    public func block(at height: UInt64) throws -> Block? {
        guard let bytes = try store.archived(ArchiveLayout.blockKey(height)) else { return nil }
        return try Block(decoding: bytes)
    }

    /// The receipts of the block at `height` (empty when there is no such block).
    public func receipts(at height: UInt64) throws -> [Receipt] {
        guard let bytes = try store.archived(ArchiveLayout.receiptsKey(height)) else { return [] }
        return try Receipt.decodeList(bytes)
    }

    /// Where the transaction with `hash` landed: its block, index, the transaction and its receipt.
    public func transaction(
        _ hash: [UInt8]
    ) throws -> (block: Block, index: Int, transaction: SignedTransaction, receipt: Receipt)? {
        guard let (height, index) = try location(of: hash), let block = try block(at: height) else { return nil }
        let receipts = try receipts(at: height)
        guard index < block.transactions.count, index < receipts.count else {
            throw ChainError.malformed("transaction index \(index) out of range in block \(height)")
        }
        return (block, index, block.transactions[index], receipts[index])
    }

    /// The height and index of the transaction with `hash`: its `"T"` record (blocks written before the `"H"`
    /// records), else a search through the blocks' hash lists (`ArchiveLayout`), oldest first.
    func location(of hash: [UInt8]) throws -> (height: UInt64, index: Int)? {
        guard hash.count == 32 else { return nil }
        if let location = try store.archived(ArchiveLayout.transactionKey(hash)) {
            guard location.count == 12, let height = BigEndian.read(location, at: 0, count: 8),
                let index = BigEndian.read(location, at: 8, count: 4).map(Int.init)
            else { throw ChainError.malformed("transaction location of \(location.count) bytes") }
            return (height, index)
        }
        var after: [UInt8]?
        let page = 64
        while true {
            let entries = try store.archivedEntries(prefix: ArchiveLayout.hashesPrefix, after: after, limit: page)
            for entry in entries {
                guard entry.key.count == 9, let height = BigEndian.read(entry.key, at: 1, count: 8),
                    entry.value.count % 32 == 0
                else { throw ChainError.malformed("transaction hash list of \(entry.value.count) bytes") }
                if let index = Self.index(of: hash, in: entry.value) { return (height, index) }
            }
            guard entries.count == page, let last = entries.last else { return nil }
            after = last.key
        }
    }

    /// The position of the 32-byte `hash` in `list` (32-byte hashes back to back), if it is there.
    private static func index(of hash: [UInt8], in list: [UInt8]) -> Int? {
        guard let first = hash.first else { return nil }
        var start = 0
        while start + 32 <= list.count {
            if list[start] == first, list[start..<(start + 32)].elementsEqual(hash) { return start / 32 }
            start += 32
        }
        return nil
    }

    /// A block produced by `produce`: what was included, and what was rejected (and left out).
    public struct Produced: Sendable {
        public var block: Block
        public var receipts: [Receipt]
        public var rejected: [(transaction: SignedTransaction, reason: Rejection)]
    }

    /// Executes `transactions` in order on top of the head, leaves out the rejected ones, and commits the result
    /// as the next block at `time` (raised to the parent's time if earlier), atomically. `signatures`, a check of
    /// the same transactions started earlier, saves verifying them here; `next`, the check of the block to come,
    /// verifies on this thread's core while the commit waits for the disk (`CommitWaitWork`).
    @discardableResult
    public func produce(
        _ transactions: [SignedTransaction], time: UInt64, signatures check: SignatureCheck? = nil,
        next: SignatureCheck? = nil
    ) throws -> Produced {
        let parent = try headHeader()
        guard parent.height < UInt64.max else { throw ChainError.invalidBlock(height: parent.height, "no height left") }
        let height = parent.height + 1
        let blockTime = max(time, parent.time)
        let overlay = Overlay(base: store)
        let executor = TransactionExecutor(programs: programs, height: height, time: blockTime)
        var included: [SignedTransaction] = []
        var hashes: [[UInt8]] = []
        var receipts: [Receipt] = []
        var rejected: [(SignedTransaction, Rejection)] = []
        let signatures: [SignatureBatch.Checked]
        if let check, check.transactions == transactions {
            signatures = check.waitChecked()
        } else {
            signatures = SignatureBatch.check(transactions)
        }
        for (tx, checked) in zip(transactions, signatures) {
            switch try executor.execute(tx, state: WorldState(overlay), checked: checked) {
            case .success(let receipt):
                included.append(tx)
                hashes.append(checked.hash)
                receipts.append(receipt)
            case .failure(let reason):
                rejected.append((tx, reason))
            }
        }
        let encodedReceipts = Receipt.encodeEach(receipts)
        let header = BlockHeader(
            height: height, time: blockTime, parentHash: parent.hash,
            transactionsRoot: BlockHeader.transactionsRoot(hashes: hashes), stateRoot: [],
            receiptsRoot: Receipt.root(encoded: encodedReceipts))
        let block = try commit(
            Block(header: header, transactions: included), hashes: hashes, receipts: encodedReceipts, overlay: overlay,
            whileWaiting: next)
        return Produced(block: block, receipts: receipts, rejected: rejected)
    }

    /// Executes one transaction as a block of its own at `time` (raised to the parent's time if earlier). A
    /// rejected transaction changes nothing and no block is made.
    public func submit(
        _ transaction: SignedTransaction, time: UInt64
    ) throws -> Result<(block: Block, receipt: Receipt), Rejection> {
        let parent = try headHeader()
        guard parent.height < UInt64.max else { throw ChainError.invalidBlock(height: parent.height, "no height left") }
        let height = parent.height + 1
        let blockTime = max(time, parent.time)
        let overlay = Overlay(base: store)
        let executor = TransactionExecutor(programs: programs, height: height, time: blockTime)
        switch try executor.execute(transaction, state: WorldState(overlay)) {
        case .failure(let reason):
            return .failure(reason)
        case .success(let receipt):
            let hash = transaction.hash
            let encodedReceipt = receipt.encoded
            let header = BlockHeader(
                height: height, time: blockTime, parentHash: parent.hash,
                transactionsRoot: BlockHeader.transactionsRoot(hashes: [hash]), stateRoot: [],
                receiptsRoot: Receipt.root(encoded: [encodedReceipt]))
            let block = try commit(
                Block(header: header, transactions: [transaction]), hashes: [hash], receipts: [encodedReceipt],
                overlay: overlay)
            return .success((block, receipt))
        }
    }

    /// Re-executes `block` on top of the head, checks it against its header (parent, height, time, transactions,
    /// receipts and state roots) and commits it atomically; nothing is written when any check fails.
    /// With `recorded` receipts, the first transaction whose receipt differs is named.
    @discardableResult
    public func apply(_ block: Block, recorded: [Receipt]? = nil) throws -> [Receipt] {
        let parent = try headHeader()
        let header = block.header
        let height = header.height
        guard parent.height < UInt64.max, height == parent.height + 1 else {
            throw ChainError.invalidBlock(height: height, "expected height \(parent.height + 1)")
        }
        guard header.parentHash == parent.hash else {
            throw ChainError.invalidBlock(height: height, "parent hash is not the hash of block \(parent.height)")
        }
        guard header.time >= parent.time else {
            throw ChainError.invalidBlock(height: height, "time goes backwards")
        }
        let overlay = Overlay(base: store)
        let executor = TransactionExecutor(programs: programs, height: height, time: header.time)
        var receipts: [Receipt] = []
        let signatures = SignatureBatch.check(block.transactions)
        let hashes = signatures.map(\.hash)
        for (index, tx) in block.transactions.enumerated() {
            switch try executor.execute(tx, state: WorldState(overlay), checked: signatures[index]) {
            case .success(let receipt):
                if let recorded, index >= recorded.count {
                    throw ChainError.receiptMismatch(
                        height: height, index: index, hash: hashes[index], "no receipt was recorded for it")
                }
                if let recorded, recorded[index] != receipt {
                    throw ChainError.receiptMismatch(
                        height: height, index: index, hash: hashes[index], Self.difference(recorded[index], receipt))
                }
                receipts.append(receipt)
            case .failure(let reason):
                throw ChainError.rejectedTransaction(height: height, index: index, hash: hashes[index], reason)
            }
        }
        // Checked after execution, so that a changed transaction is named by the check that catches it.
        let txRoot = BlockHeader.transactionsRoot(hashes: hashes)
        guard txRoot == header.transactionsRoot else {
            throw ChainError.rootMismatch(
                height: height, what: "transactions root", expected: header.transactionsRoot, actual: txRoot)
        }
        let encodedReceipts = Receipt.encodeEach(receipts)
        let receiptsRoot = Receipt.root(encoded: encodedReceipts)
        guard receiptsRoot == header.receiptsRoot else {
            throw ChainError.rootMismatch(
                height: height, what: "receipts root", expected: header.receiptsRoot, actual: receiptsRoot)
        }
        _ = try commit(
            block, hashes: hashes, receipts: encodedReceipts, overlay: overlay, expectedRoot: header.stateRoot)
        return receipts
    }

    /// Commits `overlay` with the block's archive records in one batch; the header's state root is the new root
    /// (or, with `expectedRoot`, must equal it — otherwise nothing is written). `hashes` are the block's
    /// transaction hashes and `receipts` its encoded receipts, in order (each computed once per block); `work`
    /// runs while the commit waits for the disk.
    private func commit(
        _ block: Block, hashes: [[UInt8]], receipts: [[UInt8]], overlay: Overlay, expectedRoot: [UInt8]? = nil,
        whileWaiting work: (any CommitWaitWork)? = nil
    ) throws -> Block {
        var block = block
        let height = block.header.height
        try store.commit(overlay.changes, height: height, whileWaiting: work) { root in
            if let expectedRoot, expectedRoot != root {
                throw ChainError.rootMismatch(height: height, what: "state root", expected: expectedRoot, actual: root)
            }
            block.header.stateRoot = root
            var records = [
                Write(key: ArchiveLayout.blockKey(height), value: block.encoded),
                Write(key: ArchiveLayout.receiptsKey(height), value: Receipt.encodeList(encoded: receipts)),
            ]
            if !hashes.isEmpty {
                var list: [UInt8] = []
                list.reserveCapacity(32 * hashes.count)
                for hash in hashes { list.append(contentsOf: hash) }
                records.append(Write(key: ArchiveLayout.hashesKey(height), value: list))
            }
            return records
        }
        return block
    }

    /// What differs between a recorded and a recomputed receipt, for replay messages.
    static func difference(_ recorded: Receipt, _ computed: Receipt) -> String {
        if recorded.status != computed.status {
            return "status differs: recorded \(recorded.status), computed \(computed.status)"
        }
        if recorded.gasUsed != computed.gasUsed {
            return "gas used differs: recorded \(recorded.gasUsed), computed \(computed.gasUsed)"
        }
        if recorded.returnData != computed.returnData { return "return values differ" }
        if recorded.events != computed.events { return "events differ" }
        return "receipt differs"
    }

    // MARK: - State

    /// The account at `address` in the latest state.
    public func account(_ address: [UInt8]) throws -> Account {
        try WorldState(Overlay(base: store)).account(address)
    }

    /// The contract record at `address`, if a contract lives there.
    public func contract(_ address: [UInt8]) throws -> ContractRecord? {
        try WorldState(Overlay(base: store)).contract(address)
    }

    /// The version history of the contract at `address`, oldest first.
    public func history(_ address: [UInt8]) throws -> [VersionRecord] {
        try WorldState(Overlay(base: store)).versions(address)
    }

    /// The module with id `id` (every deployed or upgraded module stays in the state).
    public func module(id: [UInt8]) throws -> Module? {
        guard !id.isEmpty else { return nil }
        return try programs.program(id: id) { try WorldState(Overlay(base: store)).moduleBytes(id) }.module
    }

    /// An event's declaration and field values, typed by the module that emitted it; nil when that module is
    /// unknown, declares no such event, or the data does not decode.
    public func decode(_ event: EventRecord) -> (decl: EventDecl, values: [Value])? {
        guard let module = try? module(id: event.moduleID) else { return nil }
        return Self.decode(event, in: module)
    }

    /// An event's declaration and field values, typed by `module` (for a module not installed on the chain, such as
    /// the code a proposal would install in a dry run).
    public static func decode(_ event: EventRecord, in module: Module) -> (decl: EventDecl, values: [Value])? {
        guard let decl = module.events.first(where: { $0.name == event.name }),
            decl.fields.allSatisfy({ Int($0.type) < module.types.count }),
            let values = try? ValueCodec.decodeSequence(
                event.data, as: decl.fields.map { module.types[Int($0.type)] }, in: module)
        else { return nil }
        return (decl, values)
    }

    /// The module the contract at `address` runs now.
    public func module(at address: [UInt8]) throws -> Module? {
        guard let record = try contract(address) else { return nil }
        return try module(id: record.codeID)
    }

    /// What a query returned.
    public struct QueryResult: Sendable {
        public var outcome: Result<[Value], Trap>
        public var gasUsed: Int64
    }

    /// Calls `function` of `contract` read-only on the latest state, as `caller`; nothing is written.
    public func query(
        _ contract: [UInt8], function: String, args: [Value], caller: [UInt8] = SparseMerkleTree.emptyRoot,
        gasLimit: Int64 = 10_000_000
    ) throws -> QueryResult {
        try dryRun(contract, function: function, args: args, caller: caller, gasLimit: gasLimit, readOnly: true)
    }

    /// Runs `function` of `contract` as a transaction from `caller` would (writes allowed, `value` 0) on the latest
    /// state, then discards every write: a dry run. Also what `datanet bench` times W2 with.
    public func simulate(
        _ contract: [UInt8], function: String, args: [Value], caller: [UInt8] = SparseMerkleTree.emptyRoot,
        gasLimit: Int64 = 10_000_000
    ) throws -> QueryResult {
        try dryRun(contract, function: function, args: args, caller: caller, gasLimit: gasLimit, readOnly: false)
    }

    /// One transaction payload of a dry run, as `sender` would send it.
    public struct Step: Sendable {
        public var payload: Transaction.Payload
        public var sender: [UInt8]

        public init(_ payload: Transaction.Payload, from sender: [UInt8]) {
            self.payload = payload
            self.sender = sender
        }
    }

    /// Runs `steps` one after the other on the latest state, each seeing the effects of the ones before, then
    /// discards every write: a dry run of a sequence of transactions. Each gets a receipt (gas without the
    /// intrinsic cost) or the rejection a transaction would get. No signature, nonce, fee or upgrade-authority
    /// check applies, and a call's sender is credited its `value` first, so recorded calls can be replayed under
    /// code that is not installed yet (`datanet gov simulate`).
    public func simulate(_ steps: [Step], gasLimit: Int64 = 10_000_000) throws -> [Result<Receipt, Rejection>] {
        try dryRun { executor, state in
            try steps.map { try executor.dryRun($0.payload, sender: $0.sender, state: state, gasLimit: gasLimit) }
        }
    }

    /// `simulate`, reporting every step of the call to `tracer` (the REPL's `:gas` and `:trace`).
    public func simulate<T: Tracer>(
        _ contract: [UInt8], function: String, args: [Value], caller: [UInt8], gasLimit: Int64, tracer: inout T
    ) throws -> QueryResult {
        try dryRun(
            contract, function: function, args: args, caller: caller, gasLimit: gasLimit, readOnly: false,
            tracer: &tracer)
    }

    /// One call on an overlay of the latest state that is then dropped: `query` (read-only) and `simulate`.
    private func dryRun(
        _ contract: [UInt8], function: String, args: [Value], caller: [UInt8], gasLimit: Int64, readOnly: Bool
    ) throws -> QueryResult {
        var tracer = NoTracer()
        return try dryRun(
            contract, function: function, args: args, caller: caller, gasLimit: gasLimit, readOnly: readOnly,
            tracer: &tracer)
    }

    private func dryRun<T: Tracer>(
        _ contract: [UInt8], function: String, args: [Value], caller: [UInt8], gasLimit: Int64, readOnly: Bool,
        tracer: inout T
    ) throws -> QueryResult {
        try dryRun { executor, state in
            let session = ExecutionSession(
                state: state, programs: programs, origin: caller, blockHeight: executor.height,
                blockTime: executor.time)
            let run = session.invoke(
                contract: contract, function: function, args: args, value: 0, caller: caller, gasLimit: gasLimit,
                readOnly: readOnly, tracer: &tracer)
            if let failure = session.failure { throw failure }
            return QueryResult(outcome: run.outcome, gasUsed: run.gasUsed)
        }
    }

    /// The one dry-run body: `body` runs on an overlay of the latest state that is then dropped, at the head's
    /// height and time.
    private func dryRun<T>(_ body: (TransactionExecutor, WorldState) throws -> T) throws -> T {
        let head = try headHeader()
        return try body(
            TransactionExecutor(programs: programs, height: head.height, time: head.time),
            WorldState(Overlay(base: store)))
    }

    /// A proof of the value under state `key` against the latest state root.
    public func prove(key: [UInt8]) throws -> (value: [UInt8]?, proof: MerkleProof) {
        (try store.get(key), try store.prove(key: key))
    }

    // MARK: - Replay

    /// Re-executes every block of this chain from its genesis into `fresh` (an empty store), checking the
    /// genesis, every transaction's receipt and every root. Returns the number of blocks replayed; throws the
    /// first difference as a `ChainError` naming the block (and the transaction, when one is to blame).
    /// `progress` is told each height once its block is replayed (the CLI's progress display).
    @discardableResult
    public func replay(
        into fresh: any KeyValueStore, progress: (_ height: UInt64, _ last: UInt64) -> Void = { _, _ in }
    ) throws -> UInt64 {
        let target = Chain(store: fresh)
        let genesisBlock = try target.initialize(try genesis())
        guard let recordedGenesis = try block(at: 0) else { throw ChainError.notInitialized }
        guard genesisBlock.header.stateRoot == recordedGenesis.header.stateRoot else {
            throw ChainError.rootMismatch(
                height: 0, what: "state root", expected: recordedGenesis.header.stateRoot,
                actual: genesisBlock.header.stateRoot)
        }
        guard genesisBlock.hash == recordedGenesis.hash else {
            throw ChainError.invalidBlock(height: 0, "genesis block does not match the genesis record")
        }
        let last = store.height
        var height: UInt64 = 1
        while height <= last {
            guard let block = try block(at: height) else {
                throw ChainError.invalidBlock(height: height, "missing from the archive")
            }
            try target.apply(block, recorded: try receipts(at: height))
            progress(height, last)
            guard height < UInt64.max else { break }
            height += 1
        }
        guard fresh.stateRoot == store.stateRoot else {
            throw ChainError.rootMismatch(
                height: last, what: "final state root", expected: store.stateRoot, actual: fresh.stateRoot)
        }
        return last
    }
}

extension Chain {
    /// The fields of `event` by name, decoded with the declaration in the module that emitted it; nil when the
    /// module or declaration is unknown or the data does not decode.
    public func fields(of event: EventRecord) -> [(name: String, value: Value)]? {
        decode(event).map(Self.named)
    }

    /// The fields of `event` by name, typed by `module`.
    public static func fields(of event: EventRecord, in module: Module) -> [(name: String, value: Value)]? {
        decode(event, in: module).map(named)
    }

    private static func named(_ decoded: (decl: EventDecl, values: [Value])) -> [(name: String, value: Value)] {
        zip(decoded.decl.fields, decoded.values).map { (name: $0.name, value: $1) }
    }
}
