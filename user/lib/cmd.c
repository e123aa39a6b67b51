/* Helpers of the command-line programs (cmd.h). */
#include "cmd.h"
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dirent.h"

int cmd_optind = 1;
char *cmd_optarg;

int cmd_getopt(int argc, char *const argv[], const char *opts)
{
	static int pos; /* the next letter of argv[cmd_optind]; 0 between words */
	if (pos == 0) {
		const char *w = cmd_optind < argc ? argv[cmd_optind] : NULL;
		if (!w || w[0] != '-' || !w[1])
			return -1;
		if (!strcmp(w, "--")) {
			cmd_optind++;
			return -1;
		}
		pos = 1;
	}
	char c = argv[cmd_optind][pos++];
	const char *o = c != ':' ? strchr(opts, c) : NULL;
	if (!argv[cmd_optind][pos]) {
		cmd_optind++;
		pos = 0;
	}
	if (!o)
		return '?';
	if (o[1] == ':') {
		if (pos) { /* the rest of the word: -n5 */
			cmd_optarg = argv[cmd_optind++] + pos;
			pos = 0;
		} else if (cmd_optind < argc) {
			cmd_optarg = argv[cmd_optind++];
		} else {
			return '?';
		}
	}
	return c;
}

int cmd_error(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	return 1;
}

int cmd_usage(const char *text)
{
	fprintf(stderr, "usage: %s\n", text);
	return 2;
}

int cmd_open_in(const char *path)
{
	if (!strcmp(path, "-"))
		return 0;
	return open(path, O_RDONLY);
}

void cmd_close_in(int fd)
{
	if (fd != 0)
		close(fd);
}

int cmd_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int cmd_copy(int in, int out)
{
	static char buf[4096];
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n <= 0)
			return (int)n;
		if (cmd_write_all(out, buf, (size_t)n) < 0)
			return errno == EPIPE ? 0 : -1;
	}
}

int cmd_copy_file(const char *prog, const char *src, const char *dst)
{
	struct stat st, dst_st;
	int in = open(src, O_RDONLY);
	if (in < 0)
		return cmd_error(prog, src);
	int r = fstat(in, &st);
	if (r == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		r = -1;
	}
	if (r < 0) {
		cmd_error(prog, src);
		close(in);
		return 1;
	}
	/* Opening dst with O_TRUNC would empty src before it is read. */
	if (stat(dst, &dst_st) == 0 && dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino) {
		fprintf(stderr, "%s: %s and %s are the same file\n", prog, src, dst);
		close(in);
		return 1;
	}
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);
	if (out < 0) {
		cmd_error(prog, dst);
		close(in);
		return 1;
	}
	int status = 0;
	static char buf[4096];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (cmd_write_all(out, buf, (size_t)n) < 0) {
			status = cmd_error(prog, dst);
			break;
		}
	if (n < 0)
		status = cmd_error(prog, src);
	close(in);
	if (close(out) < 0 && !status)
		status = cmd_error(prog, dst);
	return status;
}

void cmd_lines_init(struct cmd_lines *r, int fd) { *r = (struct cmd_lines){ .fd = fd }; }

long cmd_line(struct cmd_lines *r, char **line)
{
	if (r->len > r->pos)
		r->buf[r->pos] = r->saved; /* the byte the last line's NUL covered */
	for (;;) {
		char *nl = r->len > r->pos ? memchr(r->buf + r->pos, '\n', r->len - r->pos) : NULL;
		if (nl || (r->eof && r->len > r->pos)) {
			size_t start = r->pos, end = nl ? (size_t)(nl - r->buf) + 1 : r->len;
			/* The buffer always has a byte past its data, so the
			 * line can end in a NUL; the byte it covers is kept. */
			r->saved = r->buf[end];
			r->buf[end] = 0;
			r->pos = end;
			*line = r->buf + start;
			return (long)(end - start);
		}
		if (r->eof)
			return 0;
		/* Keep only the unfinished line, then read more after it. */
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
		if (r->cap - r->len < 1024) {
			size_t cap = r->cap ? 2 * r->cap : 4096;
			char *b = realloc(r->buf, cap);
			if (!b) {
				errno = ENOMEM;
				return -1;
			}
			r->buf = b;
			r->cap = cap;
		}
		ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len - 1);
		if (n < 0)
			return -1;
		if (n == 0)
			r->eof = 1;
		r->len += (size_t)n;
	}
}

void cmd_lines_free(struct cmd_lines *r)
{
	free(r->buf);
	r->buf = NULL;
}

long cmd_read_dir(const char *path, enum cmd_dir which, char ***names, int *err)
{
	DIR *d = opendir(path);
	size_t n = 0, cap = 0;
	struct dirent *e;
	*names = NULL;
	*err = 0;
	if (!d)
		return -1;
	errno = 0;
	while ((e = readdir(d))) {
		const char *s = e->d_name;
		bool dots = s[0] == '.' && (!s[1] || (s[1] == '.' && !s[2]));
		if ((which == CMD_DIR_ENTRIES && dots) || (which == CMD_DIR_VISIBLE && s[0] == '.'))
			continue;
		if (n == cap) {
			char **p = realloc(*names, (cap = cap ? 2 * cap : 32) * sizeof **names);
			if (!p)
				break;
			*names = p;
		}
		if (!((*names)[n] = strdup(s)))
			break;
		n++;
		errno = 0;
	}
	*err = errno;
	closedir(d);
	return (long)n;
}

int cmd_join(char *buf, size_t size, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	const char *sep = dl && dir[dl - 1] == '/' ? "" : "/";
	int n = snprintf(buf, size, "%.*s%s%s", (int)dl, dir, sep, name);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

const char *cmd_basename(const char *path, char *buf, size_t size)
{
	size_t end = strlen(path);
	while (end > 1 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	size_t n = end - start < size - 1 ? end - start : size - 1;
	memcpy(buf, path + start, n);
	buf[n] = 0;
	return buf;
}
