/* opendir/readdir/closedir over getdents: the records (struct lde_dirent,
 * kernel/uapi_fs.h) come a buffer at a time. */
#include "dirent.h"
#include "lde.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct lde_dir {
	int fd;
	int len, pos; /* bytes in buf, the next record's offset */
	struct dirent ent;
	char buf[2048] __attribute__((aligned(8)));
};

DIR *fdopendir(int fd)
{
	DIR *d = malloc(sizeof *d);
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->fd = fd;
	d->len = d->pos = 0;
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

struct dirent *readdir(DIR *d)
{
	if (d->pos >= d->len) {
		long n = getdents(d->fd, d->buf, sizeof d->buf);
		if (n <= 0)
			return NULL; /* the end, or an error with errno set */
		d->len = (int)n;
		d->pos = 0;
	}
	const struct lde_dirent *e = (const struct lde_dirent *)(d->buf + d->pos);
	size_t room = (size_t)(d->len - d->pos);
	/* A record the server botched ends the listing rather than the
	 * program. */
	if (room < sizeof *e || e->reclen < sizeof *e || e->reclen > room) {
		d->pos = d->len;
		errno = EIO;
		return NULL;
	}
	d->pos += e->reclen;
	d->ent.d_ino = (ino_t)e->ino;
	d->ent.d_type = e->type;
	size_t n = strnlen(e->name, e->reclen - sizeof *e);
	if (n > sizeof d->ent.d_name - 1)
		n = sizeof d->ent.d_name - 1;
	memcpy(d->ent.d_name, e->name, n);
	d->ent.d_name[n] = 0;
	return &d->ent;
}

int closedir(DIR *d)
{
	int r = close(d->fd);
	free(d);
	return r;
}

int dirfd(DIR *d) { return d->fd; }

void rewinddir(DIR *d)
{
	lseek(d->fd, 0, SEEK_SET);
	d->len = d->pos = 0;
}
