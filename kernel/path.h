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
 * the result needs more than size bytes. An absolute path may be
 * normalized in place (out == path): the result never runs ahead of what
 * is left to read. */
long path_normalize(char *out, size_t size, const char *cwd, const char *path);

/* What path_normalize takes away at the end of a path, from the path as
 * the program gave it (len bytes): whether its last component is "." or
 * "..", which the calls that make or remove a name must refuse
 * (rmdir(".") would otherwise remove the current directory), and in
 * *slash whether a '/' follows its last name ("a/", "a/b//"; not "/"),
 * which wants a directory there. Looks at the end only. */
enum path_last { PATH_LAST_NAME, PATH_LAST_DOT, PATH_LAST_DOTDOT };
enum path_last path_end(const char *path, size_t len, bool *slash);
