/* Path names (docs/files.md): the kernel resolves "." and ".." and the
 * current directory itself, so a file server only ever sees a clean path
 * relative to its mount. Pure string work, host-tested (tests/host). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Write into out (size bytes) the absolute, normalized form of path, taken
 * relative to cwd (itself absolute and normalized) unless it starts with
 * '/': no ".", "..", empty component or trailing '/'; ".." at the root
 * stays at the root; "/" is the root. Returns its length, -ENOENT for an
 * empty path, -ENAMETOOLONG if a component is longer than LDE_NAME_LEN or
 * the result needs more than size bytes. */
long path_normalize(char *out, size_t size, const char *cwd, const char *path);

/* The last component of a path as a program gave it, before
 * path_normalize takes "." and ".." away: the calls that make or remove
 * a name must refuse those (rmdir(".") would otherwise remove the current
 * directory). Trailing '/' are ignored. */
enum path_last { PATH_LAST_NAME, PATH_LAST_DOT, PATH_LAST_DOTDOT };
enum path_last path_last(const char *path);
/* Whether path ends in '/' after a name ("a/", "a/b//", not "/"): POSIX
 * then wants a directory there, which normalizing forgets. */
bool path_trailing_slash(const char *path);
