import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Signature verification of a batch of transactions, started ahead of time: a node checks the next block's
/// signatures while it executes and commits the current one, then hands the check to
/// `Chain.produce(_:time:signatures:)`. The outcome depends only on the transactions' bytes.
///
/// The work is a queue of chunks that every participant takes from: one background thread per core but one
/// starts at once, and the thread that waits takes chunks too until none are left. So while the caller executes
/// a block, the check runs on the other cores without a third thread competing with the executing one for a core
/// (which slowed both: on two cores, three runnable threads cost each verification about a third more CPU time,
/// its tables evicted at every switch), and when the caller comes to wait, it joins in and every core verifies.
public final class SignatureCheck: @unchecked Sendable {
    /// The transactions being checked, in order.
    public let transactions: [SignedTransaction]
    /// One slot per transaction, each written once by whichever thread took its chunk; read only after `wait`.
    private let results: UnsafeMutableBufferPointer<SignatureBatch.Checked>
    /// The next chunk to take.
    private let next = Atomic<Int>(0)
    private let chunks: Int
    private let group = DispatchGroup()

    /// Starts verifying the signatures of `transactions` on the cores but one, and returns at once.
    public init(_ transactions: [SignedTransaction]) {
        self.transactions = transactions
        chunks = (transactions.count + SignatureBatch.chunk - 1) / SignatureBatch.chunk
        results = .allocate(capacity: transactions.count)
        results.initialize(repeating: SignatureBatch.Checked(hash: [], valid: false, senderAddress: []))
        let helpers = min(max(1, Self.cores - 1), chunks)
        for _ in 0..<helpers {
            group.enter()
            DispatchQueue.global().async {
                self.work()
                self.group.leave()
            }
        }
    }

    deinit {
        results.deinitialize()
        results.deallocate()
    }

    /// Whether each signature is valid, in order; helps with what is left, then waits for the check to finish.
    public func wait() -> [Bool] {
        waitChecked().map(\.valid)
    }

    /// Each transaction's hash and whether its signature is valid, in order; helps with what is left, then waits
    /// for the chunks other threads took.
    func waitChecked() -> [SignatureBatch.Checked] {
        work()
        group.wait()
        return Array(results)
    }

    /// Takes chunks and checks them until none are left.
    private func work() {
        while true {
            let part = next.add(1, ordering: .relaxed).oldValue
            guard part < chunks else { return }
            let start = part * SignatureBatch.chunk
            let end = min(start + SignatureBatch.chunk, transactions.count)
            for index in start..<end { results[index] = transactions[index].checked() }
        }
    }

    /// The processors online (at least one).
    static let cores: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
