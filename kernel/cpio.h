/* Reader for "newc" cpio archives (magic 070701, what `cpio -o -H newc`
 * writes), the format of the initial ramdisk. Pure code: host-tested. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define CPIO_S_IFMT 0170000
#define CPIO_S_IFREG 0100000
#define CPIO_S_IFDIR 0040000

struct cpio_file {
	const char *name; /* into the archive, NUL-terminated */
	size_t namelen;	  /* without the NUL */
	const void *data; /* into the archive */
	size_t size;
	uint32_t mode; /* type and permission bits */
};

/* Iterate: *offset starts at 0. Returns 1 and fills *out for each entry,
 * 0 at the "TRAILER!!!" entry or at the end of the archive (*offset then
 * stays put, so further calls return 0 again), or -EINVAL if the entry at
 * *offset is malformed (bad magic, non-hex field, name not NUL-terminated
 * or containing a NUL, sizes past the end, namesize 0, *offset not 4-byte
 * aligned or past the end). */
int cpio_next(const void *archive, size_t len, size_t *offset, struct cpio_file *out);

/* path without its leading "/" and "./" components ("/x", "./x" -> "x"). */
const char *cpio_skip_prefix(const char *path);

/* Find a regular file by path. Leading "/" and "./" on either side are
 * ignored, so "/hello", "hello" and "./hello" all match an entry "hello"
 * or "./hello". Returns 0, -ENOENT (also for directories and other
 * non-regular entries), or -EINVAL if the archive is malformed before the
 * file is found. */
int cpio_find(const void *archive, size_t len, const char *path, struct cpio_file *out);
