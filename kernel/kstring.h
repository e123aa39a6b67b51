/* The few string and memory routines the kernel needs (kernel/kstring.c).
 * Standard C semantics, so the pure parsers also build against a host libc. */
#pragma once
#include <stddef.h>

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
/* Copy at most size - 1 bytes and always terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
