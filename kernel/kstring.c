/* Byte-at-a-time where it does not matter; eight words per iteration where
 * whole pages are copied and cleared (exec, page faults, copy-on-write). */
#include "kstring.h"
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if ((((uintptr_t)d | (uintptr_t)s | n) & 63) == 0) {
		uint64_t *dw = dst;
		const uint64_t *sw = src;
		for (size_t i = 0; i < n / 8; i += 8) {
			uint64_t a = sw[i], b = sw[i + 1], c = sw[i + 2], e = sw[i + 3];
			uint64_t f = sw[i + 4], g = sw[i + 5], h = sw[i + 6], k = sw[i + 7];
			dw[i] = a, dw[i + 1] = b, dw[i + 2] = c, dw[i + 3] = e;
			dw[i + 4] = f, dw[i + 5] = g, dw[i + 6] = h, dw[i + 7] = k;
		}
		return dst;
	}
	if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
		uint64_t *dw = dst;
		const uint64_t *sw = src;
		for (size_t i = 0; i < n / 8; i++)
			dw[i] = sw[i];
		return dst;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	if (c == 0 && (((uintptr_t)d | n) & 63) == 0) {
		uint64_t *dw = dst;
		for (size_t i = 0; i < n / 8; i += 8) {
			dw[i] = 0, dw[i + 1] = 0, dw[i + 2] = 0, dw[i + 3] = 0;
			dw[i + 4] = 0, dw[i + 5] = 0, dw[i + 6] = 0, dw[i + 7] = 0;
		}
		return dst;
	}
	if (c == 0 && (((uintptr_t)d | n) & 7) == 0) {
		uint64_t *dw = dst;
		for (size_t i = 0; i < n / 8; i++)
			dw[i] = 0;
		return dst;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}
