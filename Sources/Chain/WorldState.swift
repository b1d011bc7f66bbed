import StateStore

/// Typed access to the chain's state (`StateLayout`) through an overlay: reads see the overlay's pending
/// writes, writes go to the overlay (and are journaled when a checkpoint is open).
public struct WorldState {
    /// The overlay read and written.
    public let overlay: Overlay

    /// Typed access through `overlay`.
    public init(_ overlay: Overlay) {
        self.overlay = overlay
    }

    // MARK: - Reads

    /// The account at `address` (the zero account when absent).
    public func account(_ address: [UInt8]) throws -> Account {
        guard let bytes = try overlay.get(StateLayout.accountKey(address)) else { return Account() }
        return try Account(decoding: bytes)
    }

    /// The contract record at `address`, or `nil` when no contract lives there.
    public func contract(_ address: [UInt8]) throws -> ContractRecord? {
        guard let bytes = try overlay.get(StateLayout.contractKey(address)) else { return nil }
        return try ContractRecord(decoding: bytes)
    }

    /// The module bytes with id `id`, or `nil`.
    public func moduleBytes(_ id: [UInt8]) throws -> [UInt8]? {
        try overlay.get(StateLayout.moduleKey(id))
    }

    /// Every version of the contract at `address`, oldest first.
    public func versions(_ address: [UInt8]) throws -> [VersionRecord] {
        try overlay.scan(prefix: StateLayout.versionPrefix(address)).map { entry throws(ChainError) in
            try VersionRecord(decoding: entry.value)
        }
    }

    // MARK: - Writes

    /// Stores `account` at `address` (deletes the record of the zero account, keeping the state canonical).
    public func setAccount(_ account: Account, _ address: [UInt8]) {
        if account.isEmpty {
            overlay.delete(StateLayout.accountKey(address))
        } else {
            overlay.set(StateLayout.accountKey(address), account.encoded)
        }
    }

    /// Stores the contract record of `address`.
    public func setContract(_ record: ContractRecord, _ address: [UInt8]) {
        overlay.set(StateLayout.contractKey(address), record.encoded)
    }

    /// Stores module bytes under their id.
    public func setModule(_ bytes: [UInt8], id: [UInt8]) {
        overlay.set(StateLayout.moduleKey(id), bytes)
    }

    /// Appends a version record to the history of `address`.
    public func addVersion(_ record: VersionRecord, _ address: [UInt8]) {
        overlay.set(StateLayout.versionKey(address, record.version), record.encoded)
    }

    /// Moves `amount` (≥ 0) from `from` to `to`; false, changing nothing, when `from` holds less.
    public func move(_ amount: Int128, from: [UInt8], to: [UInt8]) throws -> Bool {
        var sender = try account(from)
        guard try move(amount, from: &sender, at: from, to: to) else { return false }
        if amount > 0, from != to { setAccount(sender, from) }
        return true
    }

    /// `move` from `sender`, the account at `from` as the caller holds it: writes the receiver's record and
    /// takes `amount` from `sender`, whose record the caller writes (once, with its other changes).
    func move(_ amount: Int128, from sender: inout Account, at from: [UInt8], to: [UInt8]) throws -> Bool {
        guard amount >= 0, sender.balance >= amount else { return false }
        guard amount > 0, from != to else { return true }
        var receiver = try account(to)
        let (sum, overflow) = receiver.balance.addingReportingOverflow(amount)
        guard !overflow else { return false }
        sender.balance -= amount
        receiver.balance = sum
        setAccount(receiver, to)
        return true
    }
}
