#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H

// SHA-256 from Nettle, the cryptographic library under GnuTLS. Nettle was chosen over OpenSSL's
// libcrypto because only a hash is needed. libcrypto's relocated tables and, on first use, its
// provider machinery kept 1.5 to 3.5 MB resident in every process of the mesh. Nettle keeps about
// 0.2 MB.
#include <nettle/sha2.h>
#include <stddef.h>
#include <stdint.h>

/// Writes the SHA-256 of `length` bytes at `bytes` into the 32 bytes at `digest`.
static inline void ccrypto_sha256(const void *bytes, size_t length, uint8_t *digest) {
    struct sha256_ctx context;
    sha256_init(&context);
    sha256_update(&context, length, (const uint8_t *)bytes);
    sha256_digest(&context, SHA256_DIGEST_SIZE, digest);
}

#endif
