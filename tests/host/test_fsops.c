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

static void remount(void)
{
	if (fs.mounted)
		CHECK_INT(ext2_unmount(&fs), 0);
	CHECK_INT(ext2_mount(&fs, &dev, cache, sizeof(cache), 0), 0);
	fs_init(&srv, &fs);
}

TEST(create_write_read)
{
	struct ext2_stat st;
	char buf[64];
	int h;

	remount();
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/a", FS_O_RDWR | FS_O_CREAT | FS_O_EXCL,
		    0600);
	CHECK(h >= 0);
	CHECK_INT(fs_write(&srv, h, "hello, files", 12), 12);
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
	CHECK_INT(fs_write(&srv, h, "x", 1), 1);
	CHECK_INT(fs_read(&srv, h, (char[1]){ 0 }, 1), -EBADF);
	fs_close(&srv, h);
	CHECK_INT(fs_open(&srv, &bob, EXT2_ROOT_INO, "/pub/secret", FS_O_RDONLY, 0), -EACCES);
	h = fs_open(&srv, &carol, EXT2_ROOT_INO, "/pub/secret", FS_O_RDONLY, 0); /* group */
	CHECK(h >= 0);
	CHECK_INT(fs_write(&srv, h, "y", 1), -EBADF);
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

TEST(append_and_truncate)
{
	char buf[32];
	int h, w;

	remount();
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/log", FS_O_WRONLY | FS_O_CREAT, 0644);
	CHECK_INT(fs_write(&srv, h, "one ", 4), 4);
	fs_close(&srv, h);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/log", FS_O_RDWR | FS_O_APPEND, 0);
	w = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/log", FS_O_WRONLY | FS_O_APPEND, 0);
	CHECK_INT(fs_write(&srv, h, "two ", 4), 4);
	CHECK_INT(fs_write(&srv, w, "three", 5), 5); /* at the end, past h's write */
	CHECK_INT(fs_lseek(&srv, h, 0, FS_SEEK_SET), 0);
	CHECK_INT(fs_read(&srv, h, buf, sizeof(buf)), 13);
	CHECK(memcmp(buf, "one two three", 13) == 0);
	CHECK_INT(fs_lseek(&srv, h, -5, FS_SEEK_END), 8);
	CHECK_INT(fs_lseek(&srv, h, -100, FS_SEEK_CUR), -EINVAL);
	CHECK_INT(fs_lseek(&srv, h, 0, 7), -EINVAL);
	CHECK_INT(fs_ftruncate(&srv, h, 3), 0);
	fs_close(&srv, h);
	fs_close(&srv, w);
	h = fs_open(&srv, &alice, EXT2_ROOT_INO, "/pub/log", FS_O_RDONLY, 0);
	CHECK_INT(fs_read(&srv, h, buf, sizeof(buf)), 3);
	CHECK_INT(fs_ftruncate(&srv, h, 0), -EBADF);
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
	CHECK_INT(fs_write(&srv, h, big, sizeof(big)), (long)sizeof(big));
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

TEST(image_stays_clean)
{
	char cmd[600];
	FILE *f;
	int h;

	/* A file unlinked while open, still open at shutdown. */
	remount();
	h = fs_open(&srv, &bob, EXT2_ROOT_INO, "/pub/orphan", FS_O_WRONLY | FS_O_CREAT, 0644);
	CHECK_INT(fs_write(&srv, h, "x", 1), 1);
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
		TEST_CASE(create_write_read),	   TEST_CASE(modes_and_users),
		TEST_CASE(directories_and_search), TEST_CASE(append_and_truncate),
		TEST_CASE(unlinked_while_open),	   TEST_CASE(open_table_is_bounded),
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
