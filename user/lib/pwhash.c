/* Password hashes: see pwhash.h. */
#include "pwhash.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sha256.h"

static const char PREFIX[] = "$pbkdf2-sha256$";

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hex digits up to stop (or the end) into out: the byte count, or -1 if
 * the digits are not whole bytes, not hex, or more than max bytes. *end
 * is where they stopped. */
static int unhex(const char *s, char stop, uint8_t *out, size_t max, const char **end)
{
	size_t n = 0;

	while (*s && *s != stop) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (lo < 0 || n == max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	*end = s;
	return (int)n;
}

int pw_check(const char *stored, const char *password)
{
	uint8_t salt[PW_SALT_MAX], want[SHA256_DIGEST], got[SHA256_DIGEST], diff = 0;
	const char *p = stored;
	uint32_t iter = 0;
	int slen, hlen;

	if (strncmp(p, PREFIX, sizeof PREFIX - 1) != 0)
		return -1;
	p += sizeof PREFIX - 1;
	if (*p < '1' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		iter = iter * 10 + (uint32_t)(*p - '0');
		if (iter > PW_ITER_MAX)
			return -1;
	}
	if (*p++ != '$')
		return -1;
	slen = unhex(p, '$', salt, sizeof salt, &p);
	if (slen <= 0 || *p++ != '$')
		return -1;
	hlen = unhex(p, 0, want, sizeof want, &p);
	if (hlen != SHA256_DIGEST)
		return -1;
	pbkdf2_sha256(password, strlen(password), salt, (size_t)slen, iter, got, sizeof got);
	for (int i = 0; i < SHA256_DIGEST; i++)
		diff |= (uint8_t)(got[i] ^ want[i]);
	return diff == 0;
}

/* n bytes as lower-case hex at out (2n characters, no NUL). */
static char *hex(char *out, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		*out++ = digits[b[i] >> 4];
		*out++ = digits[b[i] & 15];
	}
	return out;
}

int pw_make(char *out, size_t size, const char *password, const void *salt, size_t slen,
	    unsigned iter)
{
	uint8_t dk[SHA256_DIGEST];
	char *p;
	int n;

	if (!slen || slen > PW_SALT_MAX || !iter || iter > PW_ITER_MAX)
		return -1;
	n = snprintf(out, size, "%s%u$", PREFIX, iter);
	if (n < 0 || (size_t)n + 2 * slen + 1 + 2 * SHA256_DIGEST + 1 > size)
		return -1;
	pbkdf2_sha256(password, strlen(password), salt, slen, iter, dk, sizeof dk);
	p = hex(out + n, salt, slen);
	*p++ = '$';
	p = hex(p, dk, sizeof dk);
	*p = 0;
	memset(dk, 0, sizeof dk);
	return (int)(p - out);
}
