#include "console.h"
#include "arch.h"
#include "fmt.h"
#include <stdarg.h>
#include <stdbool.h>

#define LINE_KEEP 256

/* What has been printed since the last newline, to redraw after a klog. */
static char open_line[LINE_KEEP];
static size_t open_len;
static bool open_overflow;

static void put_raw(const char *buf, size_t n)
{
	/* The serial line wants CR LF; programs write LF. */
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n')
			arch_console_putc('\r');
		arch_console_putc(buf[i]);
	}
}

void console_write(const char *buf, size_t n)
{
	put_raw(buf, n);
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			open_len = 0;
			open_overflow = false;
		} else if (open_len < LINE_KEEP) {
			open_line[open_len++] = buf[i];
		} else {
			open_overflow = true;
		}
	}
}

static int vformat_out(const char *fmt, va_list ap)
{
	char buf[256];
	int n = kvsnprintf(buf, sizeof buf, fmt, ap);
	put_raw(buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vformat_out(fmt, ap);
	va_end(ap);
	return n;
}

int klog(const char *fmt, ...)
{
	bool mid_line = open_len > 0 || open_overflow;
	if (mid_line)
		put_raw("\n", 1);
	va_list ap;
	va_start(ap, fmt);
	int n = vformat_out(fmt, ap);
	va_end(ap);
	if (mid_line && !open_overflow)
		put_raw(open_line, open_len);
	return n;
}
