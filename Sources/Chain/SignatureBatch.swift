import Dispatch

/// Verifies the signatures of a block's transactions on every core before the (sequential) execution.
/// The result for each transaction depends only on its bytes, so the order of the work does not matter.
enum SignatureBatch {
    /// Transactions per unit of parallel work. Small, because the thread that waits for a check takes chunks
    /// until none are left and then waits for the chunks other threads are still on: a chunk of 32 (about 4 ms of
    /// verification) left the executing thread idle for 2 ms per block on average, a chunk of 8 for 0.5 ms; one
    /// atomic increment per 8 verifications costs nothing next to them.
    static let chunk = 8

    /// One transaction as checked: its hash (which the signature signs, computed once here and carried to the
    /// block's transactions root and archive records), whether the signature is valid, and the sender's address
    /// (SHA-256 of the public key; computed here, beside the check, rather than on the executing thread).
    struct Checked: Sendable {
        var hash: [UInt8]
        var valid: Bool
        var senderAddress: [UInt8]
    }

    /// Each transaction's hash and whether its signature is valid, in order, computed on every core (the caller's
    /// thread among them).
    static func check(_ transactions: [SignedTransaction]) -> [Checked] {
        guard transactions.count > 1 else { return transactions.map { $0.checked() } }
        return SignatureCheck(transactions).waitChecked()
    }
}
