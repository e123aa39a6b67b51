/* ext2tool: a command-line driver of servers/fs/ext2.c on the host, for
 * tests/test_ext2.py. It mounts an image file and runs the commands read
 * from standard input, one per line, printing "ok ..." or "err NAME" for
 * each (NAME: the errno's symbol), then unmounts.
 *
 *   ext2tool [-r] [-C bufs] [-X n] [-T time] IMAGE < script
 *     -r       mount read-only
 *     -C bufs  block cache size in buffers (default EXT2_CACHE_DEFAULT_BUFS)
 *     -X n     power cut after n block writes: later writes and flushes
 *              are dropped, as if the machine had stopped there
 *     -T time  the clock (seconds) for new timestamps (default: now)
 *
 * Commands (paths from the root; PATH may not contain spaces):
 *   stat PATH | lstat PATH        ok ino= mode= nlink= uid= gid= size= blocks= atime= mtime= ctime=
 *   ls PATH                       "ent NAME INO TYPE" lines, then ok N
 *   get PATH HOSTFILE             read the whole file into HOSTFILE
 *   put HOSTFILE PATH             create or truncate PATH, write HOSTFILE
 *   pwrite PATH OFF LEN SEED      write the test pattern (see pattern())
 *   pcheck PATH OFF LEN SEED      read and compare with the pattern
 *   create PATH MODE [UID GID] | mkdir PATH MODE [UID GID]
 *   unlink PATH | rmdir PATH | rename OLD NEW | link OLD NEW
 *   symlink TARGET PATH | readlink PATH | truncate PATH SIZE
 *   chmod PATH MODE | chown PATH UID GID | utimes PATH ATIME MTIME
 *   statfs | sync | open PATH | close INO | access PATH UID GID rwx
 *   walkas UID GID PATH           resolve PATH with those credentials
 *   mkfiles DIR N | rmfiles DIR N files DIR/f00000.. (empty)
 *   fill PATH                     append 64 KiB writes until one fails
 *   walk                          visit every name, read every file; ok
 *                                 entries= errors= eio= (non-EIO errors
 *                                 are listed as "bad ...")
 * At the end, "done writes=N" (block writes that reached the image). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ext2.h"

static int img_fd;
static long crash_after = -1;
static unsigned long nwrites;
static uint32_t clock_now;

static int dev_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
	(void)ctx;
	ssize_t n = pread(img_fd, buf, (size_t)count * BLOCKDEV_SECTOR,
			  (off_t)(sector * BLOCKDEV_SECTOR));
	return n == (ssize_t)count * BLOCKDEV_SECTOR ? 0 : -EIO;
}

static int dev_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
	(void)ctx;
	if (crash_after >= 0 && nwrites >= (unsigned long)crash_after)
		return 0; /* the power is off: the write never happens */
	nwrites++;
	ssize_t n = pwrite(img_fd, buf, (size_t)count * BLOCKDEV_SECTOR,
			   (off_t)(sector * BLOCKDEV_SECTOR));
	return n == (ssize_t)count * BLOCKDEV_SECTOR ? 0 : -EIO;
}

static int dev_flush(void *ctx)
{
	(void)ctx;
	return 0; /* the image file is ordered enough for a single process */
}

static const char *errname(int e)
{
	static char buf[32];

	if (e < 0)
		e = -e;
	switch (e) {
#define N(x) \
	case x: return #x;
		N(EPERM)
		N(ENOENT)
		N(EIO)
		N(EBADF)
		N(ENOMEM)
		N(EACCES)
		N(EBUSY)
		N(EEXIST)
		N(EXDEV)
		N(ENOTDIR)
		N(EISDIR)
		N(EINVAL)
		N(EFBIG)
		N(ENOSPC)
		N(EROFS)
		N(EMLINK)
		N(ENAMETOOLONG)
		N(ENOTEMPTY)
		N(ELOOP)
#undef N
	}
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static struct ext2_fs fs;
static uint32_t open_inos[64];
static int nopen;

static int hook_open(void *ctx, uint32_t ino)
{
	(void)ctx;
	for (int i = 0; i < nopen; i++)
		if (open_inos[i] == ino)
			return 1;
	return 0;
}

static uint32_t hook_now(void *ctx)
{
	(void)ctx;
	return clock_now;
}

/* The test pattern's byte at file offset off (tests/test_ext2.py has the
 * same function). */
static uint8_t pattern(uint64_t off, uint32_t seed)
{
	uint64_t x = off * 0x9E3779B97F4A7C15ull + seed;

	return (uint8_t)(x >> 56 ^ x >> 29 ^ off);
}

static int err(int r)
{
	printf("err %s\n", errname(r));
	return r;
}

static int resolve(const char *path, unsigned flags, uint32_t *ino)
{
	return ext2_walk(&fs, EXT2_ROOT_INO, path, flags, NULL, ino);
}

static int parent(const char *path, uint32_t *dir, const char **name, size_t *len)
{
	return ext2_walk_parent(&fs, EXT2_ROOT_INO, path, NULL, dir, name, len);
}

static void print_stat(const struct ext2_stat *st)
{
	printf("ok ino=%u mode=0o%o nlink=%u uid=%u gid=%u size=%llu blocks=%llu atime=%u "
	       "mtime=%u ctime=%u\n",
	       st->ino, st->mode, st->nlink, st->uid, st->gid, (unsigned long long)st->size,
	       (unsigned long long)st->blocks, st->atime, st->mtime, st->ctime);
}

static uint8_t iobuf[1 << 16];

/* Walk statistics. */
static unsigned long w_entries, w_errors, w_eio;

static void walk_err(const char *path, const char *op, long r)
{
	w_errors++;
	if (r == -EIO)
		w_eio++;
	else
		printf("bad %s %s %s\n", path, op, errname((int)r));
}

static void walk_dir(uint32_t dir, const char *path, int depth)
{
	struct ext2_dirent de;
	uint64_t cookie = 0;
	char sub[EXT2_PATH_MAX + 1];
	unsigned long n = 0;
	int r;

	if (depth > 64)
		return;
	while ((r = ext2_readdir(&fs, dir, &cookie, &de)) == 1 && n++ < 100000) {
		struct ext2_stat st;
		uint32_t ino;

		if (!strcmp(de.name, ".") || !strcmp(de.name, ".."))
			continue;
		w_entries++;
		snprintf(sub, sizeof(sub), "%s/%s", path, de.name);
		r = ext2_lookup(&fs, dir, de.name, de.namelen, &ino);
		if (r < 0) {
			walk_err(sub, "lookup", r);
			continue;
		}
		r = ext2_stat(&fs, ino, &st);
		if (r < 0) {
			walk_err(sub, "stat", r);
			continue;
		}
		switch (st.mode & EXT2_S_IFMT) {
		case EXT2_S_IFDIR: walk_dir(ino, sub, depth + 1); break;
		case EXT2_S_IFREG: {
			uint64_t off = 0, lim = st.size < (64u << 20) ? st.size : (64u << 20);

			while (off < lim) {
				long got = ext2_read(&fs, ino, off, iobuf, sizeof(iobuf));

				if (got < 0) {
					walk_err(sub, "read", got);
					break;
				}
				if (got == 0)
					break;
				off += (uint64_t)got;
			}
			break;
		}
		case EXT2_S_IFLNK: {
			char t[EXT2_PATH_MAX];
			long got = ext2_readlink(&fs, ino, t, sizeof(t));
			uint32_t to;

			if (got < 0) {
				walk_err(sub, "readlink", got);
				break;
			}
			r = resolve(sub, 0, &to);
			if (r < 0 && r != -ENOENT && r != -ELOOP && r != -ENOTDIR)
				walk_err(sub, "follow", r);
			break;
		}
		}
	}
	if (r < 0)
		walk_err(path[0] ? path : "/", "readdir", r);
}

static int fill(const char *path)
{
	uint32_t ino;
	struct ext2_stat st;
	uint64_t total = 0;
	long w;
	int r = resolve(path, 0, &ino);

	if (r < 0)
		return err(r);
	r = ext2_stat(&fs, ino, &st);
	if (r < 0)
		return err(r);
	memset(iobuf, 0xa5, sizeof(iobuf));
	for (;;) {
		w = ext2_write(&fs, ino, st.size + total, iobuf, sizeof(iobuf));
		if (w < 0)
			break;
		total += (uint64_t)w;
		if ((size_t)w < sizeof(iobuf)) {
			w = ext2_write(&fs, ino, st.size + total, iobuf, sizeof(iobuf));
			break;
		}
	}
	printf("ok bytes=%llu err=%s\n", (unsigned long long)total, errname((int)w));
	return 0;
}

static int cmd(char **a, int n)
{
	uint32_t ino, dir;
	const char *name;
	size_t len;
	struct ext2_stat st;
	int r;

#define NEED(k)                                \
	do {                                   \
		if (n < (k)) {                 \
			printf("err usage\n"); \
			return -1;             \
		}                              \
	} while (0)
	if (!strcmp(a[0], "stat") || !strcmp(a[0], "lstat")) {
		NEED(2);
		r = resolve(a[1], a[0][0] == 'l' ? EXT2_WALK_NOFOLLOW : 0, &ino);
		if (r == 0)
			r = ext2_stat(&fs, ino, &st);
		if (r < 0)
			return err(r);
		print_stat(&st);
	} else if (!strcmp(a[0], "ls")) {
		struct ext2_dirent de;
		uint64_t cookie = 0;
		unsigned long count = 0;

		NEED(2);
		r = resolve(a[1], 0, &ino);
		if (r < 0)
			return err(r);
		while ((r = ext2_readdir(&fs, ino, &cookie, &de)) == 1) {
			printf("ent %s %u %u\n", de.name, de.ino, de.type);
			count++;
		}
		if (r < 0)
			return err(r);
		printf("ok %lu\n", count);
	} else if (!strcmp(a[0], "get")) {
		FILE *f;
		uint64_t off = 0;
		long got;

		NEED(3);
		r = resolve(a[1], 0, &ino);
		if (r < 0)
			return err(r);
		f = fopen(a[2], "wb");
		if (!f)
			return err(-EINVAL);
		while ((got = ext2_read(&fs, ino, off, iobuf, sizeof(iobuf))) > 0) {
			fwrite(iobuf, 1, (size_t)got, f);
			off += (uint64_t)got;
		}
		fclose(f);
		if (got < 0)
			return err((int)got);
		printf("ok %llu\n", (unsigned long long)off);
	} else if (!strcmp(a[0], "put")) {
		FILE *f;
		uint64_t off = 0;
		size_t got;

		NEED(3);
		f = fopen(a[1], "rb");
		if (!f)
			return err(-EINVAL);
		r = resolve(a[2], 0, &ino);
		if (r == -ENOENT) {
			r = parent(a[2], &dir, &name, &len);
			if (r == 0)
				r = ext2_create(&fs, dir, name, len, 0644, 0, 0, &ino);
		} else if (r == 0) {
			r = ext2_truncate(&fs, ino, 0);
		}
		while (r == 0 && (got = fread(iobuf, 1, sizeof(iobuf), f)) > 0) {
			long w = ext2_write(&fs, ino, off, iobuf, got);

			if (w < 0)
				r = (int)w;
			else if ((size_t)w < got)
				r = -ENOSPC;
			else
				off += got;
		}
		fclose(f);
		if (r < 0)
			return err(r);
		printf("ok %llu\n", (unsigned long long)off);
	} else if (!strcmp(a[0], "pwrite") || !strcmp(a[0], "pcheck")) {
		uint64_t off, left;
		uint32_t seed;

		NEED(5);
		off = strtoull(a[2], NULL, 0);
		left = strtoull(a[3], NULL, 0);
		seed = (uint32_t)strtoul(a[4], NULL, 0);
		r = resolve(a[1], 0, &ino);
		if (r < 0)
			return err(r);
		while (left) {
			size_t k = left < sizeof(iobuf) ? (size_t)left : sizeof(iobuf);
			long w;

			if (a[0][1] == 'w') {
				for (size_t i = 0; i < k; i++)
					iobuf[i] = pattern(off + i, seed);
				w = ext2_write(&fs, ino, off, iobuf, k);
			} else {
				w = ext2_read(&fs, ino, off, iobuf, k);
				if (w >= 0 && (size_t)w != k) {
					printf("err SHORT at %llu\n",
					       (unsigned long long)(off + (uint64_t)w));
					return -1;
				}
				for (size_t i = 0; w > 0 && i < k; i++)
					if (iobuf[i] != pattern(off + i, seed)) {
						printf("err MISMATCH at %llu\n",
						       (unsigned long long)(off + i));
						return -1;
					}
			}
			if (w < 0)
				return err((int)w);
			if ((size_t)w < k)
				return err(-ENOSPC);
			off += k;
			left -= k;
		}
		printf("ok\n");
	} else if (!strcmp(a[0], "create") || !strcmp(a[0], "mkdir")) {
		uint32_t mode, uid = 0, gid = 0;

		NEED(3);
		mode = (uint32_t)strtoul(a[2], NULL, 8);
		if (n >= 5) {
			uid = (uint32_t)strtoul(a[3], NULL, 0);
			gid = (uint32_t)strtoul(a[4], NULL, 0);
		}
		r = parent(a[1], &dir, &name, &len);
		if (r == 0)
			r = a[0][0] == 'c' ? ext2_create(&fs, dir, name, len, mode, uid, gid, &ino)
					   : ext2_mkdir(&fs, dir, name, len, mode, uid, gid, &ino);
		if (r < 0)
			return err(r);
		printf("ok %u\n", ino);
	} else if (!strcmp(a[0], "unlink") || !strcmp(a[0], "rmdir")) {
		NEED(2);
		r = parent(a[1], &dir, &name, &len);
		if (r == 0)
			r = a[0][0] == 'u' ? ext2_unlink(&fs, dir, name, len)
					   : ext2_rmdir(&fs, dir, name, len);
		if (r < 0)
			return err(r);
		printf("ok\n");
	} else if (!strcmp(a[0], "rename") || !strcmp(a[0], "link")) {
		uint32_t dir2;
		const char *name2;
		size_t len2;

		NEED(3);
		if (a[0][0] == 'r') {
			r = parent(a[1], &dir, &name, &len);
			if (r == 0)
				r = parent(a[2], &dir2, &name2, &len2);
			if (r == 0)
				r = ext2_rename(&fs, dir, name, len, dir2, name2, len2);
		} else {
			r = resolve(a[1], EXT2_WALK_NOFOLLOW, &ino);
			if (r == 0)
				r = parent(a[2], &dir2, &name2, &len2);
			if (r == 0)
				r = ext2_link(&fs, ino, dir2, name2, len2);
		}
		if (r < 0)
			return err(r);
		printf("ok\n");
	} else if (!strcmp(a[0], "symlink")) {
		NEED(3);
		r = parent(a[2], &dir, &name, &len);
		if (r == 0)
			r = ext2_symlink(&fs, dir, name, len, a[1], 0, 0, &ino);
		if (r < 0)
			return err(r);
		printf("ok %u\n", ino);
	} else if (!strcmp(a[0], "readlink")) {
		char t[EXT2_PATH_MAX + 1];
		long got;

		NEED(2);
		r = resolve(a[1], EXT2_WALK_NOFOLLOW, &ino);
		if (r < 0)
			return err(r);
		got = ext2_readlink(&fs, ino, t, EXT2_PATH_MAX);
		if (got < 0)
			return err((int)got);
		t[got] = '\0';
		printf("ok %s\n", t);
	} else if (!strcmp(a[0], "truncate")) {
		NEED(3);
		r = resolve(a[1], 0, &ino);
		if (r == 0)
			r = ext2_truncate(&fs, ino, strtoull(a[2], NULL, 0));
		if (r < 0)
			return err(r);
		printf("ok\n");
	} else if (!strcmp(a[0], "chmod") || !strcmp(a[0], "chown") || !strcmp(a[0], "utimes")) {
		NEED(3);
		r = resolve(a[1], 0, &ino);
		if (r == 0 && a[0][2] == 'm')
			r = ext2_chmod(&fs, ino, (uint32_t)strtoul(a[2], NULL, 8));
		else if (r == 0 && n >= 4 && a[0][2] == 'o')
			r = ext2_chown(&fs, ino, (uint32_t)strtoul(a[2], NULL, 0),
				       (uint32_t)strtoul(a[3], NULL, 0));
		else if (r == 0 && n >= 4)
			r = ext2_utimes(&fs, ino, (uint32_t)strtoul(a[2], NULL, 0),
					(uint32_t)strtoul(a[3], NULL, 0));
		if (r < 0)
			return err(r);
		printf("ok\n");
	} else if (!strcmp(a[0], "statfs")) {
		struct ext2_statfs sf;

		ext2_statfs(&fs, &sf);
		printf("ok bsize=%u blocks=%llu bfree=%llu bavail=%llu files=%llu ffree=%llu ro=%d\n",
		       sf.bsize, (unsigned long long)sf.blocks, (unsigned long long)sf.bfree,
		       (unsigned long long)sf.bavail, (unsigned long long)sf.files,
		       (unsigned long long)sf.ffree, sf.rdonly);
	} else if (!strcmp(a[0], "sync")) {
		r = ext2_sync(&fs);
		if (r < 0)
			return err(r);
		printf("ok\n");
	} else if (!strcmp(a[0], "open")) {
		NEED(2);
		r = resolve(a[1], 0, &ino);
		if (r < 0)
			return err(r);
		if (nopen < 64)
			open_inos[nopen++] = ino;
		printf("ok %u\n", ino);
	} else if (!strcmp(a[0], "close")) {
		NEED(2);
		ino = (uint32_t)strtoul(a[1], NULL, 0);
		for (int i = 0; i < nopen; i++)
			if (open_inos[i] == ino) {
				open_inos[i] = open_inos[--nopen];
				break;
			}
		r = ext2_release(&fs, ino);
		if (r < 0)
			return err(r);
		printf("ok\n");
	} else if (!strcmp(a[0], "access")) {
		struct ext2_cred c;
		int want = 0;

		NEED(5);
		c.uid = (uint32_t)strtoul(a[2], NULL, 0);
		c.gid = (uint32_t)strtoul(a[3], NULL, 0);
		want |= strchr(a[4], 'r') ? EXT2_R_OK : 0;
		want |= strchr(a[4], 'w') ? EXT2_W_OK : 0;
		want |= strchr(a[4], 'x') ? EXT2_X_OK : 0;
		r = resolve(a[1], 0, &ino);
		if (r == 0)
			r = ext2_stat(&fs, ino, &st);
		if (r == 0)
			r = ext2_access(&st, &c, want);
		if (r < 0)
			return err(r);
		printf("ok\n");
	} else if (!strcmp(a[0], "walkas")) {
		struct ext2_cred c;

		NEED(4);
		c.uid = (uint32_t)strtoul(a[1], NULL, 0);
		c.gid = (uint32_t)strtoul(a[2], NULL, 0);
		r = ext2_walk(&fs, EXT2_ROOT_INO, a[3], 0, &c, &ino);
		if (r < 0)
			return err(r);
		printf("ok %u\n", ino);
	} else if (!strcmp(a[0], "mkfiles") || !strcmp(a[0], "rmfiles")) {
		long count;
		char nm[32];

		NEED(3);
		count = strtol(a[2], NULL, 0);
		r = resolve(a[1], 0, &dir);
		for (long i = 0; r == 0 && i < count; i++) {
			snprintf(nm, sizeof(nm), "f%05ld", i);
			r = a[0][0] == 'm' ? ext2_create(&fs, dir, nm, strlen(nm), 0644, 0, 0, &ino)
					   : ext2_unlink(&fs, dir, nm, strlen(nm));
		}
		if (r < 0)
			return err(r);
		printf("ok\n");
	} else if (!strcmp(a[0], "fill")) {
		NEED(2);
		return fill(a[1]);
	} else if (!strcmp(a[0], "walk")) {
		w_entries = w_errors = w_eio = 0;
		walk_dir(EXT2_ROOT_INO, "", 0);
		printf("ok entries=%lu errors=%lu eio=%lu\n", w_entries, w_errors, w_eio);
	} else {
		printf("err usage\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned flags = 0;
	uint32_t bufs = EXT2_CACHE_DEFAULT_BUFS;
	static struct blockdev dev;
	static char line[2 * EXT2_PATH_MAX + 64];
	void *mem;
	off_t size;
	int opt, r;

	clock_now = (uint32_t)time(NULL);
	while ((opt = getopt(argc, argv, "rC:X:T:")) != -1) {
		switch (opt) {
		case 'r': flags |= EXT2_MOUNT_RDONLY; break;
		case 'C': bufs = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'X': crash_after = strtol(optarg, NULL, 0); break;
		case 'T': clock_now = (uint32_t)strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: ext2tool [-r] [-C bufs] [-X n] [-T time] IMAGE\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: ext2tool [-r] [-C bufs] [-X n] [-T time] IMAGE\n");
		return 2;
	}
	img_fd = open(argv[optind], (flags & EXT2_MOUNT_RDONLY) ? O_RDONLY : O_RDWR);
	if (img_fd < 0) {
		perror(argv[optind]);
		return 2;
	}
	size = lseek(img_fd, 0, SEEK_END);
	dev.nsectors = (uint64_t)size / BLOCKDEV_SECTOR;
	dev.read = dev_read;
	dev.write = dev_write;
	dev.flush = dev_flush;
	mem = malloc(ext2_cache_bytes(bufs));
	if (!mem)
		return 2;
	r = ext2_mount(&fs, &dev, mem, ext2_cache_bytes(bufs), flags);
	if (r < 0) {
		printf("mount: err %s\n", errname(r));
		free(mem);
		return 1;
	}
	fs.now = hook_now;
	fs.inode_open = hook_open;
	printf("mounted %s\n", fs.rdonly ? "ro" : "rw");
	while (fgets(line, sizeof(line), stdin)) {
		char *args[8];
		int n = 0;

		for (char *t = strtok(line, " \t\n"); t && n < 8; t = strtok(NULL, " \t\n"))
			args[n++] = t;
		if (n == 0 || args[0][0] == '#')
			continue;
		cmd(args, n);
		fflush(stdout);
	}
	r = ext2_unmount(&fs);
	if (r < 0)
		printf("unmount: err %s\n", errname(r));
	printf("done writes=%lu\n", nwrites);
	free(mem);
	close(img_fd);
	return r < 0 ? 1 : 0;
}
