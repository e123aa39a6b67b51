/* Shared by the fuzz targets (tests/fuzz/fuzz_*.c). Each target is a
 * libFuzzer entry point, LLVMFuzzerTestOneInput, that feeds one input to a
 * kernel parser and then checks what the parser promised in its header:
 * not only that it did not crash, but that what it accepted is safe to use
 * the way the kernel uses it. A broken promise is reported by CHECK(),
 * which prints the condition and aborts, so libFuzzer (or the plain replay
 * driver, tests/fuzz/replay.c) records the input as a crash.
 *
 * Never include <errno.h>: the kernel's values (kernel/errno.h, found
 * through -iquote kernel as "errno.h") differ from the C library's. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define CHECK(cond)                                           \
	do {                                                  \
		if (!(cond))                                  \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

static inline __attribute__((noreturn)) void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: parser contract violated: %s\n", file, line, what);
	abort();
}

/* A fresh heap copy of the input, at an odd address (the parsers promise
 * to read unaligned blobs byte by byte) and ending exactly where the
 * allocation does, so AddressSanitizer reports a read one byte past the
 * end. Free with fuzz_free_copy(). */
static inline uint8_t *fuzz_copy(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size + 1);

	if (!buf)
		abort();
	if (size)
		memcpy(buf + 1, data, size);
	return buf + 1;
}

static inline void fuzz_free_copy(uint8_t *copy) { free(copy - 1); }

/* Is [p, p + n) inside [base, base + size)? Wrap-free. */
static inline int fuzz_inside(const void *p, size_t n, const void *base, size_t size)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;

	return a >= b && a - b <= size && n <= size - (a - b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
