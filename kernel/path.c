#include "path.h"
#include "errno.h"
#include "uapi_fs.h"

long path_append(char *out, size_t size, size_t *len, size_t *vlen, const char **sp)
{
	const char *s = *sp;
	while (*s) {
		while (*s == '/')
			s++;
		size_t n = 0;
		while (s[n] && s[n] != '/')
			n++;
		if (n == 0)
			break;
		if (n > LDE_NAME_LEN)
			return -ENAMETOOLONG;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (*len > *vlen) {
				*sp = s; /* the component before is not known to be a directory */
				return 1;
			}
			while (*len > 0 && out[*len - 1] != '/')
				(*len)--;
			if (*len > 0)
				(*len)--; /* the '/' before the dropped component */
			if (*vlen != PATH_ALL_VERIFIED)
				*vlen = *len;
		} else if (!(n == 1 && s[0] == '.')) {
			if (*len + 1 + n + 1 > size)
				return -ENAMETOOLONG;
			out[(*len)++] = '/';
			for (size_t i = 0; i < n; i++)
				out[(*len)++] = s[i];
		}
		s += n;
	}
	*sp = s;
	return 0;
}

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
