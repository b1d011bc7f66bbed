import CCrypto

/// Ed25519 signature verification (RFC 8032, pure Ed25519), through libcrypto's EVP interface.
public enum Ed25519 {
    /// Byte length of a public key.
    public static let publicKeyLength = 32
    /// Byte length of a private key seed.
    public static let seedLength = 32
    /// Byte length of a signature.
    public static let signatureLength = 64

    /// Whether `signature` is a valid signature of `message` by `publicKey`.
    ///
    /// Returns `false`, never traps, for a key or signature of the wrong length or a key that is not a curve point.
    /// Holds no shared state: safe to call from several threads at once (to spread verification over cores).
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == signatureLength, publicKey.count == publicKeyLength else { return false }
        let key = publicKey.withUnsafeBufferPointer { buffer in
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, buffer.baseAddress, buffer.count)
        }
        guard let key else { return false }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else { return false }
        let result = signature.withUnsafeBufferPointer { sig in
            withNonNullPointer(message) { msg, count in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, msg, count)
            }
        }
        return result == 1
    }

    /// Calls `body` with a pointer to `bytes` that is never null, even for an empty array
    /// (libcrypto may reject a null pointer with a zero length).
    static func withNonNullPointer<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress {
                return body(base, buffer.count)
            }
            var placeholder: UInt8 = 0
            return withUnsafePointer(to: &placeholder) { body($0, 0) }
        }
    }
}
