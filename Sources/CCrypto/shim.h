#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

/// SHA-256 of `count` bytes at `data` into the 32 bytes at `digest`, through the low-level SHA256_* functions
/// with the context on the stack: no context allocation and no provider dispatch per call, which cost about as
/// much as hashing a 65-byte input through EVP_Digest (OpenSSL 3 marks these functions deprecated in favour of
/// EVP, but keeps them; the digest is the same). Returns 1 on success, 0 on failure.
static inline int datanet_sha256(const void *data, size_t count, unsigned char *digest) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    SHA256_CTX context;
    int ok = SHA256_Init(&context) && SHA256_Update(&context, data, count) && SHA256_Final(digest, &context);
    OPENSSL_cleanse(&context, sizeof context);
#pragma GCC diagnostic pop
    return ok;
}
