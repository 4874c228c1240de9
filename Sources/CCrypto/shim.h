#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H

// SHA-256 and ChaCha20-Poly1305 from Nettle, the cryptographic library under GnuTLS. Nettle was
// chosen over OpenSSL's libcrypto because only these two primitives are needed. libcrypto's relocated
// tables and, on first use, its provider machinery kept 1.5 to 3.5 MB resident in every process of
// the mesh. Nettle keeps about 0.2 MB.
#include <nettle/chacha-poly1305.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/// Writes the SHA-256 of `length` bytes at `bytes` into the 32 bytes at `digest`.
static inline void ccrypto_sha256(const void *bytes, size_t length, uint8_t *digest) {
    struct sha256_ctx context;
    sha256_init(&context);
    sha256_update(&context, length, (const uint8_t *)bytes);
    sha256_digest(&context, SHA256_DIGEST_SIZE, digest);
}

/// Encrypts `length` bytes at `plain` into `sealed` (the same length, then a 16-byte tag) with
/// ChaCha20-Poly1305 under the 32-byte `key` and 12-byte `nonce`, authenticating `associated` too.
/// Cursors use it, so that their contents are neither readable nor forgeable by clients.
static inline void ccrypto_seal(
    const uint8_t *key, const uint8_t *nonce, const uint8_t *associated, size_t associatedLength,
    const uint8_t *plain, size_t length, uint8_t *sealed) {
    struct chacha_poly1305_ctx context;
    chacha_poly1305_set_key(&context, key);
    chacha_poly1305_set_nonce(&context, nonce);
    chacha_poly1305_update(&context, associatedLength, associated);
    chacha_poly1305_encrypt(&context, length, sealed, plain);
    chacha_poly1305_digest(&context, CHACHA_POLY1305_DIGEST_SIZE, sealed + length);
}

/// Decrypts what `ccrypto_seal` made: `length` bytes of ciphertext at `sealed`, then its tag. Writes
/// the plain bytes to `plain` and returns 1 when the tag matches, or 0 when the input was changed.
static inline int ccrypto_open(
    const uint8_t *key, const uint8_t *nonce, const uint8_t *associated, size_t associatedLength,
    const uint8_t *sealed, size_t length, uint8_t *plain) {
    struct chacha_poly1305_ctx context;
    uint8_t tag[CHACHA_POLY1305_DIGEST_SIZE];
    chacha_poly1305_set_key(&context, key);
    chacha_poly1305_set_nonce(&context, nonce);
    chacha_poly1305_update(&context, associatedLength, associated);
    chacha_poly1305_decrypt(&context, length, plain, sealed);
    chacha_poly1305_digest(&context, CHACHA_POLY1305_DIGEST_SIZE, tag);
    // memeql_sec compares in constant time.
    return memeql_sec(tag, sealed + length, CHACHA_POLY1305_DIGEST_SIZE);
}

#endif
