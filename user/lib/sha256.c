/* SHA-256, HMAC and PBKDF2: see sha256.h. Written from FIPS 180-4
 * (sections 4.1.2, 4.2.2, 5.1.1, 6.2), RFC 2104 and RFC 8018 (5.2). */
#include "sha256.h"

#include <string.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n) { return x >> n | x << (32 - n); }

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One 512-bit block into the state (FIPS 180-4, 6.2.2). */
static void compress(uint32_t h[8], const uint8_t *block)
{
	uint32_t w[64], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6],
			hh = h[7];

	for (int t = 0; t < 16; t++)
		w[t] = be32(block + 4 * t);
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	for (int t = 0; t < 64; t++) {
		uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) +
			      K[t] + w[t];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, h0, sizeof h0);
	s->len = 0;
	s->nbuf = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t n)
{
	const uint8_t *p = data;

	s->len += n;
	while (n) {
		size_t k = SHA256_BLOCK - s->nbuf;

		if (k > n)
			k = n;
		memcpy(s->buf + s->nbuf, p, k);
		s->nbuf += k;
		p += k;
		n -= k;
		if (s->nbuf == SHA256_BLOCK) {
			compress(s->h, s->buf);
			s->nbuf = 0;
		}
	}
}

/* Padding (5.1.1): a 1 bit, zeros, the length in bits in the last 8 bytes. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST])
{
	uint64_t bits = s->len * 8;

	s->buf[s->nbuf++] = 0x80;
	if (s->nbuf > SHA256_BLOCK - 8) {
		memset(s->buf + s->nbuf, 0, SHA256_BLOCK - s->nbuf);
		compress(s->h, s->buf);
		s->nbuf = 0;
	}
	memset(s->buf + s->nbuf, 0, SHA256_BLOCK - 8 - s->nbuf);
	put_be32(s->buf + 56, (uint32_t)(bits >> 32));
	put_be32(s->buf + 60, (uint32_t)bits);
	compress(s->h, s->buf);
	for (int i = 0; i < 8; i++)
		put_be32(out + 4 * i, s->h[i]);
}

void sha256(const void *data, size_t n, uint8_t out[SHA256_DIGEST])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, n);
	sha256_final(&s, out);
}

/* The inner and outer states after the key's block, which PBKDF2 reuses
 * for every iteration (the key never changes). */
struct hmac {
	struct sha256 inner, outer;
};

static void hmac_key(struct hmac *m, const void *key, size_t klen)
{
	uint8_t k[SHA256_BLOCK] = { 0 }, pad[SHA256_BLOCK];

	if (klen > SHA256_BLOCK)
		sha256(key, klen, k);
	else
		memcpy(k, key, klen);
	for (int i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&m->inner);
	sha256_update(&m->inner, pad, sizeof pad);
	for (int i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&m->outer);
	sha256_update(&m->outer, pad, sizeof pad);
}

static void hmac_run(const struct hmac *m, const void *msg, size_t n, uint8_t out[SHA256_DIGEST])
{
	struct sha256 s = m->inner;
	uint8_t in[SHA256_DIGEST];

	sha256_update(&s, msg, n);
	sha256_final(&s, in);
	s = m->outer;
	sha256_update(&s, in, sizeof in);
	sha256_final(&s, out);
}

void hmac_sha256(const void *key, size_t klen, const void *msg, size_t n,
		 uint8_t out[SHA256_DIGEST])
{
	struct hmac m;

	hmac_key(&m, key, klen);
	hmac_run(&m, msg, n, out);
}

/* RFC 8018 5.2: block i is U1 ^ U2 ^ ... ^ Uc, U1 = PRF(P, S || INT(i)),
 * Uj = PRF(P, Uj-1). */
void pbkdf2_sha256(const void *pw, size_t pwlen, const void *salt, size_t slen, uint32_t iter,
		   uint8_t *dk, size_t dklen)
{
	struct hmac m;

	hmac_key(&m, pw, pwlen);
	for (uint32_t i = 1; dklen; i++) {
		uint8_t u[SHA256_DIGEST], t[SHA256_DIGEST], ctr[4];
		struct sha256 s = m.inner;
		size_t k = dklen < SHA256_DIGEST ? dklen : SHA256_DIGEST;

		/* U1 from the salt and the counter, without a buffer for both. */
		put_be32(ctr, i);
		sha256_update(&s, salt, slen);
		sha256_update(&s, ctr, sizeof ctr);
		sha256_final(&s, u);
		s = m.outer;
		sha256_update(&s, u, sizeof u);
		sha256_final(&s, u);
		memcpy(t, u, sizeof t);
		for (uint32_t j = 1; j < iter; j++) {
			hmac_run(&m, u, sizeof u, u);
			for (int b = 0; b < SHA256_DIGEST; b++)
				t[b] ^= u[b];
		}
		memcpy(dk, t, k);
		dk += k;
		dklen -= k;
	}
}
