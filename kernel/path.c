#include "path.h"
#include "errno.h"
#include "uapi_fs.h"

/* Append the components of s to out (length *lenp), resolving "." and
 * "..". The length is kept in a local: out's stores could alias *lenp,
 * which would be reloaded and stored again at every byte. */
static long add_components(char *out, size_t size, size_t *lenp, const char *s)
{
	size_t len = *lenp;
	long err = 0;
	while (*s) {
		while (*s == '/')
			s++;
		size_t n = 0;
		while (s[n] && s[n] != '/')
			n++;
		if (n == 0)
			break;
		if (n > LDE_NAME_LEN) {
			err = -ENAMETOOLONG;
			break;
		}
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the '/' before the dropped component */
		} else if (!(n == 1 && s[0] == '.')) {
			if (len + 1 + n + 1 > size) {
				err = -ENAMETOOLONG;
				break;
			}
			out[len++] = '/';
			for (size_t i = 0; i < n; i++)
				out[len + i] = s[i];
			len += n;
		}
		s += n;
	}
	*lenp = len;
	return err;
}

long path_normalize(char *out, size_t size, const char *cwd, const char *path)
{
	if (!*path)
		return -ENOENT;
	if (size < 2)
		return -ENAMETOOLONG;
	/* Built without the root's '/': "" is the root until the end. */
	size_t len = 0;
	long err = 0;
	if (*path != '/')
		err = add_components(out, size, &len, cwd);
	if (!err)
		err = add_components(out, size, &len, path);
	if (err)
		return err;
	if (len == 0)
		out[len++] = '/';
	out[len] = 0;
	return (long)len;
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
