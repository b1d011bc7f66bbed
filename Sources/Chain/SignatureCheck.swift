import Dispatch

/// Signature verification of a batch of transactions started ahead of time, on background threads: a node
/// checks the next block's signatures while it executes and commits the current one, then hands the check to
/// `Chain.produce(_:time:signatures:)`. The outcome depends only on the transactions' bytes.
public final class SignatureCheck: @unchecked Sendable {
    /// The transactions being checked, in order.
    public let transactions: [SignedTransaction]
    /// Written once on a background thread before `group` is left; read only after waiting on `group`.
    private var results: [SignatureBatch.Checked] = []
    private let group = DispatchGroup()

    /// Starts verifying the signatures of `transactions` (on every core) and returns at once.
    public init(_ transactions: [SignedTransaction]) {
        self.transactions = transactions
        group.enter()
        DispatchQueue.global().async {
            self.results = SignatureBatch.check(transactions)
            self.group.leave()
        }
    }

    /// Whether each signature is valid, in order; waits for the check to finish.
    public func wait() -> [Bool] {
        waitChecked().map(\.valid)
    }

    /// Each transaction's hash and whether its signature is valid, in order; waits for the check to finish.
    func waitChecked() -> [SignatureBatch.Checked] {
        group.wait()
        return results
    }
}
