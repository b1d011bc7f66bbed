import CCrypto

/// Why an Ed25519 key operation failed.
public enum Ed25519Error: Error, Equatable, Sendable {
    /// The seed was not 32 bytes long.
    case invalidSeedLength(Int)
    /// The system random source failed.
    case randomSourceFailed
    /// libcrypto refused the operation named here.
    case libcryptoFailed(String)
}

/// An Ed25519 private key, held as its 32-byte seed (RFC 8032 section 5.1.5), with its public key.
public struct Ed25519PrivateKey: Sendable, Equatable {
    /// The 32-byte seed the key is derived from; keep it secret.
    public let seed: [UInt8]
    /// The 32-byte public key.
    public let publicKey: [UInt8]

    /// The key derived from a 32-byte `seed`.
    public init(seed: [UInt8]) throws {
        guard seed.count == Ed25519.seedLength else { throw Ed25519Error.invalidSeedLength(seed.count) }
        let key = try Self.makeKey(seed)
        defer { EVP_PKEY_free(key) }
        var publicKey = [UInt8](repeating: 0, count: Ed25519.publicKeyLength)
        var length = publicKey.count
        let status = publicKey.withUnsafeMutableBufferPointer { buffer in
            EVP_PKEY_get_raw_public_key(key, buffer.baseAddress, &length)
        }
        guard status == 1, length == Ed25519.publicKeyLength else {
            throw Ed25519Error.libcryptoFailed("EVP_PKEY_get_raw_public_key")
        }
        self.seed = seed
        self.publicKey = publicKey
    }

    /// A fresh key from the system random source (`RAND_bytes`).
    ///
    /// For making keys only: nothing consensus-relevant may call this.
    public static func generate() throws -> Self {
        var seed = [UInt8](repeating: 0, count: Ed25519.seedLength)
        let status = seed.withUnsafeMutableBufferPointer { buffer in
            RAND_bytes(buffer.baseAddress, Int32(Ed25519.seedLength))
        }
        guard status == 1 else { throw Ed25519Error.randomSourceFailed }
        return try Self(seed: seed)
    }

    /// The 64-byte signature of `message` (deterministic: the same key and message give the same bytes).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        let key = try Self.makeKey(seed)
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw Ed25519Error.libcryptoFailed("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1 else {
            throw Ed25519Error.libcryptoFailed("EVP_DigestSignInit")
        }
        var signature = [UInt8](repeating: 0, count: Ed25519.signatureLength)
        var length = signature.count
        let status = signature.withUnsafeMutableBufferPointer { sig in
            Ed25519.withNonNullPointer(message) { msg, count in
                EVP_DigestSign(context, sig.baseAddress, &length, msg, count)
            }
        }
        guard status == 1, length == Ed25519.signatureLength else {
            throw Ed25519Error.libcryptoFailed("EVP_DigestSign")
        }
        return signature
    }

    /// A libcrypto key for `seed`; the caller frees it.
    private static func makeKey(_ seed: [UInt8]) throws -> OpaquePointer {
        let key = seed.withUnsafeBufferPointer { buffer in
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, buffer.baseAddress, buffer.count)
        }
        guard let key else { throw Ed25519Error.libcryptoFailed("EVP_PKEY_new_raw_private_key") }
        return key
    }
}

extension Ed25519PrivateKey: CustomStringConvertible {
    /// Names the public key only, so that logging a key never prints its seed.
    public var description: String {
        let digits = Array("0123456789abcdef")
        let hex = publicKey.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]]) }.joined()
        return "Ed25519PrivateKey(publicKey: \(hex))"
    }
}
