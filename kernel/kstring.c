/* memcpy and memset move aligned data a word at a time, eight words per
 * iteration: they copy and clear whole pages (exec, page faults,
 * copy-on-write). The rest is byte-at-a-time, where it does not matter. */
#include "kstring.h"
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	while (n && ((uintptr_t)d & 7)) {
		*d++ = *s++;
		n--;
	}
	if (((uintptr_t)s & 7) == 0) {
		for (; n >= 64; n -= 64, d += 64, s += 64) {
			const uint64_t *sw = (const uint64_t *)s;
			uint64_t *dw = (uint64_t *)d;
			uint64_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
			uint64_t f = sw[4], g = sw[5], h = sw[6], k = sw[7];
			dw[0] = a, dw[1] = b, dw[2] = c, dw[3] = e;
			dw[4] = f, dw[5] = g, dw[6] = h, dw[7] = k;
		}
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(uint64_t *)d = *(const uint64_t *)s;
	} else if (((uintptr_t)s & 3) == 0) {
		/* Files in the initrd are only 4-byte aligned (cpio newc). */
		for (; n >= 16; n -= 16, d += 16, s += 16) {
			const uint32_t *sw = (const uint32_t *)s;
			uint32_t *dw = (uint32_t *)d;
			uint32_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
			dw[0] = a, dw[1] = b, dw[2] = c, dw[3] = e;
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

/* 1 KiB per turn of the loop: a page takes 4, where memcpy takes 64 turns
 * of 8 words (180 instructions more). */
__attribute__((optimize("omit-frame-pointer"))) /* a leaf: no backtrace passes */
size_t
memcpy_bulk(void *dst, const void *src, size_t n)
{
	uint64_t *d = dst;
	const uint64_t *s = src;
	uint64_t *end = d + n / 8;
	if (n == 4096) {
		/* A page, the usual case, without a loop at all. */
#pragma GCC unroll 64
		for (int i = 0; i < 512; i += 8) {
			uint64_t w0 = s[i], w1 = s[i + 1], w2 = s[i + 2], w3 = s[i + 3];
			uint64_t w4 = s[i + 4], w5 = s[i + 5], w6 = s[i + 6], w7 = s[i + 7];
			d[i] = w0, d[i + 1] = w1, d[i + 2] = w2, d[i + 3] = w3;
			d[i + 4] = w4, d[i + 5] = w5, d[i + 6] = w6, d[i + 7] = w7;
		}
		return n;
	}
	for (; d != end; d += 128, s += 128) {
#pragma GCC unroll 16
		for (int i = 0; i < 128; i += 8) {
			uint64_t w0 = s[i], w1 = s[i + 1], w2 = s[i + 2], w3 = s[i + 3];
			uint64_t w4 = s[i + 4], w5 = s[i + 5], w6 = s[i + 6], w7 = s[i + 7];
			d[i] = w0, d[i + 1] = w1, d[i + 2] = w2, d[i + 3] = w3;
			d[i + 4] = w4, d[i + 5] = w5, d[i + 6] = w6, d[i + 7] = w7;
		}
	}
	return n;
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
	unsigned char byte = (unsigned char)c;
	while (n && ((uintptr_t)d & 7)) {
		*d++ = byte;
		n--;
	}
	uint64_t w = byte * 0x0101010101010101UL;
	for (; n >= 64; n -= 64, d += 64) {
		uint64_t *dw = (uint64_t *)d;
		dw[0] = w, dw[1] = w, dw[2] = w, dw[3] = w;
		dw[4] = w, dw[5] = w, dw[6] = w, dw[7] = w;
	}
	for (; n >= 8; n -= 8, d += 8)
		*(uint64_t *)d = w;
	while (n--)
		*d++ = byte;
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
