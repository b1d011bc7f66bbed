import CCrypto
import Synchronization

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
    /// Safe to call from several threads at once (to spread verification over cores): decoded public keys are
    /// shared through `PublicKeyCache`, which only ever hands out keys that nothing else modifies.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        verify(signature: signature, message: message, publicKey: publicKey, keys: .shared)
    }

    /// `verify(signature:message:publicKey:)` with decoded keys taken from `keys`.
    static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8], keys: PublicKeyCache) -> Bool {
        guard signature.count == signatureLength, publicKey.count == publicKeyLength else { return false }
        guard let key = keys.key(publicKey) else { return false }
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

/// Decoded Ed25519 public keys (`EVP_PKEY`), so a sender's key is parsed once, not at every verification
/// (decoding the point and building the key is about a sixth of a verification).
///
/// Bounded: at most `capacity` keys; when full, the oldest entry is evicted (first in, first out, through a ring of
/// slots: no dependence on hash order). Entries are reference counted, so a key handed out stays valid after its
/// eviction until the caller frees it. Which keys are cached never changes a result: libcrypto keeps the raw 32
/// bytes and decides whether they are a curve point when it verifies, cached or not.
final class PublicKeyCache: Sendable {
    /// The process-wide cache `Ed25519.verify` uses.
    static let shared = PublicKeyCache(capacity: 4_096)

    /// A libcrypto key: shared between threads only for verification, which does not modify it.
    private struct Key: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private struct State: ~Copyable {
        /// Cached keys by raw public key; looked up only, never iterated.
        var keys: [[UInt8]: Key] = [:]
        /// The raw keys in insertion order, as a ring: `ring[next]` is the next to evict once full.
        var ring: [[UInt8]] = []
        var next = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    deinit {
        state.withLock { state in
            for raw in state.ring { if let key = state.keys[raw] { EVP_PKEY_free(key.pointer) } }
        }
    }

    /// The number of keys held (for tests).
    var count: Int { state.withLock { $0.keys.count } }

    /// The decoded key for the 32 raw bytes `raw`, with a reference the caller must release with `EVP_PKEY_free`;
    /// `nil` when `raw` is not a valid Ed25519 public key.
    func key(_ raw: [UInt8]) -> OpaquePointer? {
        let cached: Key? = state.withLock { state in
            guard let key = state.keys[raw] else { return nil }
            EVP_PKEY_up_ref(key.pointer)
            return key
        }
        if let cached { return cached.pointer }
        let decoded = raw.withUnsafeBufferPointer { buffer in
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, buffer.baseAddress, buffer.count)
        }
        guard let decoded else { return nil }
        let key = Key(pointer: decoded)
        let capacity = self.capacity
        // The cache keeps its own reference; the caller gets the one `new_raw_public_key` made.
        state.withLock { state in
            guard state.keys[raw] == nil else { return }
            EVP_PKEY_up_ref(key.pointer)
            if state.ring.count < capacity {
                state.ring.append(raw)
            } else {
                let evicted = state.ring[state.next]
                if let old = state.keys.removeValue(forKey: evicted) { EVP_PKEY_free(old.pointer) }
                state.ring[state.next] = raw
                state.next = (state.next + 1) % capacity
            }
            state.keys[raw] = key
        }
        return decoded
    }
}
