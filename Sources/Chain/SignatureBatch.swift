import Dispatch

/// Verifies the signatures of a block's transactions on every core before the (sequential) execution.
/// The result for each transaction depends only on its bytes, so the order of the work does not matter.
enum SignatureBatch {
    /// Transactions per unit of parallel work.
    static let chunk = 32

    /// One transaction as checked: its hash (which the signature signs, computed once here and carried to the
    /// block's transactions root and archive records) and whether the signature is valid.
    struct Checked: Sendable {
        var hash: [UInt8]
        var valid: Bool
    }

    /// Whether each transaction's signature is valid, in order.
    static func verify(_ transactions: [SignedTransaction]) -> [Bool] {
        check(transactions).map(\.valid)
    }

    /// Each transaction's hash and whether its signature is valid, in order, computed on every core.
    static func check(_ transactions: [SignedTransaction]) -> [Checked] {
        guard transactions.count > 1 else { return transactions.map { $0.checked() } }
        var checked = [Checked](repeating: Checked(hash: [], valid: false), count: transactions.count)
        let chunks = (transactions.count + chunk - 1) / chunk
        checked.withUnsafeMutableBufferPointer { results in
            let output = Output(buffer: results)
            DispatchQueue.concurrentPerform(iterations: chunks) { part in
                let start = part * chunk
                let end = min(start + chunk, transactions.count)
                for index in start..<end { output.buffer[index] = transactions[index].checked() }
            }
        }
        return checked
    }

    /// The result buffer, written by several threads at disjoint indices.
    private struct Output: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Checked>
    }
}
