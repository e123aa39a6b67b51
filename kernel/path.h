/* Path names (docs/files.md): the kernel resolves "." and ".." and the
 * current directory itself, so a file server only ever sees a clean path
 * relative to its mount. Pure string work, host-tested (tests/host). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

/* path_clean's check made while the path is copied, a word at a time:
 * copy the path at src, its NUL too, into dst, aligned like src, looking
 * at no more than max bytes; return its length, or max if src[0..max)
 * holds no NUL. It copies whole aligned words, from the one holding
 * src[0] (dst's bytes before dst in it are written too) to the one
 * holding the NUL or src[max - 1], and reads nothing else: the caller
 * makes sure they are readable (in one page) and that dst has room for
 * them. *clean is path_clean's answer for a path that starts with '/'
 * (else meaningless). */
static inline size_t path_copy_words(char *dst, const char *src, size_t max, bool *clean)
{
	typedef uint64_t __attribute__((may_alias)) word;
	const uint64_t ones = 0x0101010101010101UL, high = ones << 7, sl = ones * '/';
	size_t head = (uintptr_t)src & 7, end = head + max; /* in bytes from s */
	const word *s = (const word *)(src - head);
	word *d = (word *)(dst - head);
	uint64_t w = s[0];
	d[0] = w;
	if (head) {
		/* What precedes the path counts as an 'a': no NUL, '/' or '.'. */
		uint64_t before = ~0UL >> (64 - 8 * head);
		w = (w & ~before) | (0x6161616161616161UL & before);
	}
	uint64_t carry = 0, bad = 0;
	for (size_t i = 0;;) {
		/* Each mask has bit 7 of the bytes it finds: zero finds the
		 * first NUL exactly (bytes above it may be found wrongly);
		 * dot_or_slash finds every '.' and '/' exactly ('.' | 1 is
		 * '/', and no byte | 1 is one more, which a borrow would
		 * need), and the odd ones of those are the '/'s. A '/'
		 * followed by either, or by the NUL, is what path_clean
		 * refuses. */
		uint64_t y = (w | ones) ^ sl;
		uint64_t zero = (w - ones) & ~w & high;
		uint64_t dot_or_slash = (y - ones) & ~y & high;
		uint64_t slash = dot_or_slash & w << 7;
		uint64_t after_slash = slash << 8 | carry;
		if (zero) {
			uint64_t nul = zero & -zero;
			/* nul's byte and those below it: nul's bit and below. */
			bad |= after_slash & (dot_or_slash | nul) & (nul | (nul - 1));
			size_t len = i * 8 + ((nul >> 7) * 0x0001020304050607UL >> 56) - head;
			if (len >= max)
				return max;
			*clean = !bad || len == 1; /* "/": a '/' before the NUL, fine */
			return len;
		}
		bad |= after_slash & dot_or_slash;
		carry = slash >> 56;
		if (++i * 8 >= end)
			return max;
		w = s[i];
		d[i] = w;
	}
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
