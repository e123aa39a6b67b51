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
	/* The Makefile archives the files sorted by name (bytewise, as
	 * strcmp), so a binary search finds a program in log2(files)
	 * comparisons: exec's cost hardly depends on how many files the
	 * initrd holds, and building no other index keeps the boot short. A
	 * name it misses (an archive in another order) is still found by the
	 * linear search after it; so is a name the initrd lacks, at the cost
	 * of that search. */
	int lo = 0, hi = nfiles;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		int c = strcmp(files[mid].name, path);
		if (c == 0) {
			/* A name archived twice: the first copy, as below. */
			while (mid > 0 && !strcmp(files[mid - 1].name, path))
				mid--;
			*out = files[mid];
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
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
