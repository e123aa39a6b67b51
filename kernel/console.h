/* The console: kernel messages and the bytes user programs write to fds
 * 1 and 2 go out through the UART. */
#pragma once
#include <stddef.h>

void console_write(const char *buf, size_t n);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
