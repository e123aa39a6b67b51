/* Replacing a file whole: see replace.h. */
#include "replace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int replace_begin(struct replace *r, const char *path)
{
	size_t n = strlen(path);
	if (n >= sizeof r->path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(r->path, path, n + 1);
	memcpy(r->tmp, path, n);
	memcpy(r->tmp + n, ".new", 5);
	r->mode = 0600;
	r->uid = geteuid();
	r->gid = getegid();
	/* 0600 from the start: the contents are never readable by others,
	 * not even before the mode is set at commit. */
	r->fd = open(r->tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	return r->fd < 0 ? -1 : 0;
}

void replace_abort(struct replace *r)
{
	int err = errno;
	close(r->fd);
	unlink(r->tmp);
	errno = err;
}

int replace_commit(struct replace *r)
{
	struct stat st;
	mode_t mode = r->mode;
	uid_t uid = r->uid;
	gid_t gid = r->gid;
	if (stat(r->path, &st) == 0) {
		mode = st.st_mode & 07777;
		uid = st.st_uid;
		gid = st.st_gid;
	} else if (errno != ENOENT) {
		goto fail;
	}
	/* chown before chmod: a chown clears the set-ID bits. */
	if (chown(r->tmp, uid, gid) < 0 || chmod(r->tmp, mode) < 0)
		goto fail;
	/* The new file whole on the disk before any name leads to it... */
	if (fsync(r->fd) < 0)
		goto fail;
	if (rename(r->tmp, r->path) < 0)
		goto fail;
	/* ...and the rename too before we say it is done. lde's fsync writes
	 * the server's whole cache (docs/files.md), the directory included;
	 * on a system whose fsync is one file's, this would be an fsync of
	 * the directory. Past the rename the new file is PATH: a failure now
	 * leaves it in place, only perhaps not yet on the disk. */
	if (fsync(r->fd) < 0) {
		int err = errno;
		close(r->fd);
		errno = err;
		return -1;
	}
	return close(r->fd);
fail:
	replace_abort(r);
	return -1;
}
