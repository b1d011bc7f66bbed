import CCrypto

/// SHA-256 over bytes, through libcrypto.
///
/// Hashes go through libcrypto's low-level `SHA256_Init/Update/Final` with the context on the stack
/// (`datanet_sha256` in the CCrypto shim): the state tree hashes several 65-byte nodes per changed key, and
/// `EVP_Digest` spent about as much on allocating a context and dispatching through the provider as on the hash
/// (about 250 against 130 ns for 65 bytes here, both with the CPU's SHA instructions). If that call ever failed,
/// the algorithm fetched from libcrypto's provider once per process is used instead (the one-shot `SHA256()` of
/// OpenSSL 3 fetches it again at every call, `EVP_Q_digest`). A fetched `EVP_MD` is only read, so every thread
/// shares it.
public enum SHA256 {
    /// The fetched algorithm, or `nil` if the fetch failed (then each call falls back to the one-shot `SHA256()`).
    private static let algorithm = Algorithm(pointer: EVP_MD_fetch(nil, "SHA256", nil))

    private struct Algorithm: @unchecked Sendable {
        let pointer: OpaquePointer?
    }

    /// The 32-byte digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { output, count in
            bytes.withUnsafeBytes { hash($0, into: UnsafeMutableRawBufferPointer(output)) }
            count = 32
        }
    }

    /// The digest of `tag ‖ first ‖ second`, without building the concatenation (the state tree hashes
    /// 65-byte preimages of this shape at every level).
    public static func hash(_ tag: UInt8, _ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
        let count = 1 + first.count + second.count
        return [UInt8](unsafeUninitializedCapacity: 32) { output, written in
            withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { raw in
                raw[0] = tag
                first.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: raw[1..<(1 + first.count)]).copyMemory(from: $0) }
                second.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: raw[(1 + first.count)...]).copyMemory(from: $0) }
                hash(UnsafeRawBufferPointer(raw), into: UnsafeMutableRawBufferPointer(output))
            }
            written = 32
        }
    }

    /// Writes the 32-byte digest of `input` to the start of `output`; does nothing if `output` is shorter.
    public static func hash(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        guard output.count >= 32, let base = output.baseAddress else { return }
        // libcrypto may reject a null pointer even with a zero length.
        var placeholder: UInt8 = 0
        withUnsafeMutablePointer(to: &placeholder) { empty in
            let data = input.baseAddress ?? UnsafeRawPointer(empty)
            let digest = base.assumingMemoryBound(to: UInt8.self)
            if datanet_sha256(data, input.count, digest) == 1 { return }
            if let algorithm = algorithm.pointer, EVP_Digest(data, input.count, digest, nil, algorithm, nil) == 1 {
                return
            }
            _ = CCrypto.SHA256(data.assumingMemoryBound(to: UInt8.self), input.count, digest)
        }
    }
}
