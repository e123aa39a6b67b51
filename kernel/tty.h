/* The console's input side: a line discipline fed by the UART receive
 * interrupt. Canonical mode only: read() gets whole lines, edited (the
 * arrows, Home/End, Ctrl-W...) and recalled (Up/Down) in the kernel, so
 * that no program ever reads an escape sequence (docs/shell.md). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* tty_input, the receive interrupt's way in, is a hook (hooks.h). */
/* Blocks until a line (or end-of-file) is ready. Bytes read or -errno. */
long tty_read(uint64_t ubuf, size_t n);
/* The process group Ctrl-C interrupts (0 for none); set by the shell. */
void tty_set_foreground(int pgrp);
/* Echo the characters typed (on, the default) or not (a password); the
 * previous setting. */
bool tty_set_echo(bool on);
