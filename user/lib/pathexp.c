/* Pathname expansion (pathexp.h). The pattern is walked a part at a time:
 * a part with no '*', '?' or '[' is added to the path as it is (less its
 * '\'s) without looking; a part with them is matched against every name
 * of the directory reached so far. Where more parts follow, the names
 * that matched are kept at the top of the caller's buffer (growing down,
 * while the results grow up from below), so that each directory is read
 * whole and closed before any below it is opened: one descriptor at a
 * time however deep the pattern, and no memory but the caller's. */
#include "pathexp.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "dirent.h"
#include "fnmatch.h"

int pathexp_magic(const char *p)
{
	for (; *p; p++) {
		if (*p == '*' || *p == '?' || *p == '[')
			return 1;
		if (*p == '\\' && p[1])
			p++;
	}
	return 0;
}

/* The '/' that ends the part p starts, or NULL if it is the last. A '/' is
 * always a separator, even after a '\'. */
static char *part_end(char *p)
{
	for (; *p; p++) {
		if (*p == '/')
			return p;
		if (*p == '\\' && p[1] && p[1] != '/')
			p++;
	}
	return NULL;
}

/* Add s to x->path[0..len), less its '\'s if unquote: the new length, or
 * -1 with ENAMETOOLONG. */
static long add(struct pathexp *x, size_t len, const char *s, int unquote)
{
	for (; *s; s++) {
		if (unquote && *s == '\\' && s[1])
			s++;
		if (len + 1 >= sizeof x->path) {
			errno = ENAMETOOLONG;
			return -1;
		}
		x->path[len++] = *s;
	}
	x->path[len] = 0;
	return (long)len;
}

/* x->path[0..len) is a name the pattern matches: store it. 0; 1 if it is
 * one too many (not stored); -1 with E2BIG if it does not fit. */
static int found(struct pathexp *x, size_t len)
{
	if (x->n == x->max) {
		x->n++;
		return 1;
	}
	if (len + 1 > x->top - x->len) {
		errno = E2BIG;
		return -1;
	}
	memcpy(x->buf + x->len, x->path, len + 1);
	x->names[x->n++] = x->buf + x->len;
	x->len += len + 1;
	return 0;
}

/* Whether path names anything (a dangling link too); whether it is a
 * directory. Not inlined: their struct stat stays off the frames that
 * recurse. */
static __attribute__((noinline)) int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static __attribute__((noinline)) int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int walk(struct pathexp *x, size_t len, char *pattern);

/* x->path[0..len) matched every part before rest (NULL: there is none;
 * "": the pattern ended in '/', and only a directory will do): store it,
 * or go on below it. 0, 1 (too many) or -1, as found. */
static int reached(struct pathexp *x, size_t len, char *rest)
{
	if (rest && *rest) {
		long n = add(x, len, "/", 0);
		return n < 0 ? -1 : walk(x, (size_t)n, rest);
	}
	if (rest) {
		if (!is_dir(x->path))
			return 0;
		long n = add(x, len, "/", 0);
		return n < 0 ? -1 : found(x, (size_t)n);
	}
	return found(x, len);
}

/* The names in the directory x->path[0..len) ("" for the current one)
 * that part matches, and below each what rest does. */
static int walk_dir(struct pathexp *x, size_t len, const char *part, char *rest)
{
	DIR *d = opendir(len ? x->path : ".");
	if (!d)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -1;
	size_t top = x->top;
	int r = 0;
	struct dirent *e;
	while (!r && (e = readdir(d))) {
		const char *name = e->d_name;
		if (!strcmp(name, ".") || !strcmp(name, "..") || fnmatch(part, name, FNM_PERIOD))
			continue;
		if (!rest) { /* the last part: a result already */
			long n = add(x, len, name, 0);
			r = n < 0 ? -1 : found(x, (size_t)n);
			continue;
		}
		size_t n = strlen(name) + 1;
		if (n > x->top - x->len) {
			errno = E2BIG;
			r = -1;
			break;
		}
		x->top -= n;
		memcpy(x->buf + x->top, name, n);
	}
	closedir(d);
	for (size_t at = x->top; !r && at < top; at += strlen(x->buf + at) + 1) {
		long n = add(x, len, x->buf + at, 0);
		r = n < 0 ? -1 : reached(x, (size_t)n, rest);
	}
	x->top = top;
	return r;
}

/* The parts of pattern below x->path[0..len), which is "" (the current
 * directory) or ends in '/'. Parts without a pattern character are added
 * in a loop, not by recursion: only a part that needs a directory read
 * costs a level of the C stack (at most one per two characters of the
 * pattern, and only as deep as there are directories that match). */
static int walk(struct pathexp *x, size_t len, char *pattern)
{
	for (;;) {
		char *end = part_end(pattern), *rest = end;
		while (rest && *rest == '/')
			rest++;
		if (end)
			*end = 0; /* the part alone, for fnmatch; put back below */
		int magic = pathexp_magic(pattern);
		long n = magic ? walk_dir(x, len, pattern, rest) : add(x, len, pattern, 1);
		if (end)
			*end = '/';
		if (magic || n < 0)
			return (int)n;
		if (!rest || !*rest) {
			/* The last part: if it names nothing there, no match. */
			if (!rest && !exists(x->path))
				return 0;
			return reached(x, (size_t)n, rest);
		}
		n = add(x, (size_t)n, "/", 0);
		if (n < 0)
			return -1;
		len = (size_t)n;
		pattern = rest;
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pathexp(char *pattern, struct pathexp *x)
{
	size_t start = x->len, len = 0;
	x->n = 0;
	x->top = x->size;
	if (*pattern == '/') {
		x->path[len++] = '/';
		while (*pattern == '/')
			pattern++;
	}
	x->path[len] = 0;
	int r = walk(x, len, pattern);
	if (r) {
		x->len = start;
		return r < 0 ? -1 : x->n;
	}
	qsort(x->names, (size_t)x->n, sizeof *x->names, by_name);
	return x->n;
}
