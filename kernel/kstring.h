/* The few string and memory routines the kernel needs (kernel/kstring.c).
 * Standard C semantics, so the pure parsers also build against a host libc. */
#pragma once
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
/* memcpy for large aligned blocks (a page, a lease's buffer): dst and src
 * 8-byte aligned, n a multiple of 1024. Returns n. Not a C routine. */
size_t memcpy_bulk(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* The zero bytes of w: bit 7 of each is set, and maybe of a byte above a
 * zero one (a borrow), so the lowest bit set is exact. */
static inline uint64_t kstring_zero_bytes(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101UL;
	return (w - ones) & ~w & ones << 7;
}

typedef uint64_t __attribute__((may_alias)) kstring_word_t;

/* Copy the string at src, its NUL too, into dst, looking at no more than
 * n bytes: returns its length, or n if src[0..n) holds no NUL. Reads
 * nothing outside src[0..n) (so no page none of them is in); may write
 * any of dst[0..n) past the NUL, with what src has there. Not a C
 * routine: copyinstr's (inline there, as a call costs it its registers),
 * a word at a time where dst and src are aligned alike. */
static inline size_t strcpy_max(char *dst, const char *src, size_t n)
{
	size_t i = 0;
	if (!(((uintptr_t)dst ^ (uintptr_t)src) & 7)) {
		for (; i < n && ((uintptr_t)(src + i) & 7); i++)
			if (!(dst[i] = src[i]))
				return i;
		for (; n - i >= 8; i += 8) {
			uint64_t w = *(const kstring_word_t *)(src + i);
			*(kstring_word_t *)(dst + i) = w;
			uint64_t z = kstring_zero_bytes(w);
			/* The first zero byte's index: its bit alone, a byte k
			 * times 8 up, picks byte 7 - k of the constant, k. */
			if (z)
				return i + (((z & -z) >> 7) * 0x0001020304050607UL >> 56);
		}
	}
	for (; i < n; i++)
		if (!(dst[i] = src[i]))
			return i;
	return n;
}

/* Copy at most size - 1 bytes and always terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
