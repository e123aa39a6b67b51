/* The initrd's files, indexed once at boot. The archive is parsed and
 * validated by cpio.c when it is indexed; exec and readdir then look files
 * up in the index instead of walking (and re-validating) the archive on
 * every call. exec finds a name through a hash table, so that its cost does
 * not grow with the number of files in the initrd. */
#include "initrd.h"
#include "console.h"
#include "errno.h"
#include "kstring.h"

#define INITRD_MAX_FILES 256
/* Open addressing, at most half full: a lookup hashes the name and then
 * compares about one entry. A power of two, for the mask. */
#define INITRD_HASH_SLOTS (2 * INITRD_MAX_FILES)

static struct cpio_file files[INITRD_MAX_FILES];
static int nfiles;
static uint16_t slots[INITRD_HASH_SLOTS];	/* index in files[] + 1; 0: empty */

_Static_assert((INITRD_HASH_SLOTS & (INITRD_HASH_SLOTS - 1)) == 0, "slots must be a power of two");
_Static_assert(INITRD_MAX_FILES < 65535, "slots holds file indexes + 1 in 16 bits");

/* FNV-1a: cheap, and spreads the short, similar names of programs well. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* The slot that holds name, or the empty slot where it would go. */
static uint16_t *slot_for(const char *name)
{
	uint32_t i = name_hash(name) & (INITRD_HASH_SLOTS - 1);
	while (slots[i] && strcmp(files[slots[i] - 1].name, name))
		i = (i + 1) & (INITRD_HASH_SLOTS - 1);
	return &slots[i];
}

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
		/* A name archived twice: exec keeps finding the first copy. */
		uint16_t *slot = slot_for(name);
		if (!*slot)
			*slot = (uint16_t)nfiles;
	}
	if (r < 0)
		kprintf("lde: initrd is malformed after %d files; the rest are ignored\n", nfiles);
}

int initrd_find(const char *path, struct cpio_file *out)
{
	uint16_t *slot = slot_for(cpio_skip_prefix(path));
	if (!*slot)
		return -ENOENT;
	*out = files[*slot - 1];
	return 0;
}

int initrd_entry(int index, struct cpio_file *out)
{
	if (index < 0 || index >= nfiles)
		return 0;
	*out = files[index];
	return 1;
}
