/// Why a byte sequence is not a module's canonical encoding, and the byte offset where decoding stopped.
public struct ModuleDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong, lowercase, naming the field being read.
    public var message: String
    /// Offset into the input of the first byte that could not be accepted.
    public var offset: Int

    /// An error at `offset`.
    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    init(_ failure: ByteReader.Failure) {
        self.init(failure.message, offset: failure.offset)
    }

    /// `offset N: message`.
    public var description: String { "offset \(offset): \(message)" }
}
