import Dispatch

/// Verifies the signatures of a block's transactions on every core before the (sequential) execution.
/// The result for each transaction depends only on its bytes, so the order of the work does not matter.
enum SignatureBatch {
    /// Transactions per unit of parallel work.
    static let chunk = 32

    /// Whether each transaction's signature is valid, in order.
    static func verify(_ transactions: [SignedTransaction]) -> [Bool] {
        guard transactions.count > 1 else { return transactions.map(\.hasValidSignature) }
        var valid = [Bool](repeating: false, count: transactions.count)
        let chunks = (transactions.count + chunk - 1) / chunk
        valid.withUnsafeMutableBufferPointer { results in
            let output = Output(buffer: results)
            DispatchQueue.concurrentPerform(iterations: chunks) { part in
                let start = part * chunk
                let end = min(start + chunk, transactions.count)
                for index in start..<end { output.buffer[index] = transactions[index].hasValidSignature }
            }
        }
        return valid
    }

    /// The result buffer, written by several threads at disjoint indices.
    private struct Output: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Bool>
    }
}
