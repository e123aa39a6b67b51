/* The initrd's files, indexed once at boot. The archive is parsed and
 * validated by cpio.c when it is indexed; exec and readdir then look files
 * up in the index instead of walking (and re-validating) the archive on
 * every call. */
#include "initrd.h"
#include "console.h"
#include "errno.h"
#include "kstring.h"

#define INITRD_MAX_FILES 256

static struct cpio_file files[INITRD_MAX_FILES];
static int nfiles;

void initrd_init(const void *archive, size_t len)
{
	size_t off = 0;
	struct cpio_file f;
	int r;
	while ((r = cpio_next(archive, len, &off, &f)) == 1) {
		if ((f.mode & CPIO_S_IFMT) != CPIO_S_IFREG)
			continue;
		if (nfiles == INITRD_MAX_FILES) {
			kprintf("lde: initrd has more than %d files; the rest are ignored\n",
				INITRD_MAX_FILES);
			return;
		}
		const char *name = cpio_skip_prefix(f.name);
		f.namelen -= (size_t)(name - f.name);
		f.name = name;
		files[nfiles++] = f;
	}
	if (r < 0)
		kprintf("lde: initrd is malformed after %d files; the rest are ignored\n", nfiles);
}

int initrd_find(const char *path, struct cpio_file *out)
{
	path = cpio_skip_prefix(path);
	for (int i = 0; i < nfiles; i++) {
		if (!strcmp(files[i].name, path)) {
			*out = files[i];
			return 0;
		}
	}
	return -ENOENT;
}

int initrd_entry(int index, struct cpio_file *out)
{
	if (index < 0 || index >= nfiles)
		return 0;
	*out = files[index];
	return 1;
}
