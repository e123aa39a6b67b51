/* SHA-256 (FIPS 180-4), HMAC-SHA-256 (RFC 2104) and PBKDF2-HMAC-SHA-256
 * (RFC 8018), for the password hashes of /etc/shadow (user/lib/passwd.c,
 * docs/users.md). Portable C with no allocation and no system calls:
 * host-tested against the standards' vectors (tests/host/test_sha256.c). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define SHA256_BLOCK 64
#define SHA256_DIGEST 32

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[SHA256_BLOCK];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* The digest of everything given; s must be initialized again after. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST]);
void sha256(const void *data, size_t n, uint8_t out[SHA256_DIGEST]);

void hmac_sha256(const void *key, size_t klen, const void *msg, size_t n,
		 uint8_t out[SHA256_DIGEST]);

/* dklen bytes of PBKDF2 with HMAC-SHA-256 and iter iterations (>= 1). */
void pbkdf2_sha256(const void *pw, size_t pwlen, const void *salt, size_t slen, uint32_t iter,
		   uint8_t *dk, size_t dklen);
