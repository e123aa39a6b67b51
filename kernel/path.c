#include "path.h"
#include "errno.h"
#include "uapi_fs.h"

long path_normalize(char *out, size_t size, const char *cwd, const char *path)
{
	if (!*path)
		return -ENOENT;
	if (size < 2)
		return -ENAMETOOLONG;
	/* Built without the root's '/': "" is the root until the end; every
	 * component verified, so ".." is always textual. */
	size_t len = 0, all = PATH_ALL_VERIFIED;
	long err = 0;
	if (*path != '/')
		err = path_append(out, size, &len, &all, &cwd);
	if (!err)
		err = path_append(out, size, &len, &all, &path);
	if (err)
		return err;
	if (len == 0)
		out[len++] = '/';
	out[len] = 0;
	return (long)len;
}

long path_splice(char *buf, size_t size, size_t n, const char *out, size_t *len, size_t *vlen,
		 size_t end, const char *rest)
{
	if (end == 0 || end > *len || (end < *len && out[end] != '/') || out[end - 1] == '/')
		return -EIO;
	if (n == 0)
		return -ENOENT;
	size_t tail = *len - end, rlen = 0;
	while (rest[rlen])
		rlen++;
	if (n + tail + (rlen ? 1 + rlen : 0) + 1 > size)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < tail; i++)
		buf[n + i] = out[end + i];
	n += tail;
	if (rlen) {
		buf[n++] = '/';
		for (size_t i = 0; i < rlen; i++)
			buf[n + i] = rest[i];
		n += rlen;
	}
	buf[n] = 0;
	size_t base = 0;
	if (buf[0] != '/') {
		base = end;
		while (out[base - 1] != '/')
			base--;
		base--; /* the '/' before the link's name */
	}
	*len = base;
	*vlen = base;
	return 0;
}

enum path_last path_end(const char *path, size_t len, bool *slash)
{
	size_t end = len;
	while (end > 0 && path[end - 1] == '/')
		end--;
	*slash = end > 0 && end < len;
	if (end < 1 || path[end - 1] != '.')
		return PATH_LAST_NAME;
	if (end == 1 || path[end - 2] == '/')
		return PATH_LAST_DOT;
	if (path[end - 2] == '.' && (end == 2 || path[end - 3] == '/'))
		return PATH_LAST_DOTDOT;
	return PATH_LAST_NAME;
}
