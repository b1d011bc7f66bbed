/// Verifies the signatures of a block's transactions on every core before the (sequential) execution.
/// The result for each transaction depends only on its bytes, so the order of the work does not matter.
enum SignatureBatch {
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
