/// Why a value could not be encoded as, or decoded into, a type.
public struct ValueCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// The input offset where decoding failed; `nil` for encoding errors.
    public var offset: Int?

    public init(_ message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset { return "offset \(offset): \(message)" }
        return message
    }
}
