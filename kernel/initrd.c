#include "initrd.h"
#include "errno.h"

static const void *archive;
static size_t archive_len;

void initrd_init(const void *a, size_t len)
{
	archive = a;
	archive_len = len;
}

int initrd_find(const char *path, struct cpio_file *out)
{
	if (!archive)
		return -ENOENT;
	return cpio_find(archive, archive_len, path, out);
}

#define S_IFMT 0170000
#define S_IFREG 0100000

int initrd_entry(int index, struct cpio_file *out)
{
	size_t off = 0;
	int r;
	if (!archive)
		return 0;
	while ((r = cpio_next(archive, archive_len, &off, out)) == 1) {
		if ((out->mode & S_IFMT) == S_IFREG && index-- == 0)
			return 1;
	}
	return r;
}
