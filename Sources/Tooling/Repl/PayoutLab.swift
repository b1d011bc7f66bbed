// `:table` and `:check`: payout formulas over recipients.
import Bytecode

extension ReplSession {
    func table(_ text: String) { fail(":table is not available yet") }
    func check(_ text: String) { fail(":check is not available yet") }
}
