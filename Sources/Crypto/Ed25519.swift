import CCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// Safe to call from several threads at once (to spread verification over cores): each thread verifies with its
    /// own `Ed25519Verifier`, so two threads verifying share nothing they write.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let verifier = Ed25519Verifier.current else { return false }
        return verifier.verify(signature: signature, message: message, publicKey: publicKey)
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

/// One thread's Ed25519 verification state: a libcrypto library context of its own and, per public key seen, a
/// verification context made once (`EVP_MD_CTX` with the decoded key) and kept ready.
///
/// Why per thread: through the process-wide library context, every verification fetched the signature algorithm
/// and SHA-512 from libcrypto's shared method store and took and released references on shared keys and
/// algorithms: about 28 read-lock acquisitions and 20 reference-count updates, each an atomic write to memory the
/// other verifying thread writes too, so with two threads each of those cache lines moved between the cores at
/// nearly every use (two threads verified at ~93 % of twice one). With its own library context (whose method
/// store, providers and algorithms only this thread uses) and its own decoded keys, a thread's verification
/// writes nothing another thread reads or writes. Reusing the ready context also skips the per-call set-up
/// (context allocation, algorithm fetch, key export), as OpenSSL's `speed` does in its verify loop.
///
/// The library context loads OpenSSL's default provider explicitly (not the system configuration): the same
/// RFC 8032 verification on every node, whatever its `openssl.cnf` says.
///
/// Bounded: at most `capacity` keys; when full, the oldest is dropped (first in, first out, through a ring of
/// slots: no dependence on hash order). Which keys are held never changes a result: libcrypto keeps a key's raw
/// 32 bytes and decides whether they are a curve point at each verification, held or not.
///
/// Not for sharing: one thread uses a verifier at a time (`current` gives each thread its own).
final class Ed25519Verifier {
    /// How many keys a thread keeps ready (about 1 KB of libcrypto memory each).
    static let defaultCapacity = 4_096

    /// A public key's 32 bytes as four words: hashed and compared without touching an array.
    private struct RawKey: Hashable {
        let a, b, c, d: UInt64

        init?(_ bytes: [UInt8]) {
            guard bytes.count == Ed25519.publicKeyLength else { return nil }
            (a, b, c, d) = bytes.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            }
        }
    }

    /// This verifier's libcrypto library context (`OSSL_LIB_CTX`).
    private let library: OpaquePointer
    /// The default provider, loaded into `library`.
    private let provider: OpaquePointer
    /// A verification context (`EVP_MD_CTX`) per key held; looked up only, never iterated.
    private var contexts: [RawKey: OpaquePointer] = [:]
    /// The keys held, in insertion order, as a ring: `ring[next]` is the next to drop once full.
    private var ring: [RawKey] = []
    private var next = 0
    private let capacity: Int

    /// A verifier holding at most `capacity` keys; `nil` when libcrypto cannot make a library context or load its
    /// default provider (out of memory).
    init?(capacity: Int = defaultCapacity) {
        guard let library = OSSL_LIB_CTX_new() else { return nil }
        guard let provider = OSSL_PROVIDER_load(library, "default") else {
            OSSL_LIB_CTX_free(library)
            return nil
        }
        self.library = library
        self.provider = provider
        self.capacity = max(1, capacity)
    }

    deinit {
        for key in ring {
            if let context = contexts[key] { EVP_MD_CTX_free(context) }
        }
        OSSL_PROVIDER_unload(provider)
        OSSL_LIB_CTX_free(library)
    }

    /// The number of keys held (for tests).
    var count: Int { contexts.count }

    /// Whether `signature` is a valid signature of `message` by `publicKey` (`Ed25519.verify`'s answer).
    func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == Ed25519.signatureLength, let key = RawKey(publicKey) else { return false }
        guard let context = readyContext(key, publicKey) else { return false }
        let result = signature.withUnsafeBufferPointer { sig in
            Ed25519.withNonNullPointer(message) { msg, count in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, msg, count)
            }
        }
        return result == 1
    }

    /// A verification context for `raw` (whose words are `key`), ready for one `EVP_DigestVerify`; `nil` when
    /// `raw` cannot be made a key.
    private func readyContext(_ key: RawKey, _ raw: [UInt8]) -> OpaquePointer? {
        if let held = contexts[key] {
            // Re-armed with the key it holds (a null key keeps it): OpenSSL from 3.2 on refuses a second one-shot
            // verification on a context that was not re-initialised, 3.0 allows it; either way this costs about
            // 400 instructions of a verification's 1.5 million. Should it ever fail, the context is made afresh.
            if EVP_DigestVerifyInit_ex(held, nil, nil, nil, nil, nil, nil) == 1 { return held }
            guard let fresh = makeContext(raw) else { return nil }
            EVP_MD_CTX_free(held)
            contexts[key] = fresh
            return fresh
        }
        guard let fresh = makeContext(raw) else { return nil }
        if ring.count < capacity {
            ring.append(key)
        } else {
            if let dropped = contexts.removeValue(forKey: ring[next]) { EVP_MD_CTX_free(dropped) }
            ring[next] = key
            next = (next + 1) % capacity
        }
        contexts[key] = fresh
        return fresh
    }

    /// A new verification context for the 32 bytes `raw`, or `nil` when libcrypto refuses them.
    private func makeContext(_ raw: [UInt8]) -> OpaquePointer? {
        let decoded = raw.withUnsafeBufferPointer { buffer in
            EVP_PKEY_new_raw_public_key_ex(library, "ED25519", nil, buffer.baseAddress, buffer.count)
        }
        guard let decoded else { return nil }
        defer { EVP_PKEY_free(decoded) }  // the context keeps its own reference
        guard let context = EVP_MD_CTX_new() else { return nil }
        guard EVP_DigestVerifyInit_ex(context, nil, nil, library, nil, decoded, nil) == 1 else {
            EVP_MD_CTX_free(context)
            return nil
        }
        return context
    }
}

extension Ed25519Verifier {
    /// The calling thread's verifier, made at its first verification and released when the thread ends; `nil`
    /// only when libcrypto cannot make one (out of memory).
    static var current: Ed25519Verifier? {
        guard let slot = threadSlot else { return Ed25519Verifier() }
        if let stored = pthread_getspecific(slot) {
            return Unmanaged<Ed25519Verifier>.fromOpaque(stored).takeUnretainedValue()
        }
        guard let made = Ed25519Verifier() else { return nil }
        let retained = Unmanaged.passRetained(made)
        if pthread_setspecific(slot, retained.toOpaque()) != 0 { retained.release() }  // used for this call only
        return made
    }

    /// The thread-specific slot holding each thread's verifier (`nil` if the system has no slot left: then every
    /// verification makes a verifier of its own, slower but the same answers).
    private static let threadSlot: pthread_key_t? = {
        var slot = pthread_key_t()
        guard pthread_key_create(&slot, { Ed25519Verifier.releaseStored($0) }) == 0 else { return nil }
        return slot
    }()

    /// Releases the verifier a thread stored, as that thread ends.
    private static func releaseStored(_ stored: UnsafeMutableRawPointer?) {
        guard let stored else { return }
        Unmanaged<Ed25519Verifier>.fromOpaque(stored).release()
    }
}
