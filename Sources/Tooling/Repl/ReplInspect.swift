// `:state`, `:gas` and `:trace`: looking at contracts and at the last call.
import Bytecode
import Chain
import VM

extension ReplSession {
    func state(_ text: String) { fail(":state is not available yet") }
    func gasCommand() { fail(":gas is not available yet") }
    func traceCommand() { fail(":trace is not available yet") }
}
