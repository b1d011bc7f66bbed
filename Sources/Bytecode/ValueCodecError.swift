/// Why a value could not be encoded as, or decoded into, a type.
public struct ValueCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong, lowercase.
    public var message: String
    /// The input offset where decoding failed; `nil` for encoding errors.
    public var offset: Int?

    /// An error, at `offset` when decoding.
    public init(_ message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    /// `offset N: message`, or the message alone for encoding errors.
    public var description: String {
        if let offset { return "offset \(offset): \(message)" }
        return message
    }
}
