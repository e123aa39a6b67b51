/* Host tests of the file-system server's operations (servers/fs/fsops.c)
 * over the ext2 engine, on a copy in memory of an image mke2fs made (the
 * argument): open flags, offsets, permissions for different users,
 * unlinked open files, and that the open-file table does not grow. At the
 * end the image is written out and must pass `e2fsck -fn`.
 *
 * Unlike the kernel's tests this includes the C library's <errno.h>: the
 * server's code returns its values (docs/files.md). */
#include <errno.h>

#include "check.h"
#include "fsops.h"

static uint8_t *img;
static size_t img_len;
static struct ext2_fs fs;
static struct fs_server srv;
static uint8_t cache[1 << 20];
static const struct ext2_cred root = { 0, 0 }, alice = { 1000, 100 }, bob = { 2000, 200 },
			      carol = { 3000, 100 };

static int mread(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
	(void)ctx;
	if ((sector + count) * BLOCKDEV_SECTOR > img_len)
		return -EIO;
	memcpy(buf, img + sector * BLOCKDEV_SECTOR, (size_t)count * BLOCKDEV_SECTOR);
	return 0;
}

static int mwrite(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
	(void)ctx;
	if ((sector + count) * BLOCKDEV_SECTOR > img_len)
		return -EIO;
	memcpy(img + sector * BLOCKDEV_SECTOR, buf, (size_t)count * BLOCKDEV_SECTOR);
	return 0;
}

static int mflush(void *ctx)
{
	(void)ctx;
	return 0;
}

static struct blockdev dev = { NULL, 0, mread, mwrite, mflush };

/* Mounted afresh with a cache of cache_bytes (of cache[]). */
static void remount_with(size_t cache_bytes)
{
	if (fs.mounted)
		CHECK_INT(ext2_unmount(&fs), 0);
	CHECK_INT(ext2_mount(&fs, &dev, cache, cache_bytes, 0), 0);
	fs_init(&srv, &fs);
}

static void remount(void) { remount_with(sizeof(cache)); }

TEST(create_write_read)
{
	struct ext2_stat st;
	char buf[64];
	int h;

	remount();
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/a", FS_O_RDWR | FS_O_CREAT | FS_O_EXCL,
		    0600);
	CHECK(h >= 0);
	CHECK_INT(fs_write(&srv, &root, h, "hello, files", 12), 12);
	CHECK_INT(fs_lseek(&srv, h, 7, FS_SEEK_SET), 7);
	CHECK_INT(fs_read(&srv, h, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "files", 5) == 0);
	CHECK_INT(fs_read(&srv, h, buf, sizeof(buf)), 0);
	CHECK_INT(fs_fstat(&srv, h, &st), 0);
	CHECK_INT(st.uid, 1000);
	CHECK_INT(st.gid, 100);
	CHECK_INT(st.mode, 0100600);
	CHECK_INT(st.size, 12);
	CHECK_INT(fs_close(&srv, h), 0);
	CHECK_INT(fs_close(&srv, h), -EBADF);
	CHECK_INT(fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/a", FS_O_CREAT | FS_O_EXCL, 0600),
		  -EEXIST);
	/* Relative to a current directory. */
	h = fs_open(&srv, &alice, st.ino, "a", FS_O_RDONLY, 0);
	CHECK_INT(h, -ENOTDIR);
}

TEST(modes_and_users)
{
	int h;

	remount();
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/secret", FS_O_WRONLY | FS_O_CREAT, 0640);
	CHECK(h >= 0);
	/* Its creator may write it, even where the mode would not let a
	 * later open. */
	CHECK_INT(fs_write(&srv, &root, h, "x", 1), 1);
	CHECK_INT(fs_read(&srv, h, (char[1]){ 0 }, 1), -EBADF);
	fs_close(&srv, h);
	CHECK_INT(fs_open(&srv, &bob, EXT2_ROOT_INO, "/pub/secret", FS_O_RDONLY, 0), -EACCES);
	h = fs_open(&srv, &carol, EXT2_ROOT_INO, "/pub/secret", FS_O_RDONLY, 0); /* group */
	CHECK(h >= 0);
	CHECK_INT(fs_write(&srv, &root, h, "y", 1), -EBADF);
	fs_close(&srv, h);
	CHECK_INT(fs_open(&srv, &carol, EXT2_ROOT_INO, "/pub/secret", FS_O_RDWR, 0), -EACCES);
	CHECK_INT(fs_open(&srv, &carol, EXT2_ROOT_INO, "/pub/secret", FS_O_RDONLY | FS_O_TRUNC, 0),
		  -EACCES);
	h = fs_open(&srv, &root, EXT2_ROOT_INO, "/pub/secret", FS_O_RDWR, 0);
	CHECK(h >= 0);
	fs_close(&srv, h);
	/* Only the owner or root changes the mode; only root the owner. */
	CHECK_INT(fs_chmod(&srv, &bob, EXT2_ROOT_INO, "/pub/secret", 0777), -EPERM);
	CHECK_INT(fs_chmod(&srv, &alice, EXT2_ROOT_INO, "/pub/secret", 0604), 0);
	CHECK_INT(fs_access(&srv, &bob, EXT2_ROOT_INO, "/pub/secret", EXT2_R_OK), 0);
	CHECK_INT(fs_chown(&srv, &alice, EXT2_ROOT_INO, "/pub/secret", 2000, 200), -EPERM);
	CHECK_INT(fs_chown(&srv, &root, EXT2_ROOT_INO, "/pub/secret", 2000, 200), 0);
	CHECK_INT(fs_utimes(&srv, &alice, EXT2_ROOT_INO, "/pub/secret", 1, 2), -EPERM);
	CHECK_INT(fs_utimes(&srv, &bob, EXT2_ROOT_INO, "/pub/secret", 1, 2), 0);
	CHECK_INT(fs_unlink(&srv, &bob, EXT2_ROOT_INO, "/pub/secret"), 0);
}

TEST(directories_and_search)
{
	struct ext2_dirent de;
	uint32_t ino;
	int h, n = 0, r;

	remount();
	/* /priv is root's, mode 0700: nobody else gets in or below. */
	CHECK_INT(fs_mkdir(&srv, &root, EXT2_ROOT_INO, "/priv", 0700), 0);
	CHECK_INT(fs_mkdir(&srv, &root, EXT2_ROOT_INO, "/priv/in", 0777), 0);
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, "/priv/in", 0, &(struct ext2_stat){ 0 }),
		  -EACCES);
	CHECK_INT(fs_chdir(&srv, &alice, EXT2_ROOT_INO, "/priv", &ino), -EACCES);
	CHECK_INT(fs_chdir(&srv, &root, EXT2_ROOT_INO, "/priv/in", &ino), 0);
	CHECK_INT(fs_chdir(&srv, &root, EXT2_ROOT_INO, "/", &ino), 0);
	CHECK_INT(ino, EXT2_ROOT_INO);
	CHECK_INT(fs_mkdir(&srv, &alice, EXT2_ROOT_INO, "/mine", 0755), -EACCES);
	CHECK_INT(fs_mkdir(&srv, &alice, EXT2_ROOT_INO, "/pub/mine", 0755), 0);
	CHECK_INT(fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/mine", FS_O_WRONLY, 0), -EISDIR);
	/* O_CREAT names a file to make: an existing directory is not one. */
	CHECK_INT(fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/mine", FS_O_RDONLY | FS_O_CREAT, 0644),
		  -EISDIR);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/mine/f", FS_O_CREAT | FS_O_WRONLY, 0644);
	CHECK(h >= 0);
	fs_close(&srv, h);
	CHECK_INT(fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/mine/f", FS_O_DIRECTORY, 0), -ENOTDIR);
	h = fs_open(&srv, &bob, EXT2_ROOT_INO, "/pub/mine", FS_O_RDONLY | FS_O_DIRECTORY, 0);
	CHECK(h >= 0);
	while ((r = fs_readdir(&srv, h, &de)) == 1)
		n++;
	CHECK_INT(r, 0);
	CHECK_INT(n, 3); /* ., .., f */
	fs_close(&srv, h);
	/* Bob may not remove in alice's directory, nor move her directory
	 * out of /pub (its ".." would change) though he may write /pub. */
	CHECK_INT(fs_unlink(&srv, &bob, EXT2_ROOT_INO, "/pub/mine/f"), -EACCES);
	CHECK_INT(fs_rename(&srv, &bob, EXT2_ROOT_INO, "/pub/mine", "/pub/bobs/mine"), -ENOENT);
	CHECK_INT(fs_mkdir(&srv, &bob, EXT2_ROOT_INO, "/pub/bobs", 0777), 0);
	CHECK_INT(fs_rename(&srv, &bob, EXT2_ROOT_INO, "/pub/mine", "/pub/bobs/mine"), -EACCES);
	CHECK_INT(fs_rename(&srv, &alice, EXT2_ROOT_INO, "/pub/mine", "/pub/bobs/mine"), 0);
	CHECK_INT(fs_rmdir(&srv, &alice, EXT2_ROOT_INO, "/pub/bobs/mine"), -ENOTEMPTY);
	CHECK_INT(fs_symlink(&srv, &alice, EXT2_ROOT_INO, "bobs/mine/f", "/pub/ln"), 0);
	char t[64];
	CHECK_INT(fs_readlink(&srv, &bob, EXT2_ROOT_INO, "/pub/ln", t, sizeof(t)), 11);
	CHECK_INT(fs_open(&srv, &bob, EXT2_ROOT_INO, "/pub/ln", FS_O_RDONLY | FS_O_NOFOLLOW, 0),
		  -ELOOP);
	h = fs_open(&srv, &bob, EXT2_ROOT_INO, "/pub/ln", FS_O_RDONLY, 0);
	CHECK(h >= 0);
	fs_close(&srv, h);
	CHECK_INT(fs_link(&srv, &alice, EXT2_ROOT_INO, "/pub/bobs/mine/f", "/pub/f2"), 0);
}

/* O_CREAT walks to the parent and creates in one pass over it, falling
 * back to the walk of the whole path when the name is there: the answers
 * must be those of that walk. And the one pass must put a name where an
 * unlinked one was, grow the directory when nothing fits, and allocation
 * must reuse what was freed below where it last took (its hints). */
TEST(create_in_one_pass)
{
	struct ext2_stat st, dst;
	char name[32];
	uint32_t ino;
	int h;

	remount();
	/* An existing file in a directory alice may not write: O_CREAT
	 * opens it; a new name there is refused. */
	CHECK_INT(fs_mkdir(&srv, &root, EXT2_ROOT_INO, "/ro", 0755), 0);
	h = fs_open(&srv, &root, EXT2_ROOT_INO, "/ro/f", FS_O_CREAT | FS_O_WRONLY, 0666);
	CHECK(h >= 0);
	CHECK_INT(srv.files[h].mode, 0100666);
	fs_close(&srv, h);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/ro/f", FS_O_CREAT | FS_O_WRONLY, 0600);
	CHECK(h >= 0);
	CHECK_INT(srv.files[h].mode, 0100666); /* the file's, not the one asked for */
	fs_close(&srv, h);
	CHECK_INT(fs_open(&srv, &alice, EXT2_ROOT_INO, "/ro/g", FS_O_CREAT | FS_O_WRONLY, 0600),
		  -EACCES);
	CHECK_INT(fs_open(&srv, &alice, EXT2_ROOT_INO, "/ro/f", FS_O_CREAT | FS_O_EXCL, 0600),
		  -EEXIST);
	/* A dangling symlink: the name is taken (as before), nothing made. */
	CHECK_INT(fs_symlink(&srv, &root, EXT2_ROOT_INO, "/ro/nowhere", "/ro/dangle"), 0);
	CHECK_INT(fs_open(&srv, &root, EXT2_ROOT_INO, "/ro/dangle", FS_O_CREAT | FS_O_WRONLY, 0644),
		  -EEXIST);
	CHECK_INT(fs_stat(&srv, &root, EXT2_ROOT_INO, "/ro/nowhere", 0, &st), -ENOENT);
	/* A missing directory on the way, or a file as one. */
	CHECK_INT(fs_open(&srv, &root, EXT2_ROOT_INO, "/ro/no/x", FS_O_CREAT | FS_O_WRONLY, 0644),
		  -ENOENT);
	CHECK_INT(fs_open(&srv, &root, EXT2_ROOT_INO, "/ro/f/x", FS_O_CREAT | FS_O_WRONLY, 0644),
		  -ENOTDIR);

	/* 120 names of one length in 1 KiB blocks: two blocks, some room
	 * left at the end of the second. */
	CHECK_INT(fs_mkdir(&srv, &root, EXT2_ROOT_INO, "/many", 0755), 0);
	for (int i = 0; i < 120; i++) {
		snprintf(name, sizeof(name), "/many/n%03d", i);
		h = fs_open(&srv, &root, EXT2_ROOT_INO, name, FS_O_CREAT | FS_O_EXCL | FS_O_WRONLY,
			    0644);
		if (!CHECKF(h >= 0, "create %s: %d", name, h))
			return;
		fs_close(&srv, h);
	}
	CHECK_INT(fs_stat(&srv, &root, EXT2_ROOT_INO, "/many", 0, &dst), 0);
	CHECK_INT(fs_stat(&srv, &root, EXT2_ROOT_INO, "/many/n017", 0, &st), 0);
	ino = st.ino;
	/* A name unlinked from the first block: the next new name of its
	 * length goes there (not at the end), and the inode is reused. */
	CHECK_INT(fs_unlink(&srv, &root, EXT2_ROOT_INO, "/many/n017"), 0);
	h = fs_open(&srv, &root, EXT2_ROOT_INO, "/many/m017", FS_O_CREAT | FS_O_EXCL | FS_O_WRONLY,
		    0644);
	CHECK(h >= 0);
	fs_close(&srv, h);
	CHECK_INT(fs_stat(&srv, &root, EXT2_ROOT_INO, "/many/m017", 0, &st), 0);
	CHECK_INT(st.ino, ino);
	h = fs_open(&srv, &root, EXT2_ROOT_INO, "/many", FS_O_RDONLY | FS_O_DIRECTORY, 0);
	{
		struct ext2_dirent de;
		int k = 0, at = -1;

		while (fs_readdir(&srv, h, &de) == 1) {
			if (!strcmp(de.name, "m017"))
				at = k;
			k++;
		}
		CHECK_INT(k, 122); /* ., .., 120 names */
		CHECK_INT(at, 2 + 17);
	}
	fs_close(&srv, h);
	/* Names until the directory has to grow: every one is found after. */
	for (int i = 120; i < 200; i++) {
		snprintf(name, sizeof(name), "/many/n%03d", i);
		h = fs_open(&srv, &root, EXT2_ROOT_INO, name, FS_O_CREAT | FS_O_EXCL | FS_O_WRONLY,
			    0644);
		if (!CHECKF(h >= 0, "create %s: %d", name, h))
			return;
		fs_close(&srv, h);
	}
	CHECK_INT(fs_stat(&srv, &root, EXT2_ROOT_INO, "/many", 0, &st), 0);
	CHECK(st.size > dst.size);
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "/many/%c%03d", i == 17 ? 'm' : 'n', i);
		CHECKF(fs_stat(&srv, &root, EXT2_ROOT_INO, name, 0, &st) == 0, "%s", name);
	}
	/* Blocks: a file's freed blocks are the next ones taken. */
	{
		static char data[4096];
		struct ext2_statfs a, b;

		h = fs_open(&srv, &root, EXT2_ROOT_INO, "/many/big", FS_O_CREAT | FS_O_WRONLY,
			    0644);
		CHECK_INT(fs_write(&srv, &root, h, data, sizeof(data)), (long)sizeof(data));
		fs_close(&srv, h);
		uint32_t hint = fs.bhint[0];
		CHECK_INT(ext2_statfs(&fs, &a), 0);
		CHECK_INT(fs_unlink(&srv, &root, EXT2_ROOT_INO, "/many/big"), 0);
		CHECK(fs.bhint[0] < hint); /* lowered to the first block freed */
		h = fs_open(&srv, &root, EXT2_ROOT_INO, "/many/big2", FS_O_CREAT | FS_O_WRONLY,
			    0644);
		CHECK_INT(fs_write(&srv, &root, h, data, sizeof(data)), (long)sizeof(data));
		fs_close(&srv, h);
		CHECK_INT(fs.bhint[0], hint); /* the same blocks again */
		CHECK_INT(ext2_statfs(&fs, &b), 0);
		CHECK_INT(b.bfree, a.bfree);
	}
}

TEST(append_and_truncate)
{
	char buf[32];
	int h, w;

	remount();
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/log", FS_O_WRONLY | FS_O_CREAT, 0644);
	CHECK_INT(fs_write(&srv, &root, h, "one ", 4), 4);
	fs_close(&srv, h);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/log", FS_O_RDWR | FS_O_APPEND, 0);
	w = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/log", FS_O_WRONLY | FS_O_APPEND, 0);
	CHECK_INT(fs_write(&srv, &root, h, "two ", 4), 4);
	CHECK_INT(fs_write(&srv, &root, w, "three", 5), 5); /* at the end, past h's write */
	CHECK_INT(fs_lseek(&srv, h, 0, FS_SEEK_SET), 0);
	CHECK_INT(fs_read(&srv, h, buf, sizeof(buf)), 13);
	CHECK(memcmp(buf, "one two three", 13) == 0);
	CHECK_INT(fs_lseek(&srv, h, -5, FS_SEEK_END), 8);
	CHECK_INT(fs_lseek(&srv, h, -100, FS_SEEK_CUR), -EINVAL);
	CHECK_INT(fs_lseek(&srv, h, 0, 7), -EINVAL);
	CHECK_INT(fs_ftruncate(&srv, &root, h, 3), 0);
	fs_close(&srv, h);
	fs_close(&srv, w);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/log", FS_O_RDONLY, 0);
	CHECK_INT(fs_read(&srv, h, buf, sizeof(buf)), 3);
	CHECK_INT(fs_ftruncate(&srv, &root, h, 0), -EBADF);
	fs_close(&srv, h);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/log", FS_O_WRONLY | FS_O_TRUNC, 0);
	fs_close(&srv, h);
	struct ext2_stat st;
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, "/pub/log", 0, &st), 0);
	CHECK_INT(st.size, 0);
}

TEST(unlinked_while_open)
{
	struct ext2_statfs before, during, after;
	static char big[100000];
	int h, h2;

	remount();
	memset(big, 'z', sizeof(big));
	ext2_statfs(&fs, &before);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/tmp", FS_O_RDWR | FS_O_CREAT, 0644);
	h2 = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/tmp", FS_O_RDONLY, 0);
	CHECK_INT(fs_write(&srv, &root, h, big, sizeof(big)), (long)sizeof(big));
	CHECK_INT(fs_unlink(&srv, &alice, EXT2_ROOT_INO, "/pub/tmp"), 0);
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, "/pub/tmp", 0, &(struct ext2_stat){ 0 }),
		  -ENOENT);
	CHECK_INT(fs_read(&srv, h2, big, 10), 10);
	CHECK(big[9] == 'z');
	fs_close(&srv, h);
	ext2_statfs(&fs, &during);
	CHECK(during.bfree < before.bfree - 90);
	CHECK_INT(during.ffree, before.ffree - 1);
	fs_close(&srv, h2);
	ext2_statfs(&fs, &after);
	CHECK_INT(after.bfree, before.bfree);
	CHECK_INT(after.ffree, before.ffree);
}

TEST(open_table_is_bounded)
{
	int hs[FS_MAX_OPEN], h;

	remount();
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/many", FS_O_WRONLY | FS_O_CREAT, 0644);
	fs_close(&srv, h);
	/* 100,000 opens and closes leave nothing behind. */
	for (int i = 0; i < 100000; i++) {
		h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/many", FS_O_RDONLY, 0);
		if (!CHECK(h >= 0) || !CHECK_INT(fs_close(&srv, h), 0))
			break;
	}
	CHECK_INT(fs_open_count(&srv), 0);
	for (int i = 0; i < FS_MAX_OPEN; i++)
		hs[i] = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/many", FS_O_RDONLY, 0);
	CHECK_INT(fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/many", FS_O_RDONLY, 0), -ENFILE);
	for (int i = 0; i < FS_MAX_OPEN; i++)
		CHECK_INT(fs_close(&srv, hs[i]), 0);
	CHECK_INT(fs_open_count(&srv), 0);
}

/* Mounted for the lde kernel (EXT2_MOUNT_REPORT_LINKS), every walk stops
 * at a symlink it would follow and says where; the operations on the
 * name itself still see the link. */
TEST(symlinks_reported)
{
	struct ext2_stat st;
	char t[1100];
	int h;

	if (fs.mounted)
		CHECK_INT(ext2_unmount(&fs), 0);
	CHECK_INT(ext2_mount(&fs, &dev, cache, sizeof(cache), EXT2_MOUNT_REPORT_LINKS), 0);
	fs_init(&srv, &fs);
	CHECK_INT(fs_mkdir(&srv, &alice, EXT2_ROOT_INO, "/pub/sd", 0755), 0);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/sd/file", FS_O_WRONLY | FS_O_CREAT, 0644);
	CHECK(h >= 0);
	fs_close(&srv, h);
	CHECK_INT(fs_symlink(&srv, &alice, EXT2_ROOT_INO, "sd", "/pub/dl"), 0);
	CHECK_INT(fs_symlink(&srv, &alice, EXT2_ROOT_INO, "sd/file", "/pub/fl"), 0);
	const char *p = "/pub/dl/file";
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, p, 0, &st), -EXT2_ELINKED);
	CHECK(fs.link_path == p);
	CHECK_INT(fs.link_end, 7); /* "/pub/dl" */
	/* Again, with the names now in the name cache: still reported. */
	uint64_t hits = fs.nc.hits;
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, p, 0, &st), -EXT2_ELINKED);
	CHECK(fs.nc.hits > hits && fs.link_path == p && fs.link_end == 7);
	/* The last component: followed (reported) or not. */
	p = "/pub/fl";
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, p, 0, &st), -EXT2_ELINKED);
	CHECK(fs.link_path == p && fs.link_end == 7);
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, p, 1, &st), 0);
	CHECK_INT(st.mode, 0120777);
	CHECK_INT(fs_open(&srv, &alice, EXT2_ROOT_INO, p, FS_O_RDONLY, 0), -EXT2_ELINKED);
	CHECK_INT(fs_open(&srv, &alice, EXT2_ROOT_INO, p, FS_O_RDONLY | FS_O_NOFOLLOW, 0), -ELOOP);
	CHECK_INT(
		fs_open(&srv, &alice, EXT2_ROOT_INO, p, FS_O_WRONLY | FS_O_CREAT | FS_O_EXCL, 0644),
		-EEXIST);
	CHECK_INT(fs_chmod(&srv, &alice, EXT2_ROOT_INO, p, 0600), -EXT2_ELINKED);
	CHECK_INT(fs_readlink(&srv, &alice, EXT2_ROOT_INO, p, t, sizeof(t)), 7);
	/* Parent walks report the second path too. */
	const char *q = "/pub/dl/moved";
	CHECK_INT(fs_rename(&srv, &alice, EXT2_ROOT_INO, "/pub/fl", q), -EXT2_ELINKED);
	CHECK(fs.link_path == q && fs.link_end == 7);
	CHECK_INT(fs_rename(&srv, &alice, EXT2_ROOT_INO, "/pub/fl", "/pub/sd/fl"), 0);
	CHECK_INT(fs_unlink(&srv, &alice, EXT2_ROOT_INO, "/pub/dl"), 0);
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, "/pub/sd/file", 0, &st), 0);
	/* The longest target a 1 KiB block keeps with e2fsck's NUL. */
	memset(t, 'x', sizeof(t));
	t[1023] = 0;
	CHECK_INT(fs_symlink(&srv, &alice, EXT2_ROOT_INO, t, "/pub/sd/max"), 0);
	t[1023] = 'x';
	t[1024] = 0;
	CHECK_INT(fs_symlink(&srv, &alice, EXT2_ROOT_INO, t, "/pub/sd/over"), -ENAMETOOLONG);
	CHECK_INT(fs_readlink(&srv, &alice, EXT2_ROOT_INO, "/pub/sd/max", t, sizeof(t)), 1023);
	CHECK_INT(fs_readlink(&srv, &alice, EXT2_ROOT_INO, "/pub/sd/max", t, 1022), -ENAMETOOLONG);
	CHECK_INT(fs_symlink(&srv, &alice, EXT2_ROOT_INO, "", "/pub/sd/empty"), -ENOENT);
	CHECK_INT(fs_symlink(&srv, &alice, EXT2_ROOT_INO, "file", "/pub/sd/rel"), 0);
	remount(); /* following again, for the tests after */
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, "/pub/sd/rel", 0, &st), 0);
	CHECK_INT(st.mode & 0170000, 0100000);
	/* fl moved: its relative target is now /pub/sd/sd/file. */
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, "/pub/sd/fl", 0, &st), -ENOENT);
}

/* A write, a truncate or a chown by anyone but root takes a program's
 * set-user-ID bit away, and its set-group-ID bit if it has a group
 * execute bit; root's writes keep them. */
static uint32_t mode_of(const char *path)
{
	struct ext2_stat st;

	CHECK_INT(fs_stat(&srv, &root, EXT2_ROOT_INO, path, 0, &st), 0);
	return st.mode & 07777;
}

TEST(setid_bits_cleared)
{
	int h;

	remount();
	h = fs_open(&srv, &root, EXT2_ROOT_INO, "/pub/prog", FS_O_WRONLY | FS_O_CREAT, 06777);
	CHECK(h >= 0);
	fs_close(&srv, h);
	CHECK_INT(mode_of("/pub/prog"), 06777);
	h = fs_open(&srv, &root, EXT2_ROOT_INO, "/pub/prog", FS_O_WRONLY, 0);
	CHECK_INT(fs_write(&srv, &root, h, "root", 4), 4);
	fs_close(&srv, h);
	CHECK_INT(mode_of("/pub/prog"), 06777);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/prog", FS_O_WRONLY, 0);
	CHECK(h >= 0);
	CHECK_INT(mode_of("/pub/prog"), 06777); /* opening changes nothing */
	CHECK_INT(fs_write(&srv, &alice, h, "x", 1), 1);
	CHECK_INT(mode_of("/pub/prog"), 0777);
	/* Without a group execute bit, set-group-ID is not about exec. */
	CHECK_INT(fs_chmod(&srv, &root, EXT2_ROOT_INO, "/pub/prog", 06767), 0);
	CHECK_INT(fs_write(&srv, &alice, h, "y", 1), 1);
	CHECK_INT(mode_of("/pub/prog"), 02767);
	CHECK_INT(fs_chmod(&srv, &root, EXT2_ROOT_INO, "/pub/prog", 04777), 0);
	CHECK_INT(fs_ftruncate(&srv, &alice, h, 1), 0);
	CHECK_INT(mode_of("/pub/prog"), 0777);
	fs_close(&srv, h);
	CHECK_INT(fs_chmod(&srv, &root, EXT2_ROOT_INO, "/pub/prog", 04777), 0);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/prog", FS_O_WRONLY | FS_O_TRUNC, 0);
	CHECK(h >= 0);
	fs_close(&srv, h);
	CHECK_INT(mode_of("/pub/prog"), 0777);
	/* A new owner does not inherit the old one's rights. */
	CHECK_INT(fs_chmod(&srv, &root, EXT2_ROOT_INO, "/pub/prog", 06755), 0);
	CHECK_INT(fs_chown(&srv, &root, EXT2_ROOT_INO, "/pub/prog", 1000, 100), 0);
	CHECK_INT(mode_of("/pub/prog"), 0755);
	CHECK_INT(fs_unlink(&srv, &root, EXT2_ROOT_INO, "/pub/prog"), 0);
}

/* In a sticky directory, names go only by their owner, the directory's
 * owner or root; adding names is as in any directory. */
TEST(sticky_directory)
{
	int h;

	remount();
	CHECK_INT(fs_mkdir(&srv, &root, EXT2_ROOT_INO, "/pub/tmp", 01777), 0);
	CHECK_INT(mode_of("/pub/tmp"), 01777);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/tmp/a", FS_O_WRONLY | FS_O_CREAT, 0666);
	CHECK(h >= 0);
	fs_close(&srv, h);
	h = fs_open(&srv, &bob, EXT2_ROOT_INO, "/pub/tmp/b", FS_O_WRONLY | FS_O_CREAT, 0666);
	CHECK(h >= 0);
	fs_close(&srv, h);
	CHECK_INT(fs_mkdir(&srv, &alice, EXT2_ROOT_INO, "/pub/tmp/d", 0777), 0);
	CHECK_INT(fs_unlink(&srv, &bob, EXT2_ROOT_INO, "/pub/tmp/a"), -EPERM);
	CHECK_INT(fs_rename(&srv, &bob, EXT2_ROOT_INO, "/pub/tmp/a", "/pub/tmp/c"), -EPERM);
	CHECK_INT(fs_rename(&srv, &bob, EXT2_ROOT_INO, "/pub/tmp/b", "/pub/tmp/a"), -EPERM);
	CHECK_INT(fs_rmdir(&srv, &bob, EXT2_ROOT_INO, "/pub/tmp/d"), -EPERM);
	CHECK_INT(fs_unlink(&srv, &bob, EXT2_ROOT_INO, "/pub/tmp/nothing"), -ENOENT);
	/* Its own names: yes. */
	CHECK_INT(fs_rename(&srv, &bob, EXT2_ROOT_INO, "/pub/tmp/b", "/pub/tmp/c"), 0);
	CHECK_INT(fs_unlink(&srv, &bob, EXT2_ROOT_INO, "/pub/tmp/c"), 0);
	CHECK_INT(fs_rename(&srv, &alice, EXT2_ROOT_INO, "/pub/tmp/a", "/pub/tmp/e"), 0);
	/* The directory's owner, and root. */
	CHECK_INT(fs_chown(&srv, &root, EXT2_ROOT_INO, "/pub/tmp", 3000, 100), 0);
	CHECK_INT(mode_of("/pub/tmp"), 01777); /* a directory keeps its bits */
	CHECK_INT(fs_unlink(&srv, &carol, EXT2_ROOT_INO, "/pub/tmp/e"), 0);
	CHECK_INT(fs_rmdir(&srv, &root, EXT2_ROOT_INO, "/pub/tmp/d"), 0);
	/* Without the bit, anyone who may write the directory. */
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/tmp/f", FS_O_WRONLY | FS_O_CREAT, 0666);
	CHECK(h >= 0);
	fs_close(&srv, h);
	CHECK_INT(fs_chmod(&srv, &root, EXT2_ROOT_INO, "/pub/tmp", 0777), 0);
	CHECK_INT(fs_unlink(&srv, &bob, EXT2_ROOT_INO, "/pub/tmp/f"), 0);
	CHECK_INT(fs_rmdir(&srv, &root, EXT2_ROOT_INO, "/pub/tmp"), 0);
}

/* mke2fs keeps 5% of the blocks for root (-m 5): a user's writes stop
 * with ENOSPC where they begin, root's go on. */
TEST(reserved_blocks)
{
	static char chunk[16384];
	struct ext2_statfs sf;
	long n;
	int h;

	remount();
	CHECK(fs.r_blocks > 0);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/fill", FS_O_WRONLY | FS_O_CREAT, 0666);
	CHECK(h >= 0);
	do
		n = fs_write(&srv, &alice, h, chunk, sizeof(chunk));
	while (n == (long)sizeof(chunk));
	CHECK_INT(ext2_statfs(&fs, &sf), 0);
	CHECKF(sf.bfree > 0 && sf.bfree <= fs.r_blocks && sf.bavail == 0,
	       "bfree %llu r_blocks %u bavail %llu", (unsigned long long)sf.bfree, fs.r_blocks,
	       (unsigned long long)sf.bavail);
	/* A block-aligned write needs a new block: refused to alice. */
	CHECK_INT(fs_lseek(&srv, h, 0, FS_SEEK_END) % 1024, 0);
	CHECK_INT(fs_write(&srv, &alice, h, chunk, 1024), -ENOSPC);
	fs_close(&srv, h);
	h = fs_open(&srv, &root, EXT2_ROOT_INO, "/pub/fill", FS_O_WRONLY | FS_O_APPEND, 0);
	CHECK_INT(fs_write(&srv, &root, h, chunk, 1024), 1024);
	fs_close(&srv, h);
	CHECK_INT(ext2_statfs(&fs, &sf), 0);
	CHECK(sf.bfree < fs.r_blocks);
	CHECK_INT(fs_unlink(&srv, &alice, EXT2_ROOT_INO, "/pub/fill"), 0);
}

/* The inode path names, or -errno. */
static long ino_of(const char *path)
{
	struct ext2_stat st;
	int r = fs_stat(&srv, &alice, EXT2_ROOT_INO, path, 0, &st);

	return r < 0 ? r : (long)st.ino;
}

static uint32_t make(const char *path)
{
	int h = fs_open(&srv, &alice, EXT2_ROOT_INO, path, FS_O_WRONLY | FS_O_CREAT | FS_O_EXCL,
			0644);
	struct ext2_stat st;

	if (!CHECKF(h >= 0, "create %s: %d", path, h))
		return 0;
	CHECK_INT(fs_fstat(&srv, h, &st), 0);
	fs_close(&srv, h);
	return st.ino;
}

/* The name cache and the inode memo (ext2.c, ncache.c) answer exactly what
 * a scan of the directory and a read of the inode table would: after
 * renames, unlinks, rmdir and a new directory under the old name, changes
 * to an inode, and with more names than the cache holds. */
TEST(name_cache)
{
	struct ext2_stat st;
	uint32_t a, b, x, x2, nc;
	uint64_t hits;

	remount();
	CHECK_INT(fs_mkdir(&srv, &alice, EXT2_ROOT_INO, "/pub/nc", 0755), 0);
	nc = ino_of("/pub/nc");
	a = make("/pub/nc/a");
	b = make("/pub/nc/b");
	CHECK_INT(ino_of("/pub/nc/a"), a);
	hits = fs.nc.hits;
	CHECK_INT(ino_of("/pub/nc/a"), a);
	CHECK(fs.nc.hits > hits); /* the second walk found the names cached */
	/* Renamed over a cached name: the name now names b. */
	CHECK_INT(ino_of("/pub/nc/b"), b);
	CHECK_INT(fs_rename(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/b", "/pub/nc/a"), 0);
	CHECK_INT(ino_of("/pub/nc/a"), b);
	CHECK_INT(ino_of("/pub/nc/b"), -ENOENT);
	/* Unlinked: gone, though it was cached a moment ago. */
	CHECK_INT(fs_unlink(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/a"), 0);
	CHECK_INT(ino_of("/pub/nc/a"), -ENOENT);
	/* A directory removed and made again: its old entries are not found
	 * in the new one, whatever inode number it gets. */
	CHECK_INT(fs_mkdir(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/d", 0755), 0);
	x = make("/pub/nc/d/x");
	CHECK_INT(ino_of("/pub/nc/d/x"), x);
	CHECK_INT(ino_of("/pub/nc/d/.."), nc);
	CHECK_INT(fs_unlink(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/d/x"), 0);
	CHECK_INT(fs_rmdir(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/d"), 0);
	CHECK_INT(ino_of("/pub/nc/d/x"), -ENOENT);
	CHECK_INT(ino_of("/pub/nc/d"), -ENOENT);
	CHECK_INT(fs_mkdir(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/e", 0755), 0);
	CHECK_INT(fs_mkdir(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/e/d", 0755), 0);
	CHECK_INT(fs_rename(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/e/d", "/pub/nc/d"), 0);
	CHECK_INT(ino_of("/pub/nc/d/x"), -ENOENT);
	CHECK_INT(ino_of("/pub/nc/d/.."), nc); /* its ".." moved with it */
	x2 = make("/pub/nc/d/x");
	CHECK_INT(ino_of("/pub/nc/d/x"), x2);
	/* The inode memo: a change to the inode is seen at once. */
	CHECK_INT(fs_chmod(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/d/x", 0600), 0);
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/d/x", 0, &st), 0);
	CHECK_INT(st.mode, 0100600);
	int h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/d/x", FS_O_WRONLY, 0);
	CHECK_INT(fs_write(&srv, &alice, h, "12345", 5), 5);
	fs_close(&srv, h);
	CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, "/pub/nc/d/x", 0, &st), 0);
	CHECK_INT(st.size, 5);
	/* More names than the cache holds (and names too long to keep):
	 * every walk still finds the right inode, the cache stays its size. */
	enum { N = 3 * NC_SETS };
	static uint32_t ino[N];
	char name[80];
	CHECK_INT(fs_mkdir(&srv, &alice, EXT2_ROOT_INO, "/pub/ncmany", 0755), 0);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "/pub/ncmany/%s%d",
			 i % 7 ? "f" : "a-name-longer-than-the-cache-keeps-", i);
		ino[i] = make(name);
	}
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < N; i++) {
			snprintf(name, sizeof(name), "/pub/ncmany/%s%d",
				 i % 7 ? "f" : "a-name-longer-than-the-cache-keeps-", i);
			CHECKF(ino_of(name) == ino[i], "%s: %ld, want %u", name, ino_of(name),
			       ino[i]);
		}
	for (int i = 0; i < N; i += 3) {
		snprintf(name, sizeof(name), "/pub/ncmany/%s%d",
			 i % 7 ? "f" : "a-name-longer-than-the-cache-keeps-", i);
		CHECK_INT(fs_unlink(&srv, &alice, EXT2_ROOT_INO, name), 0);
	}
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "/pub/ncmany/%s%d",
			 i % 7 ? "f" : "a-name-longer-than-the-cache-keeps-", i);
		CHECK_INT(ino_of(name), i % 3 ? (long)ino[i] : -ENOENT);
	}
	_Static_assert(sizeof(fs.nc) == sizeof(struct ncache), "the cache is a fixed array");
}

/* A walk uses the inode memo's entries in place (ext2.c's iget_ref): a
 * relative symlink's target is walked on from the link's directory after
 * the link's inode was read into the memo, into the entry the directory's
 * shares when their numbers are equal modulo EXT2_IMEMO. The directory
 * must be read again, not taken from the entry the link now holds. */
TEST(symlink_in_its_directorys_memo_entry)
{
	struct ext2_stat st;
	char name[64];
	uint32_t d, t;
	int found = 0;

	remount();
	CHECK_INT(fs_mkdir(&srv, &alice, EXT2_ROOT_INO, "/pub/sm", 0755), 0);
	d = (uint32_t)ino_of("/pub/sm");
	t = make("/pub/sm/t");
	for (int i = 0; i < 2 * EXT2_IMEMO && !found; i++) {
		snprintf(name, sizeof(name), "/pub/sm/l%d", i);
		CHECK_INT(fs_symlink(&srv, &alice, EXT2_ROOT_INO, "t", name), 0);
		CHECK_INT(fs_stat(&srv, &alice, EXT2_ROOT_INO, name, 1, &st), 0);
		found = st.ino % EXT2_IMEMO == d % EXT2_IMEMO;
	}
	if (!CHECKF(found, "no link with the directory's memo entry"))
		return;
	CHECK_INT(ino_of(name), t);
	CHECK_INT(ino_of(name), t); /* the names cached now */
}

/* A read hands the sink its blocks straight from the cache's buffers,
 * pinning them only before a call that may take a buffer for another
 * block (ext2_read_to's gather): a block found cached, then an indirect
 * block looked up and a block read into the cache, must still be in its
 * buffer when the sink copies it. The cache of 16 buffers has every one
 * pinned here but the first data block's and the indirect block's, so
 * that one of the two must make room for the second data block. */
TEST(read_keeps_its_blocks)
{
	enum { BS = 1024, NB = 16, FIRST = 12 }; /* FIRST: the first indirect block */
	static char data[NB * BS], buf[2 * BS];
	struct bc_buf *d = NULL, *ind = NULL;
	int h;

	remount();
	for (int i = 0; i < NB; i++)
		memset(data + i * BS, 'a' + i, BS);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/blocks", FS_O_WRONLY | FS_O_CREAT, 0644);
	CHECK(h >= 0);
	CHECK_INT(fs_write(&srv, &alice, h, data, sizeof(data)), sizeof(data));
	fs_close(&srv, h);
	remount_with(bcache_mem_size(BS, BCACHE_MIN_BUFS));
	CHECK_INT(fs.bc.nbufs, BCACHE_MIN_BUFS);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/blocks", FS_O_RDONLY, 0);
	CHECK(h >= 0);
	/* Block FIRST and its indirect block cached; which buffers hold them. */
	CHECK_INT(fs_lseek(&srv, h, FIRST * BS, FS_SEEK_SET), FIRST * BS);
	CHECK_INT(fs_read(&srv, h, buf, BS), BS);
	for (uint32_t i = 0; i < fs.bc.nbufs; i++) {
		struct bc_buf *b = &fs.bc.bufs[i];

		if (b->valid && memcmp(b->data, data + FIRST * BS, BS) == 0)
			d = b;
	}
	for (uint32_t i = 0; d && i < fs.bc.nbufs; i++) {
		struct bc_buf *b = &fs.bc.bufs[i];
		const uint8_t *p = b->data;

		if (b->valid && (p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24) == d->blk)
			ind = b;
	}
	if (!CHECK(d && ind))
		return;
	for (uint32_t i = 0; i < fs.bc.nbufs; i++)
		if (&fs.bc.bufs[i] != d && &fs.bc.bufs[i] != ind)
			fs.bc.bufs[i].refs++;
	CHECK_INT(fs_lseek(&srv, h, FIRST * BS, FS_SEEK_SET), FIRST * BS);
	CHECK_INT(fs_read(&srv, h, buf, 2 * BS), 2 * BS);
	CHECK(memcmp(buf, data + FIRST * BS, 2 * BS) == 0);
	for (uint32_t i = 0; i < fs.bc.nbufs; i++)
		if (&fs.bc.bufs[i] != d && &fs.bc.bufs[i] != ind)
			fs.bc.bufs[i].refs--;
	for (uint32_t i = 0; i < fs.bc.nbufs; i++)
		CHECK_INT(fs.bc.bufs[i].refs, 0); /* the read unpinned what it pinned */
	fs_close(&srv, h);
	remount();
}

TEST(image_stays_clean)
{
	char cmd[600];
	FILE *f;
	int h;

	/* A file unlinked while open, still open at shutdown. */
	remount();
	h = fs_open(&srv, &bob, EXT2_ROOT_INO, "/pub/orphan", FS_O_WRONLY | FS_O_CREAT, 0644);
	CHECK_INT(fs_write(&srv, &root, h, "x", 1), 1);
	CHECK_INT(fs_unlink(&srv, &bob, EXT2_ROOT_INO, "/pub/orphan"), 0);
	fs_close_all(&srv);
	CHECK_INT(fs_open_count(&srv), 0);
	CHECK_INT(ext2_unmount(&fs), 0);
	snprintf(cmd, sizeof(cmd), "%s.out", getenv("FSOPS_IMAGE"));
	f = fopen(cmd, "wb");
	if (!CHECK(f))
		return;
	CHECK_INT(fwrite(img, 1, img_len, f), img_len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "e2fsck -fn %s.out > %s.fsck 2>&1", getenv("FSOPS_IMAGE"),
		 getenv("FSOPS_IMAGE"));
	CHECKF(system(cmd) == 0, "e2fsck -fn found errors: %s.fsck", getenv("FSOPS_IMAGE"));
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE(create_write_read),
		TEST_CASE(modes_and_users),
		TEST_CASE(directories_and_search),
		TEST_CASE(append_and_truncate),
		TEST_CASE(unlinked_while_open),
		TEST_CASE(open_table_is_bounded),
		TEST_CASE(setid_bits_cleared),
		TEST_CASE(sticky_directory),
		TEST_CASE(reserved_blocks),
		TEST_CASE(name_cache),
		TEST_CASE(create_in_one_pass),
		TEST_CASE(symlinks_reported),
		TEST_CASE(symlink_in_its_directorys_memo_entry),
		TEST_CASE(read_keeps_its_blocks),
		TEST_CASE(image_stays_clean),
	};

	img = load_file(argc > 1 ? argv[1] : NULL, &img_len);
	if (!img) {
		printf("FAIL: fsops/image: cannot read %s\n", argc > 1 ? argv[1] : "(none)");
		return 1;
	}
	setenv("FSOPS_IMAGE", argv[1], 1);
	dev.nsectors = img_len / BLOCKDEV_SECTOR;
	return run_tests("fsops", cases, ARRAY_SIZE(cases));
}
