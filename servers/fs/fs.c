/* fs: the file-system server (docs/files.md, "The server"). It mounts the
 * ext2 file system on the disk (through libblk) and serves the file
 * protocol of kernel/uapi_fs.h over fsops, as user/ramfs.c does over
 * memory; the kernel forwards every file call of a process whose path is
 * on the mount.
 *
 *   usage: fs EP BLKFD READY [CACHE_BUFS [FLUSH_MS]]
 *
 * EP is the endpoint it serves (its supervisor, servers/svc, keeps it and
 * starts a new server on it when this one dies), BLKFD the disk's client
 * endpoint, READY a pipe on which it writes 'R' once it serves, or 'N' if
 * the disk holds no file system it can mount (it then exits with status
 * 3). CACHE_BUFS bounds the block cache (EXT2_CACHE_DEFAULT_BUFS buffers
 * of a block each), FLUSH_MS is the write-back period (0: none; the tests
 * that must know what the server is doing turn it off).
 *
 * The cache is write-back: dirty blocks reach the disk on FSYNC and SYNC,
 * when the cache needs room, and every FLUSH_MS (3 s by default: a child,
 * the ticker, signals the server's bound notification; it exits when the
 * server does). The caller's uid and gid come in every request (w3),
 * filled in by the kernel. */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "blk.h"
#include "fsops.h"
#include "lde.h"

#define FLUSH_MS_DEFAULT 3000
#define EXIT_NOFS 3
#define CHUNK 16384 /* bytes moved between the engine and a lease at a time */

static struct blk disk;
static struct ext2_fs fs;
static struct fs_server srv;
/* The kernel's handle of each slot, and the fsops handle it stands for. */
static uint64_t khandle[LDE_FS_MAX_OPEN];
static int fhandle[LDE_FS_MAX_OPEN];
static char path_buf[LDE_FS_PATH_MAX + 1], path2_buf[LDE_FS_PATH_MAX + 1];
/* Page-aligned: a caller's page-aligned buffer is then copied by the
 * kernel a whole page at a time (memcpy_bulk). */
static char bounce[CHUNK] __attribute__((aligned(4096)));

/* The data the reply to the request being served carries: reply_n ranges
 * (0: none) to LDE_MSG_DATA_AT reply_at (uapi.h): the
 * kernel copies them into the caller's lease as it delivers the reply,
 * one trap less than a lease_write before it. */
static struct lde_iov reply_iov[EXT2_READ_SEGS];
static int reply_n;
static uint64_t reply_at;
_Static_assert(EXT2_READ_SEGS <= LDE_IOV_MAX, "one lease_writev or reply per batch");

static int dev_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
	long r = blk_read(&disk, sector * BLOCKDEV_SECTOR, buf, (size_t)count * BLOCKDEV_SECTOR);
	return r < 0 ? (int)r : 0;
}

static int dev_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
	long r = blk_write(&disk, sector * BLOCKDEV_SECTOR, buf, (size_t)count * BLOCKDEV_SECTOR);
	return r < 0 ? (int)r : 0;
}

static int dev_flush(void *ctx)
{
	long r = blk_flush(&disk);
	return r < 0 ? (int)r : 0;
}

static uint32_t now(void *ctx)
{
	/* No wall clock yet: seconds since boot. */
	return (uint32_t)(uptime() / 1000);
}

/* lease_read (nr SYS_lease_read) or lease_write (SYS_lease_write) as the
 * bare system call, inline (lde.h's lde_ecall7): every path call reads
 * its path, every stat writes its answer. Bytes, or -errno. */
static inline long lease_rw(long nr, long token, int idx, uint64_t off, const void *buf, size_t len)
{
	uint64_t r[7] = { (uint64_t)token, (uint64_t)idx, off, (uint64_t)(uintptr_t)buf, len };

	lde_ecall7(nr, r);
	return (long)r[0];
}

/* Lease idx, a path of len bytes relative to the root, into buf as an
 * absolute path ("" is "/"). The first path of a request is in path_buf
 * already when the kernel put it there (our receive buffer, main). 0 or
 * -errno. */
static int read_path(const struct lde_msg *m, int idx, uint32_t len, char *buf)
{
	if (len >= LDE_FS_PATH_MAX)
		return -ENAMETOOLONG;
	buf[0] = '/';
	if (len && !(idx == 0 && (m->info & LDE_MSG_INLINE0)) &&
	    lease_rw(SYS_lease_read, m->token, idx, 0, buf + 1, len) != (long)len)
		return -EIO;
	buf[len + 1] = 0;
	return 0;
}

static struct ext2_cred cred_of(const struct lde_msg *m)
{
	return (struct ext2_cred){ LDE_FS_UID(m->w[3]), LDE_FS_GID(m->w[3]) };
}

/* The fsops handle of kernel handle h, or -1 (unknown: closed, or opened
 * through a server that died since). */
static int fh_of(uint64_t h)
{
	unsigned slot = LDE_FS_SLOT(h);
	return h && khandle[slot] == h ? fhandle[slot] : -1;
}

static void to_lde_stat(const struct ext2_stat *e, struct lde_stat *st)
{
	memset(st, 0, sizeof *st);
	st->ino = e->ino;
	st->size = e->size;
	st->blocks = e->blocks;
	st->atime = e->atime, st->mtime = e->mtime, st->ctime = e->ctime;
	st->mode = e->mode;
	st->nlink = e->nlink;
	st->uid = e->uid, st->gid = e->gid;
	st->blksize = e->blksize;
}

/* The stat answer goes with the reply, into the caller's lease idx. */
static long put_stat(const struct lde_msg *m, int idx, const struct ext2_stat *e)
{
	static struct lde_stat st; /* read by the kernel at the reply */
	to_lde_stat(e, &st);
	reply_iov[0] = (struct lde_iov){ (uint64_t)(uintptr_t)&st, sizeof st };
	reply_n = 1;
	reply_at = LDE_MSG_DATA_AT(idx, 0);
	return 0;
}

_Static_assert(FS_O_ACCMODE == LDE_O_ACCMODE && FS_O_CREAT == LDE_O_CREAT &&
		       FS_O_EXCL == LDE_O_EXCL && FS_O_TRUNC == LDE_O_TRUNC &&
		       FS_O_APPEND == LDE_O_APPEND && FS_O_DIRECTORY == LDE_O_DIRECTORY &&
		       FS_O_NOFOLLOW == LDE_O_NOFOLLOW,
	       "fsops's open flags are the protocol's");

/* OPEN's flags as fsops takes them: the same values. */
static uint32_t fs_flags(uint64_t f)
{
	return (uint32_t)f & (FS_O_ACCMODE | FS_O_CREAT | FS_O_EXCL | FS_O_TRUNC | FS_O_APPEND |
			      FS_O_DIRECTORY | FS_O_NOFOLLOW);
}

/* What to answer for r, an engine's result on a path: a symlink met is
 * for the kernel to follow (uapi_fs.h), LDE_FS_LINKED with where it is in
 * the path the kernel sent (ours has a '/' before it). */
static __attribute__((noinline, cold)) long linked(struct lde_msg *m, long r)
{
	if (r != -EXT2_ELINKED)
		return r;
	m->w[1] = fs.link_path == path2_buf;
	m->w[0] = fs.link_end - 1;
	return -LDE_FS_LINKED;
}

static long do_open(struct lde_msg *m)
{
	struct ext2_cred c = cred_of(m);
	int r = read_path(m, 0, LDE_FS_LEN1(m->w[1]), path_buf);
	if (r < 0)
		return r;
	unsigned slot = LDE_FS_SLOT(m->w[0]);
	if (!m->w[0] || khandle[slot])
		return -EBUSY; /* the kernel never does that */
	int h = fs_open(&srv, &c, EXT2_ROOT_INO, path_buf, fs_flags((uint32_t)m->w[1]),
			(uint32_t)(m->w[2] & 07777));
	if (h < 0)
		return linked(m, h);
	khandle[slot] = m->w[0];
	fhandle[slot] = h;
	m->w[0] = srv.files[h].mode;
	return 0;
}

static void do_close(uint64_t h)
{
	int fh = fh_of(h);
	if (fh < 0)
		return;
	fs_close(&srv, fh);
	khandle[LDE_FS_SLOT(h)] = 0;
}

/* do_read's sink: the caller's buffer is the lease, written straight from
 * the cache's blocks (holes from the engine's zero block). The request's
 * last batch goes with the reply (uapi.h, LDE_MSG_DATA_AT: one trap
 * less): its blocks keep their bytes until then, since nothing touches
 * the cache between the end of the read and the reply. Any earlier batch
 * by one lease_writev. */
struct lease_sink {
	uint64_t token, base; /* the lease; where this chunk starts in it */
	size_t want;	      /* the chunk's length */
	bool last;	      /* the request's last chunk */
};

_Static_assert(sizeof(struct ext2_seg) == sizeof(struct lde_iov) &&
		       offsetof(struct ext2_seg, src) == offsetof(struct lde_iov, addr) &&
		       offsetof(struct ext2_seg, len) == offsetof(struct lde_iov, len) &&
		       sizeof(((struct ext2_seg *)0)->src) == sizeof(((struct lde_iov *)0)->addr) &&
		       sizeof(((struct ext2_seg *)0)->len) == sizeof(((struct lde_iov *)0)->len),
	       "an ext2_seg is an lde_iov");
_Static_assert(EXT2_READ_SEGS <= LDE_IOV_MAX, "one lease_writev per batch");

static int lease_sink(void *ctx, size_t at, const struct ext2_seg *seg, int n)
{
	const struct lease_sink *ls = ctx;
	struct lde_iov *v = reply_iov;
	uint64_t a = (uint64_t)(uintptr_t)seg->src, len = seg->len, total = len;

	/* Blocks that lie next to each other in memory go as one range
	 * (fewer for the kernel to check and translate). n >= 1. */
	for (const struct ext2_seg *s = seg + 1, *end = seg + n; s < end; s++) {
		if (a + len == (uint64_t)(uintptr_t)s->src) {
			len += s->len;
		} else {
			*v++ = (struct lde_iov){ a, len };
			a = (uint64_t)(uintptr_t)s->src;
			len = s->len;
		}
		total += s->len;
	}
	*v++ = (struct lde_iov){ a, len };
	int nv = (int)(v - reply_iov);
	/* The batch that ends the request's last chunk (one that ends at the
	 * end of the file short of it goes now: the sink cannot tell it is
	 * the engine's last, and any batch after it could reuse its blocks'
	 * buffers). */
	if (ls->last && at + total == ls->want) {
		reply_n = nv;
		reply_at = LDE_MSG_DATA_AT(0, ls->base + at);
		return 0;
	}
	/* The bare system call, inline (lde.h). */
	uint64_t r[7] = { ls->token, 0, ls->base + at, (uint64_t)(uintptr_t)reply_iov,
			  (uint64_t)nv };

	lde_ecall7(SYS_lease_writev, r);
	return (long)r[0] < 0 ? (int)r[0] : 0;
}

static long do_read(struct lde_msg *m)
{
	int fh = fh_of(m->w[0]);
	if (fh < 0)
		return -EIO;
	uint64_t off = m->w[1], len = m->w[2], done = 0;
	struct lease_sink ls = { m->token, 0, 0, false };
	while (done < len) {
		size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
		srv.files[fh].off = off + done;
		ls.base = done;
		ls.want = n;
		ls.last = done + n == len;
		long r = fs_read_to(&srv, fh, n, lease_sink, &ls);
		if (r < 0) {
			if (done)
				break;
			return r;
		}
		done += (uint64_t)r;
		if ((size_t)r < n)
			break;
	}
	m->w[0] = done;
	return 0;
}

static long do_write(struct lde_msg *m)
{
	int fh = fh_of(m->w[0]);
	if (fh < 0)
		return -EIO;
	uint64_t len = m->w[2] & ~LDE_FS_APPEND, off = m->w[1], done = 0;
	struct ext2_cred c = cred_of(m);
	if (m->w[2] & LDE_FS_APPEND) {
		struct ext2_stat st;
		int r = fs_fstat(&srv, fh, &st);
		if (r < 0)
			return r;
		off = st.size;
	}
	while (done < len) {
		size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
		if (lease_read(m->token, 0, done, bounce, n) < 0) {
			if (done)
				break;
			return -errno;
		}
		srv.files[fh].off = off + done;
		/* An O_APPEND open makes fsops write at the end: that is off. */
		long r = fs_write(&srv, &c, fh, bounce, n);
		if (r < 0) {
			if (done)
				break;
			return r;
		}
		done += (uint64_t)r;
		if ((size_t)r < n)
			break;
	}
	m->w[0] = done;
	m->w[1] = off;
	return 0;
}

static uint8_t dirent_type(uint8_t ft)
{
	static const uint8_t type[] = {
		[EXT2_FT_REG] = LDE_S_IFREG >> 12,     [EXT2_FT_DIR] = LDE_S_IFDIR >> 12,
		[EXT2_FT_CHRDEV] = LDE_S_IFCHR >> 12,  [EXT2_FT_BLKDEV] = 006,
		[EXT2_FT_FIFO] = LDE_S_IFIFO >> 12,    [EXT2_FT_SOCK] = 014,
		[EXT2_FT_SYMLINK] = LDE_S_IFLNK >> 12,
	};
	return ft < sizeof type ? type[ft] : 0;
}

static long do_readdir(struct lde_msg *m)
{
	int fh = fh_of(m->w[0]);
	if (fh < 0)
		return -EIO;
	uint64_t cookie = m->w[1], len = m->w[2], done = 0;
	static struct ext2_dirent de;
	char rec[sizeof(struct lde_dirent) + LDE_NAME_LEN + 8] __attribute__((aligned(8)));
	for (;;) {
		srv.files[fh].off = cookie;
		int r = fs_readdir(&srv, fh, &de);
		if (r < 0) {
			if (done)
				break;
			return r;
		}
		if (r == 0)
			break;
		size_t reclen = (sizeof(struct lde_dirent) + de.namelen + 1 + 7) & ~(size_t)7;
		if (done + reclen > len) {
			if (!done)
				return -EINVAL; /* not even one record fits */
			break;			/* this entry comes again from cookie */
		}
		struct lde_dirent *e = (struct lde_dirent *)rec;
		memset(rec, 0, reclen);
		e->ino = de.ino;
		e->reclen = (uint16_t)reclen;
		e->type = dirent_type(de.type);
		memcpy(e->name, de.name, (size_t)de.namelen + 1);
		if (lease_write(m->token, 0, done, rec, reclen) < 0)
			return -errno;
		done += reclen;
		cookie = srv.files[fh].off;
	}
	m->w[0] = done;
	m->w[1] = cookie;
	return 0;
}

/* The calls on one path (lease 0). */
static long do_path(struct lde_msg *m, uint32_t label)
{
	struct ext2_cred c = cred_of(m);
	uint32_t len = LDE_FS_LEN0(m->w[0]);
	int r = read_path(m, 0, len, path_buf);
	if (r < 0)
		return r;
	switch (label) {
	case LDE_FS_STAT: {
		struct ext2_stat st;
		r = fs_stat_len(&srv, &c, EXT2_ROOT_INO, path_buf, len + 1, 0, &st);
		return r < 0 ? r : put_stat(m, 1, &st);
	}
	case LDE_FS_MKDIR:
		return fs_mkdir(&srv, &c, EXT2_ROOT_INO, path_buf, (uint32_t)(m->w[1] & 07777));
	case LDE_FS_RMDIR: return fs_rmdir(&srv, &c, EXT2_ROOT_INO, path_buf);
	case LDE_FS_UNLINK: return fs_unlink(&srv, &c, EXT2_ROOT_INO, path_buf);
	case LDE_FS_CHMOD:
		return fs_chmod(&srv, &c, EXT2_ROOT_INO, path_buf, (uint32_t)(m->w[1] & 07777));
	case LDE_FS_CHOWN:
		return fs_chown(&srv, &c, EXT2_ROOT_INO, path_buf, (uint32_t)m->w[1],
				(uint32_t)m->w[2]);
	case LDE_FS_UTIMES:
		return fs_utimes(&srv, &c, EXT2_ROOT_INO, path_buf, (uint32_t)m->w[1],
				 (uint32_t)m->w[2]);
	case LDE_FS_ACCESS: return fs_access(&srv, &c, EXT2_ROOT_INO, path_buf, (int)(m->w[1] & 7));
	}
	r = read_path(m, 1, LDE_FS_LEN1(m->w[0]), path2_buf);
	if (r < 0)
		return r;
	if (label == LDE_FS_LINK)
		return fs_link(&srv, &c, EXT2_ROOT_INO, path_buf, path2_buf);
	return fs_rename(&srv, &c, EXT2_ROOT_INO, path_buf, path2_buf);
}

/* SYMLINK, READLINK and LSTAT, or -ENOSYS for a label nobody knows (apart
 * from serve's switch: more cases there reorder its tests for the rest). */
static __attribute__((noinline)) long do_symlink(struct lde_msg *m, uint32_t label)
{
	if (label != LDE_FS_SYMLINK && label != LDE_FS_READLINK && label != LDE_FS_LSTAT)
		return -ENOSYS;
	struct ext2_cred c = cred_of(m);
	uint32_t len = LDE_FS_LEN0(m->w[0]);
	int r = read_path(m, 0, len, path_buf);
	if (r < 0)
		return r;
	if (label == LDE_FS_LSTAT) {
		struct ext2_stat st;
		r = fs_stat_len(&srv, &c, EXT2_ROOT_INO, path_buf, len + 1, 1, &st);
		return r < 0 ? linked(m, r) : put_stat(m, 1, &st);
	}
	if (label == LDE_FS_READLINK) {
		long n = fs_readlink(&srv, &c, EXT2_ROOT_INO, path_buf, path2_buf, EXT2_PATH_MAX);
		if (n < 0)
			return linked(m, n);
		if ((uint64_t)n > m->w[2])
			n = (long)m->w[2]; /* readlink cuts the target to the buffer */
		if (lease_write(m->token, 1, 0, path2_buf, (size_t)n) < 0)
			return -errno;
		m->w[0] = (uint64_t)n;
		return 0;
	}
	/* The target is kept as it is, not a path from the root. */
	uint32_t n = LDE_FS_LEN1(m->w[0]);
	if (n >= LDE_FS_PATH_MAX)
		return -ENAMETOOLONG;
	if (lease_read(m->token, 1, 0, path2_buf, n) != (long)n)
		return -EIO;
	path2_buf[n] = 0;
	if (strlen(path2_buf) != n)
		return -EINVAL; /* a NUL in it: the kernel never sends one */
	return linked(m, fs_symlink(&srv, &c, EXT2_ROOT_INO, path2_buf, path_buf));
}

static long do_statfs(struct lde_msg *m)
{
	struct ext2_statfs sf;
	int r = ext2_statfs(&fs, &sf);
	if (r < 0)
		return r;
	struct lde_statfs st = {
		.bsize = sf.bsize,
		.blocks = sf.blocks,
		.bfree = sf.bfree,
		.files = sf.files,
		.ffree = sf.ffree,
		.open_handles = (uint64_t)fs_open_count(&srv),
		.namemax = sf.namemax,
	};
	return lease_write(m->token, 0, 0, &st, sizeof st) < 0 ? -errno : 0;
}

static long serve(struct lde_msg *m)
{
	uint32_t label = LDE_MSG_LABEL(m->info);
	switch (label) {
	case LDE_FS_OPEN: return do_open(m);
	case LDE_FS_READ: return do_read(m);
	case LDE_FS_WRITE: return do_write(m);
	case LDE_FS_READDIR: return do_readdir(m);
	case LDE_FS_STAT:
	case LDE_FS_MKDIR:
	case LDE_FS_RMDIR:
	case LDE_FS_UNLINK:
	case LDE_FS_LINK:
	case LDE_FS_RENAME:
	case LDE_FS_CHMOD:
	case LDE_FS_CHOWN:
	case LDE_FS_UTIMES:
	case LDE_FS_ACCESS: {
		long r = do_path(m, label);
		return r == -EXT2_ELINKED ? linked(m, r) : r;
	}
	case LDE_FS_FSTAT:
	case LDE_FS_TRUNCATE:
	case LDE_FS_FSYNC: {
		int fh = fh_of(m->w[0]);
		if (fh < 0)
			return -EIO;
		if (label == LDE_FS_FSYNC)
			return ext2_sync(&fs);
		if (label == LDE_FS_TRUNCATE) {
			struct ext2_cred c = cred_of(m);
			return fs_ftruncate(&srv, &c, fh, m->w[1]);
		}
		struct ext2_stat st;
		int r = fs_fstat(&srv, fh, &st);
		return r < 0 ? r : put_stat(m, 0, &st);
	}
	case LDE_FS_SYNC: return ext2_sync(&fs);
	case LDE_FS_STATFS: return do_statfs(m);
	default: return do_symlink(m, label); /* SYMLINK, READLINK, LSTAT or ENOSYS */
	}
}

/* ipc_reply_recv as the bare system call, inline (lde.h's lde_ecall7):
 * the request loop's every turn. */
static inline long reply_recv(int ep, struct lde_msg *m)
{
	uint64_t r[7] = { (uint64_t)ep, m->info, m->w[0],	    m->w[1],
			  m->w[2],	m->w[3], (uint64_t)m->token };

	lde_ecall7(SYS_ipc_reply_recv, r);
	if ((long)r[0] < 0) {
		errno = (int)-(long)r[0];
		return -1;
	}
	m->info = r[0];
	m->badge = r[1];
	m->w[0] = r[2], m->w[1] = r[3], m->w[2] = r[4], m->w[3] = r[5];
	m->token = (long)r[6];
	return (long)r[0];
}

/* The ticker: a child that signals the server's notification every
 * FLUSH_MS, and exits when the server has gone (the pipe's write end,
 * which only the server holds, is closed: a read sees the end). */
static int start_ticker(int ntfn, long ms, const int *drop, int ndrop)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(p[1]);
		for (int i = 0; i < ndrop; i++)
			close(drop[i]); /* the ticker serves nothing */
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		char c;
		for (;;) {
			usleep((useconds_t)ms * 1000);
			if (read(p[0], &c, 1) == 0)
				_exit(0);
			ntfn_signal(ntfn, 1);
		}
	}
	close(p[0]);
	return 0; /* p[1] stays open for as long as the server lives */
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: fs EP BLKFD READY [CACHE_BUFS [FLUSH_MS]]\n");
		return 2;
	}
	int ep = atoi(argv[1]), ready = atoi(argv[3]);
	long nbufs = argc > 4 ? atol(argv[4]) : EXT2_CACHE_DEFAULT_BUFS;
	long flush_ms = argc > 5 ? atol(argv[5]) : FLUSH_MS_DEFAULT;
	if (nbufs < BCACHE_MIN_BUFS || nbufs > 65536) {
		fprintf(stderr, "fs: cache of %ld buffers: %d to 65536\n", nbufs, BCACHE_MIN_BUFS);
		return 2;
	}
	int r = blk_open(&disk, atoi(argv[2]));
	static struct blockdev dev = { .read = dev_read, .write = dev_write, .flush = dev_flush };
	size_t cache_bytes = ext2_cache_bytes((uint32_t)nbufs);
	void *cache = r < 0 ? NULL : malloc(cache_bytes);
	if (r == 0 && !cache)
		r = -ENOMEM;
	if (r == 0) {
		dev.nsectors = disk.capacity;
		r = ext2_mount(&fs, &dev, cache, cache_bytes, EXT2_MOUNT_REPORT_LINKS);
	}
	if (r < 0) {
		printf("fs: no ext2 file system to mount on the disk (%s): / is not mounted\n",
		       strerror(-r));
		fflush(stdout);
		(void)!write(ready, "N", 1);
		return EXIT_NOFS;
	}
	fs.hook_ctx = NULL;
	fs.now = now;
	fs_init(&srv, &fs);
	if (fs.rdonly)
		printf("fs: unknown read-only-compatible features: mounted read-only\n");
	int ntfn = flush_ms > 0 ? ntfn_create() : -1;
	if (flush_ms > 0 && (ntfn < 0 || ntfn_bind(ntfn) < 0 ||
			     start_ticker(ntfn, flush_ms, (int[]){ ep, ready, disk.fd }, 3) < 0))
		perror("fs: flush timer"); /* still serves; flushes on sync and when full */
	/* The kernel puts the path of a request here as it delivers it
	 * (read_path): the pages written first, as the kernel wants them. */
	memset(path_buf, 0, sizeof path_buf);
	if (ipc_buffer(path_buf + 1, LDE_FS_PATH_MAX - 1) < 0)
		perror("fs: receive buffer"); /* still serves: paths by lease_read */
	(void)!write(ready, "R", 1);
	close(ready);

	struct lde_msg m;
	long rr = ipc_recv(ep, &m);
	for (;;) {
		if (rr < 0) {
			if (errno == EINTR) {
				rr = ipc_recv(ep, &m);
				continue;
			}
			perror("fs: recv");
			return 1;
		}
		if (m.info & LDE_MSG_NTFN) {
			if (fs.bc.ndirty)
				ext2_sync(&fs);
			rr = ipc_recv(ep, &m);
			continue;
		}
		if (LDE_MSG_LABEL(m.info) == LDE_FS_CLOSE) {
			do_close(m.w[0]);
			rr = ipc_recv(ep, &m);
			continue;
		}
		if (LDE_MSG_CAP(m.info) >= 0)
			close(LDE_MSG_CAP(m.info)); /* nobody sends us descriptors */
		long err = serve(&m);
		int ndata = err ? 0 : reply_n;
		reply_n = 0;
		m.info = LDE_MSG_INFO((uint32_t)-err, ndata, -1);
		if (ndata) {
			m.w[2] = reply_at;
			m.w[3] = (uint64_t)(uintptr_t)reply_iov;
		}
		long token = m.token;
		rr = reply_recv(ep, &m);
		if (rr < 0 && ndata && errno != EINTR) {
			/* The kernel refused our data (a bug of ours): the
			 * caller still waits, and gets EIO. */
			m = (struct lde_msg){ .info = LDE_MSG_INFO(EIO, 0, -1), .token = token };
			rr = reply_recv(ep, &m);
		}
	}
}
