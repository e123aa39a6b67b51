/* User accounts as su and passwd read them (docs/users.md): the lines of
 * /etc/passwd (NAME:x:UID:GID:GECOS:HOME:SHELL) and /etc/shadow
 * (NAME:HASH), and a password typed at the console without echo. */
#pragma once
#include <stddef.h>

#define ACCT_FIELD_MAX 256 /* a field's bytes, its NUL included */
#define ACCT_LINE_MAX 1024 /* a line's, likewise */

/* Field i (from 0) of a colon-separated line into out: 0, or -1 if the
 * line has fewer fields or the field does not fit. */
int acct_field(const char *line, int i, char *out, size_t size);

/* The first line of path whose field i is value, into out (with its
 * newline, if it has one): 1 found, 0 not, -1 with errno if the file
 * cannot be read. Lines longer than size cannot match. */
int acct_find(const char *path, int i, const char *value, char *out, size_t size);

/* A decimal uid or gid, 0..65534: 0, or -1 if s is not one. */
int acct_id(const char *s, unsigned *id);

/* Print prompt and read a line from standard input with the console's
 * echo off (when it is the console), back on before returning, and on a
 * Ctrl-C meanwhile, which ends the program with status 130: its length
 * without the newline (a longer line is cut at size - 1 bytes), or -1
 * with errno. */
long acct_read_password(const char *prompt, char *buf, size_t size);
