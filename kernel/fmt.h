/* The kernel's printf formatting core: C99 snprintf semantics for the
 * conversions the kernel uses. Pure code: checked against the host libc. */
#pragma once
#include <stdarg.h>
#include <stddef.h>

/* Supports %d %i %u %x %X %o %c %s %p %% with flags '-' '+' ' ' '#' '0',
 * width and precision (digits or '*', capped at FMT_MAX_WIDTH so a hostile
 * format cannot make us spin), and length modifiers hh h l ll z t j.
 * %s of NULL prints "(null)" (cut by the precision like any string); %p
 * prints "0x" and the lowercase hex value, "0x0" for NULL. Unknown
 * conversions are copied out literally. Returns the length the full output
 * would have had (capped at INT_MAX); writes at most size bytes including
 * the NUL, which is always written when size > 0. */
#define FMT_MAX_WIDTH 4096

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
