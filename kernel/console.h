/* The console: kernel messages and the bytes user programs write to fds
 * 1 and 2 go out through the UART. */
#pragma once
#include <stddef.h>

/* Bytes from user programs (and the tty's echo). */
void console_write(const char *buf, size_t n);
/* Raw kernel output (boot, panic): no line bookkeeping. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A kernel message for a running system (a killed process, a trace line,
 * the Ctrl-P dump). It never lands inside a line a program is printing: if
 * the console is mid-line, the message goes on a line of its own and the
 * unfinished line is then drawn again, so it stays whole. */
int klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
