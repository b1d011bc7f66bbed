/// Why a byte sequence is not a module's canonical encoding, and the byte offset where decoding stopped.
public struct ModuleDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// Offset into the input of the first byte that could not be accepted.
    public var offset: Int

    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    init(_ failure: ByteReader.Failure) {
        self.init(failure.message, offset: failure.offset)
    }

    public var description: String { "offset \(offset): \(message)" }
}
