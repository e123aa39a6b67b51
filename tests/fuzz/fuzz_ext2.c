/* Fuzz target for the ext2 engine of the file-system server
 * (servers/fs/ext2.c and its block cache, servers/fs/bcache.c).
 *
 * The input is the start of a disk image (a device of FUZZ_DEV_BYTES, the
 * rest zeros): the seeds are small images made by mke2fs
 * (tests/fuzz/mkcorpus.sh). It is mounted from memory and walked the way
 * the server would serve a curious client: every directory listed (with
 * its cookie), every name looked up and stat'ed, every file read (up to a
 * bound), every symlink read and followed, some paths resolved (then
 * again as for the lde kernel, EXT2_MOUNT_REPORT_LINKS, where a walk stops
 * at the first symlink and says where it is); then
 * changed: a file created, written and read back, a directory made, names
 * renamed, linked, unlinked, a file truncated, everything walked again,
 * and the image unmounted.
 *
 * Checked (ext2.h's promises), besides no crash, leak of pins or sanitizer
 * report: every call returns success or a negative errno from the list
 * ext2.h allows; mount either fails or gives a root directory; reads
 * return at most what was asked and nothing past the end of the file;
 * readdir's names are NUL-terminated with the length it reports and its
 * cookie always moves forward; what a successful write wrote reads back
 * the same; no call leaves a cache buffer pinned.
 *
 * Its error codes are the C library's <errno.h>, as ext2.c's are (this
 * target is built without kernel/ on the <...> include path). */
#include "fuzz.h"

#include <errno.h>

#include "ext2.h"

#define FUZZ_DEV_BYTES (256u << 10)
#define READ_MAX (256u << 10) /* bytes read of each file */
#define NAMES_MAX 400	      /* directory entries visited in all */

static uint8_t *dev_mem;
static uint8_t cache_mem[96 * 4200];
static struct ext2_fs fs;
static unsigned long visited;
static uint8_t rbuf[8192];

static int mem_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
	(void)ctx;
	CHECK(sector < FUZZ_DEV_BYTES / BLOCKDEV_SECTOR &&
	      count <= FUZZ_DEV_BYTES / BLOCKDEV_SECTOR - sector);
	memcpy(buf, dev_mem + sector * BLOCKDEV_SECTOR, (size_t)count * BLOCKDEV_SECTOR);
	return 0;
}

static int mem_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
	(void)ctx;
	CHECK(sector < FUZZ_DEV_BYTES / BLOCKDEV_SECTOR &&
	      count <= FUZZ_DEV_BYTES / BLOCKDEV_SECTOR - sector);
	memcpy(dev_mem + sector * BLOCKDEV_SECTOR, buf, (size_t)count * BLOCKDEV_SECTOR);
	return 0;
}

static int mem_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static void check_err(long r)
{
	if (r >= 0)
		return;
	switch (-r) {
	case EIO:
	case ENOENT:
	case ENOTDIR:
	case EISDIR:
	case ENOSPC:
	case EEXIST:
	case ENOTEMPTY:
	case EINVAL:
	case ENAMETOOLONG:
	case ELOOP:
	case EFBIG:
	case EROFS:
	case EMLINK:
	case EPERM:
	case EBUSY:
	case EACCES: return;
	}
	fprintf(stderr, "unexpected error %ld\n", r);
	CHECK(!"an error ext2.h does not list");
}

static void check_unpinned(void)
{
	for (uint32_t i = 0; i < fs.bc.nbufs; i++)
		CHECK(fs.bc.bufs[i].refs == 0);
}

static void read_file(uint32_t ino, const struct ext2_stat *st)
{
	uint64_t off = 0;

	while (off < READ_MAX) {
		long n = ext2_read(&fs, ino, off, rbuf, sizeof(rbuf));

		check_err(n);
		if (n <= 0)
			break;
		CHECK((size_t)n <= sizeof(rbuf));
		CHECK(off + (uint64_t)n <= st->size);
		off += (uint64_t)n;
	}
}

static void walk(uint32_t dir, int depth)
{
	struct ext2_dirent de;
	uint64_t cookie = 0, last = 0;
	int r;

	if (depth > 8)
		return;
	while (visited < NAMES_MAX && (r = ext2_readdir(&fs, dir, &cookie, &de)) == 1) {
		struct ext2_stat st;
		uint32_t ino;

		CHECK(cookie > last);
		last = cookie;
		CHECK(de.namelen > 0 && strlen(de.name) == de.namelen);
		visited++;
		if (!strcmp(de.name, ".") || !strcmp(de.name, ".."))
			continue;
		r = ext2_lookup(&fs, dir, de.name, de.namelen, &ino);
		check_err(r);
		if (r < 0)
			continue;
		r = ext2_stat(&fs, ino, &st);
		check_err(r);
		if (r < 0)
			continue;
		CHECK(st.ino == ino);
		switch (st.mode & EXT2_S_IFMT) {
		case EXT2_S_IFDIR: walk(ino, depth + 1); break;
		case EXT2_S_IFREG: read_file(ino, &st); break;
		case EXT2_S_IFLNK: {
			char t[EXT2_PATH_MAX];
			long n = ext2_readlink(&fs, ino, t, sizeof(t));

			check_err(n);
			CHECK(n < 0 || (n > 0 && (size_t)n <= sizeof(t) && n == (long)st.size));
			break;
		}
		}
	}
	check_unpinned();
}

/* A walk reported a symlink (EXT2_MOUNT_REPORT_LINKS): it must be in
 * path, end on a component's end, and name a symlink, which reads. */
static void check_reported(const char *path)
{
	char prefix[EXT2_PATH_MAX + 1], t[EXT2_PATH_MAX];
	size_t len = strlen(path), end = fs.link_end;
	struct ext2_stat st;
	uint32_t ino;

	CHECK(fs.link_path == path);
	CHECK(end > 0 && end <= len && path[end - 1] != '/' && (!path[end] || path[end] == '/'));
	memcpy(prefix, path, end);
	prefix[end] = 0;
	CHECK(ext2_walk(&fs, EXT2_ROOT_INO, prefix, EXT2_WALK_NOFOLLOW, NULL, &ino) == 0);
	CHECK(ext2_stat(&fs, ino, &st) == 0 && (st.mode & EXT2_S_IFMT) == EXT2_S_IFLNK);
	check_err(ext2_readlink(&fs, ino, t, sizeof(t)));
}

static void resolve(const char *path)
{
	uint32_t ino;
	struct ext2_cred cred = { 1000, 1000 };
	long r;

	check_err(ext2_walk(&fs, EXT2_ROOT_INO, path, 0, NULL, &ino));
	check_err(ext2_walk(&fs, EXT2_ROOT_INO, path, EXT2_WALK_NOFOLLOW, &cred, &ino));
	/* As the server mounts it for the kernel. */
	fs.report_links = 1;
	r = ext2_walk(&fs, EXT2_ROOT_INO, path, 0, NULL, &ino);
	if (r == -EXT2_ELINKED)
		check_reported(path);
	else
		check_err(r);
	fs.report_links = 0;
	check_unpinned();
}

static void change(void)
{
	static const char data[] = "written by the fuzz target, and read back";
	uint32_t f, d, ino;
	long n;
	int r;

	r = ext2_create(&fs, EXT2_ROOT_INO, "fz", 2, 0644, 0, 0, &f);
	check_err(r);
	if (r == 0) {
		n = ext2_write(&fs, f, 5000, data, sizeof(data));
		check_err(n);
		if (n == (long)sizeof(data)) {
			char back[sizeof(data)];

			n = ext2_read(&fs, f, 5000, back, sizeof(back));
			check_err(n);
			CHECK(n < 0 ||
			      (n == (long)sizeof(data) && !memcmp(back, data, sizeof(data))));
		}
		check_err(ext2_truncate(&fs, f, 100));
	}
	r = ext2_mkdir(&fs, EXT2_ROOT_INO, "fzd", 3, 0755, 0, 0, &d);
	check_err(r);
	if (r == 0) {
		check_err(ext2_rename(&fs, EXT2_ROOT_INO, "fz", 2, d, "moved", 5));
		check_err(ext2_link(&fs, f, EXT2_ROOT_INO, "again", 5));
		check_err(ext2_rename(&fs, EXT2_ROOT_INO, "hello", 5, d, "moved", 5));
	}
	check_err(ext2_symlink(&fs, EXT2_ROOT_INO, "sl", 2,
			       "a long target that does not fit in the inode, so it needs a block",
			       0, 0, &ino));
	check_err(ext2_unlink(&fs, EXT2_ROOT_INO, "ind", 3));
	check_err(ext2_rename(&fs, EXT2_ROOT_INO, "d", 1, EXT2_ROOT_INO, "fzd", 3));
	check_err(ext2_rename(&fs, EXT2_ROOT_INO, "fzd", 3, EXT2_ROOT_INO, "d", 1));
	check_err(ext2_rmdir(&fs, EXT2_ROOT_INO, "d", 1));
	check_err(ext2_unlink(&fs, EXT2_ROOT_INO, "again", 5));
	check_unpinned();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct blockdev dev = { NULL, FUZZ_DEV_BYTES / BLOCKDEV_SECTOR, mem_read, mem_write,
				       mem_flush };
	struct ext2_statfs sf;
	int r;

	dev_mem = calloc(1, FUZZ_DEV_BYTES);
	if (!dev_mem)
		abort();
	memcpy(dev_mem, data, size < FUZZ_DEV_BYTES ? size : FUZZ_DEV_BYTES);
	r = ext2_mount(&fs, &dev, cache_mem, sizeof(cache_mem), 0);
	check_err(r);
	if (r == 0) {
		struct ext2_stat st;

		CHECK(ext2_stat(&fs, EXT2_ROOT_INO, &st) == 0);
		CHECK((st.mode & EXT2_S_IFMT) == EXT2_S_IFDIR);
		visited = 0;
		walk(EXT2_ROOT_INO, 0);
		resolve("/d/e/deep");
		resolve("/slow/../../hello");
		resolve("fast/");
		resolve("/d/../d/./f7");
		resolve("/link");
		resolve("/fast/x");
		check_err(ext2_statfs(&fs, &sf));
		if (!fs.rdonly) {
			change();
			visited = 0;
			walk(EXT2_ROOT_INO, 0);
		}
		check_err(ext2_unmount(&fs));
		check_unpinned();
	}
	free(dev_mem);
	return 0;
}
