import Dispatch
import StateStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Signature verification of a batch of transactions, started ahead of time: a node checks the next block's
/// signatures while it executes and commits the current one, then hands the check to
/// `Chain.produce(_:time:signatures:next:)`. The outcome depends only on the transactions' bytes.
///
/// The work is a queue of transactions that every participant takes from, one at a time: one background thread
/// per core but one starts at once, and the thread that waits takes transactions too until none are left. So while
/// the caller executes a block, the check runs on the other cores without a third thread competing with the
/// executing one for a core (which slowed both: on two cores, three runnable threads cost each verification about
/// a third more CPU time, its tables evicted at every switch), and when the caller comes to wait, it joins in and
/// every core verifies; the last one to finish waits at most one verification for the others.
///
/// While the current block's commit waits for the disk (the log's fsync, the previous checkpoint), the caller's
/// core would idle: the check, as the commit's `CommitWaitWork`, then runs one more thread for exactly that long
/// (it stops after the verification it is on when the wait ends).
public final class SignatureCheck: @unchecked Sendable {
    /// The transactions being checked, in order.
    public let transactions: [SignedTransaction]
    /// One slot per transaction, each written once by whichever thread took it; read only after `wait`.
    private let results: UnsafeMutableBufferPointer<SignatureBatch.Checked>
    /// The next transaction to take.
    private let next = Atomic<Int>(0)
    private let group = DispatchGroup()
    /// The extra thread run while a commit waits: whether it is wanted, and whether it is running.
    private let assistant = Mutex((wanted: false, running: false))
    private let assistedCount = Atomic<Int>(0)

    /// How many transactions the assistant checked while commits waited (what `datanet bench chain` reports).
    public var assisted: Int { assistedCount.load(ordering: .relaxed) }

    /// Starts verifying the signatures of `transactions` on the cores but one, and returns at once.
    public init(_ transactions: [SignedTransaction]) {
        self.transactions = transactions
        results = .allocate(capacity: transactions.count)
        results.initialize(repeating: SignatureBatch.Checked(hash: [], valid: false, senderAddress: []))
        let helpers = min(max(1, Self.cores - 1), transactions.count)
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
    /// for the transactions other threads took.
    func waitChecked() -> [SignatureBatch.Checked] {
        work()
        group.wait()
        return Array(results)
    }

    /// Takes transactions and checks them until none are left (or, for the commit's assistant, until the commit
    /// stops waiting).
    private func work(assisting: Bool = false) {
        while true {
            if assisting {
                let go = assistant.withLock { state in
                    if !state.wanted { state.running = false }
                    return state.wanted
                }
                guard go else { return }
            }
            let index = next.add(1, ordering: .relaxed).oldValue
            guard index < transactions.count else {
                if assisting { assistant.withLock { $0.running = false } }
                return
            }
            results[index] = transactions[index].checked()
            if assisting { assistedCount.add(1, ordering: .relaxed) }
        }
    }

    /// The processors online (at least one).
    static let cores: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

extension SignatureCheck: CommitWaitWork {
    /// Starts the assistant (unless it still runs, or nothing is left to take).
    public func commitWaitBegins() {
        guard next.load(ordering: .relaxed) < transactions.count else { return }
        let start = assistant.withLock { state in
            state.wanted = true
            guard !state.running else { return false }
            state.running = true
            return true
        }
        guard start else { return }
        group.enter()
        DispatchQueue.global().async {
            self.work(assisting: true)
            self.group.leave()
        }
    }

    /// Tells the assistant to stop after the verification it is on.
    public func commitWaitEnds() {
        assistant.withLock { $0.wanted = false }
    }
}
