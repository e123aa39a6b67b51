/* Path names (docs/files.md): the kernel resolves "." and ".." and the
 * current directory itself, so a file server only ever sees a clean path
 * relative to its mount. Pure string work, host-tested (tests/host). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "errno.h"
#include "uapi_fs.h"

/* Write into out (size bytes) the absolute, normalized form of path, taken
 * relative to cwd (itself absolute and normalized) unless it starts with
 * '/': no ".", "..", empty component or trailing '/'; ".." at the root
 * stays at the root; "/" is the root. Returns its length, -ENOENT for an
 * empty path, -ENAMETOOLONG if a component is longer than LDE_NAME_LEN or
 * the result needs more than size bytes. Textual: for mount(), which
 * names a place rather than a file. An absolute path may be normalized in
 * place (out == path): the result never runs ahead of what is left to
 * read. */
long path_normalize(char *out, size_t size, const char *cwd, const char *path);

/* The steps of a resolution that follows symbolic links (kernel/vfs.c,
 * docs/files.md "Symbolic links"). A path being resolved is out[0..*len),
 * absolute and built without the root's '/': each component preceded by
 * '/', "" for the root (not NUL-terminated). Its first *vlen bytes are
 * verified: directories that a server walked and found no symbolic link
 * in (or the current directory, which was resolved so), over which ".."
 * is textual and exact.
 *
 * path_append appends the components of *s, dropping "." and empty ones
 * and resolving ".." over a verified component (at the root it stays).
 * It stops at a ".." whose previous component is not verified, as the
 * kernel cannot know that component's parent before the server says
 * whether it is a symlink: 1, with *s at that "..". 0 at the end of *s;
 * -ENAMETOOLONG for a component over LDE_NAME_LEN or a path over size
 * bytes (the NUL included). *vlen PATH_ALL_VERIFIED: every ".." is
 * textual. */
#define PATH_ALL_VERIFIED ((size_t)-1)
/* Inline: it is on every path call's way, and its callers keep len and
 * vlen in registers. */
static inline long path_append(char *out, size_t size, size_t *lenp, size_t *vlenp, const char **sp)
{
	/* Locals, not the pointers: out's stores may alias them. */
	const char *s = *sp;
	size_t len = *lenp, vlen = *vlenp;
	long r = 0;
	while (*s) {
		while (*s == '/')
			s++;
		size_t n = 0;
		while (s[n] && s[n] != '/')
			n++;
		if (n == 0)
			break;
		if (n > LDE_NAME_LEN) {
			r = -ENAMETOOLONG;
			break;
		}
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (len > vlen) {
				r = 1; /* the component before is not known to be a directory */
				break;
			}
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the '/' before the dropped component */
			if (vlen != PATH_ALL_VERIFIED)
				vlen = len;
		} else if (!(n == 1 && s[0] == '.')) {
			if (len + 1 + n + 1 > size) {
				r = -ENAMETOOLONG;
				break;
			}
			out[len++] = '/';
			for (size_t i = 0; i < n; i++)
				out[len + i] = s[i];
			len += n;
		}
		s += n;
	}
	*sp = s;
	*lenp = len;
	*vlenp = vlen;
	return r;
}

/* Whether the absolute path s[0..n) (s[0] '/', n > 0) is already what
 * path_append builds of it, with nothing for path_end to note: no empty
 * component, none starting with '.', no '/' at the end ("/" itself is
 * fine). Then resolving it needs no copy: the usual path is so.
 * Components' lengths are the caller's to bound. */
static inline bool path_clean(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '/' && (s[i + 1] == '/' || s[i + 1] == '.'))
			return false;
	return n == 1 || s[n - 1] != '/';
}

/* The server found that out[0..end) names a symbolic link (end on a
 * component's end, beyond the root), whose target is buf[0..n). Makes buf
 * (size bytes, NUL-terminated) what is left to resolve: the target, then
 * out[end..*len) and, if rest is not empty, '/' and rest; and cuts out
 * back to where the target starts from: the link's directory (verified:
 * the server walked it) or, for an absolute target, the root. 0,
 * -ENOENT for an empty target (as Linux), -ENAMETOOLONG if it does not
 * fit, -EIO for an end that is not a component's. */
long path_splice(char *buf, size_t size, size_t n, const char *out, size_t *len, size_t *vlen,
		 size_t end, const char *rest);

/* What path_normalize takes away at the end of a path, from the path as
 * the program gave it (len bytes): whether its last component is "." or
 * "..", which the calls that make or remove a name must refuse
 * (rmdir(".") would otherwise remove the current directory), and in
 * *slash whether a '/' follows its last name ("a/", "a/b//"; not "/"),
 * which wants a directory there. Looks at the end only. */
enum path_last { PATH_LAST_NAME, PATH_LAST_DOT, PATH_LAST_DOTDOT };
enum path_last path_end(const char *path, size_t len, bool *slash);
