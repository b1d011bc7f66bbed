import Bytecode

/// Why a transaction was refused before execution. A rejected transaction changes nothing: no nonce, no fee.
public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
    case badSignature
    case wrongNonce(expected: UInt64, got: UInt64)
    case gasLimitTooLow(required: UInt64, given: UInt64)
    case gasLimitTooHigh(maximum: UInt64)
    case insufficientBalance(required: Int128, available: Int128)
    case unknownContract([UInt8])
    case unknownFunction(String)
    case badArguments(String)
    case malformedModule(String)
    case unverifiableModule(String)
    case unauthorized(authority: [UInt8])
    case policyViolation(String)
    case incompatibleSchema(String)

    public var description: String {
        switch self {
        case .badSignature: "bad signature"
        case let .wrongNonce(expected, got): "wrong nonce: expected \(expected), got \(got)"
        case let .gasLimitTooLow(required, given): "gas limit \(given) is below the intrinsic cost \(required)"
        case let .gasLimitTooHigh(maximum): "gas limit above the maximum \(maximum)"
        case let .insufficientBalance(required, available):
            "insufficient balance for value + gas limit × price: needs \(required), has \(available)"
        case let .unknownContract(address): "no contract at \(Hex.prefixed(address))"
        case let .unknownFunction(detail): detail
        case let .badArguments(detail): "arguments do not match the ABI: \(detail)"
        case let .malformedModule(detail): "malformed module: \(detail)"
        case let .unverifiableModule(detail): "module does not verify: \(detail)"
        case let .unauthorized(authority):
            "only the upgrade authority \(Hex.prefixed(authority)) may upgrade this contract (or approve it, when the "
                + "authority is a contract)"
        case let .policyViolation(detail): "upgrade policy: \(detail)"
        case let .incompatibleSchema(detail): "incompatible upgrade: \(detail)"
        }
    }

    /// `badArguments` for arguments that do not encode as `function`'s `count` parameters: "'f' takes 2 arguments"
    /// and, when there is one, the decoder's reason.
    static func arguments(of function: String, count: Int, _ reason: String? = nil) -> Rejection {
        .badArguments("'\(function)' takes \(count) argument\(count == 1 ? "" : "s")" + (reason.map { ": " + $0 } ?? ""))
    }
}
