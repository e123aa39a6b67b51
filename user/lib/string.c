/* memcpy, memmove, memset and memcmp for every user program, in place of
 * picolibc's: the library is built for size, and its versions move one
 * byte per turn of a loop (6 instructions a byte for memcpy), which made
 * them most of the file-system server's work (docs/performance.md, "The
 * file server's create"). These move eight bytes at a time, eight words
 * per turn on long runs, with no access outside the bytes asked for but
 * the aligned words that hold some of them (never another page).
 *
 * Short calls stay byte loops: below 16 bytes the set-up would cost more
 * than it saves. Little-endian, as RISC-V is. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* GCC would turn the loops below back into calls to memcpy and memset. */
#pragma GCC optimize("no-tree-loop-distribute-patterns")

#define SMALL 16

/* Words that may alias whatever the caller's bytes are. */
typedef uint64_t __attribute__((may_alias)) word;

/* Copy n bytes upwards: also what memmove does when dst is below src,
 * since every word is read before the bytes it overlaps are written. */
static inline __attribute__((always_inline)) void copy_up(unsigned char *d, const unsigned char *s,
							  size_t n)
{
	if (n >= SMALL) {
		while ((uintptr_t)d & 7) {
			*d++ = *s++;
			n--;
		}
		unsigned off = (uintptr_t)s & 7;
		if (!off) {
			for (; n >= 64; n -= 64, d += 64, s += 64) {
				const word *sw = (const word *)s;
				word *dw = (word *)d;
				uint64_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
				uint64_t f = sw[4], g = sw[5], h = sw[6], k = sw[7];
				dw[0] = a, dw[1] = b, dw[2] = c, dw[3] = e;
				dw[4] = f, dw[5] = g, dw[6] = h, dw[7] = k;
			}
			for (; n >= 8; n -= 8, d += 8, s += 8)
				*(word *)d = *(const word *)s;
		} else {
			/* The source is not word-aligned where the destination
			 * is: aligned loads, each output word made of two of
			 * them. Each load holds at least one byte to copy. */
			const word *sw = (const word *)(s - off);
			unsigned rs = off * 8, ls = 64 - rs;
			uint64_t lo = *sw++;
			for (; n >= 8; n -= 8, d += 8) {
				uint64_t hi = *sw++;
				*(word *)d = lo >> rs | hi << ls;
				lo = hi;
			}
			s = (const unsigned char *)sw - 8 + off;
		}
	}
	while (n--)
		*d++ = *s++;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_up(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n) {
		copy_up(d, s, n);
		return dst;
	}
	/* Overlapping with the destination above: from the end down. */
	d += n;
	s += n;
	if (n >= SMALL && !(((uintptr_t)d ^ (uintptr_t)s) & 7)) {
		while ((uintptr_t)d & 7) {
			*--d = *--s;
			n--;
		}
		for (; n >= 8; n -= 8) {
			d -= 8;
			s -= 8;
			*(word *)d = *(const word *)s;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst, byte = (unsigned char)c;

	if (n >= SMALL) {
		uint64_t w = byte * 0x0101010101010101ull;

		while ((uintptr_t)d & 7) {
			*d++ = byte;
			n--;
		}
		for (; n >= 64; n -= 64, d += 64) {
			word *dw = (word *)d;
			dw[0] = w, dw[1] = w, dw[2] = w, dw[3] = w;
			dw[4] = w, dw[5] = w, dw[6] = w, dw[7] = w;
		}
		for (; n >= 8; n -= 8, d += 8)
			*(word *)d = w;
	}
	while (n--)
		*d++ = byte;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	/* Equal words are skipped a word at a time; the first that differs
	 * is compared byte by byte below, for the sign. */
	if (n >= SMALL && !(((uintptr_t)x | (uintptr_t)y) & 7))
		for (; n >= 8 && *(const word *)x == *(const word *)y; n -= 8)
			x += 8, y += 8;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}
