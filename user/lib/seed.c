/* The random seed: see seed.h. */
#include "seed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "replace.h"
#include "sha256.h"

/* HMAC(key, label || d): one of the two outputs of a use. */
static void derive(const uint8_t *key, size_t klen, const char *label, const uint8_t *d,
		   uint8_t out[SHA256_DIGEST])
{
	uint8_t msg[8 + SHA256_DIGEST];
	memcpy(msg, label, 8);
	memcpy(msg + 8, d, SHA256_DIGEST);
	hmac_sha256(key, klen, msg, sizeof msg, out);
}

int seed_random(void *out, size_t n, const void *stir, size_t slen)
{
	uint8_t seed[2 * SEED_BYTES], d[SHA256_DIGEST], next[SHA256_DIGEST], bytes[SHA256_DIGEST];
	long len = 0;
	int fd = open(SEED_PATH, O_RDONLY);
	if (fd >= 0) {
		len = read(fd, seed, sizeof seed);
		int err = errno;
		close(fd);
		if (len < 0) {
			errno = err;
			return -1;
		}
	} else if (errno != ENOENT) {
		return -1;
	}
	uint64_t t, i, pid = (uint64_t)getpid();
	__asm__ volatile("rdtime %0" : "=r"(t));
	__asm__ volatile("rdinstret %0" : "=r"(i));
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, stir, slen);
	sha256_update(&s, &t, sizeof t);
	sha256_update(&s, &i, sizeof i);
	sha256_update(&s, &pid, sizeof pid);
	sha256_final(&s, d);
	derive(seed, (size_t)len, "lde-next", d, next);
	derive(seed, (size_t)len, "lde-salt", d, bytes);

	struct replace r;
	if (replace_begin(&r, SEED_PATH) < 0)
		return -1;
	r.gid = 0; /* a new seed is the system's, like the rest of /etc */
	if (cmd_write_all(r.fd, next, SEED_BYTES) < 0) {
		replace_abort(&r);
		return -1;
	}
	if (replace_commit(&r) < 0)
		return -1;
	memcpy(out, bytes, n < sizeof bytes ? n : sizeof bytes);
	memset(seed, 0, sizeof seed);
	memset(next, 0, sizeof next);
	return fd < 0 || len < SEED_MIN;
}
