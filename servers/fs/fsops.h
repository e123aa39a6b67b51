/* The file-system server's operations, above the ext2 engine: what a
 * POSIX call means for a caller with a uid and a gid. Paths are resolved
 * from the caller's current directory (an inode number the caller's side
 * keeps); open files are handles into a table of fixed size that the
 * server shares among its clients, each holding an inode, an offset and
 * the open flags. Permissions are checked here, with the mode bits, before
 * the engine is asked (docs/files.md, "The API").
 *
 * Independent of the transport (IPC messages or the kernel forwarding
 * calls), so it is host-tested (tests/host/test_fsops.c) over mke2fs
 * images. Nothing here allocates: memory stays what the table is, however
 * many files are opened and closed. */
#pragma once
#include <errno.h>
#include <stdint.h>

#include "ext2.h"

#define FS_MAX_OPEN 256

/* Open flags: the values of lde's protocol (kernel/uapi_fs.h's LDE_O_*,
 * picolibc's), so that the server passes them on as they come. */
#define FS_O_RDONLY 0x0
#define FS_O_WRONLY 0x1
#define FS_O_RDWR 0x2
#define FS_O_ACCMODE 0x3
#define FS_O_CREAT 0x40
#define FS_O_EXCL 0x800
#define FS_O_TRUNC 0x200
#define FS_O_APPEND 0x400
#define FS_O_DIRECTORY 0x200000
#define FS_O_NOFOLLOW 0x100000

#define FS_SEEK_SET 0
#define FS_SEEK_CUR 1
#define FS_SEEK_END 2

struct fs_file {
	uint32_t ino;	/* 0: slot free */
	uint16_t flags; /* FS_O_*: they fit */
	uint16_t mode;	/* the file's when it was opened (the server answers OPEN with it) */
	uint64_t off;	/* 16 bytes in all: the table is indexed on every call */
};

struct fs_server {
	struct ext2_fs *fs;
	struct fs_file files[FS_MAX_OPEN];
};

/* Serve fs (mounted): installs the inode_open hook, so a file unlinked
 * while a handle is open keeps its blocks until the last close. */
void fs_init(struct fs_server *s, struct ext2_fs *fs);

/* Open path: a handle (>= 0) or -errno. mode (permission bits, the
 * caller's umask already applied) is for a file O_CREAT creates, owned by
 * the caller. Directories open read-only (for fs_readdir). */
int fs_open(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	    uint32_t flags, uint32_t mode);
/* Release the handle; the last close of an unlinked file frees it. */
int fs_close(struct fs_server *s, int h);

/* At the handle's offset, which moves (O_APPEND: writes go to the end). */
long fs_read(struct fs_server *s, int h, void *buf, size_t len);
/* The open file h, or NULL (not a handle in use). */
static inline struct fs_file *fs_handle(struct fs_server *s, int h)
{
	if (h < 0 || h >= FS_MAX_OPEN || !s->files[h].ino)
		return NULL;
	return &s->files[h];
}

/* fs_read delivering through sink (ext2_read_to's), with no buffer.
 * Inline: the server's read calls the engine with nothing in between. */
static inline long fs_read_to(struct fs_server *s, int h, size_t len, ext2_sink sink, void *ctx)
{
	struct fs_file *f = fs_handle(s, h);
	long n;

	if (!f || (f->flags & FS_O_ACCMODE) == FS_O_WRONLY)
		return -EBADF;
	n = ext2_read_to(s->fs, f->ino, f->off, len, sink, ctx);
	if (n > 0)
		f->off += (uint64_t)n;
	return n;
}
/* c: who writes (a write by anyone but root clears set-user-ID bits; the
 * reserved blocks are root's). */
long fs_write(struct fs_server *s, const struct ext2_cred *c, int h, const void *buf, size_t len);
/* The new offset, or -EINVAL (negative result, bad whence). */
int64_t fs_lseek(struct fs_server *s, int h, int64_t off, int whence);
int fs_fstat(struct fs_server *s, int h, struct ext2_stat *st);
int fs_ftruncate(struct fs_server *s, const struct ext2_cred *c, int h, uint64_t size);
/* The next entry of an open directory: 1, 0 at the end, or -errno. */
int fs_readdir(struct fs_server *s, int h, struct ext2_dirent *de);

int fs_stat(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	    int nofollow, struct ext2_stat *st);
/* fs_stat of path[0..len), for a caller that knows the length (the
 * server: the request says it). Inline: the server's stat calls the
 * engine with nothing in between. */
static inline int fs_stat_len(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd,
			      const char *path, size_t len, int nofollow, struct ext2_stat *st)
{
	return ext2_walk_stat(s->fs, cwd, path, len, nofollow ? EXT2_WALK_NOFOLLOW : 0, c, st);
}
/* The directory path names, if the caller may search it (for chdir). */
int fs_chdir(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	     uint32_t *ino);
int fs_access(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	      int want);
int fs_mkdir(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	     uint32_t mode);
/* rmdir, unlink and rename in a sticky directory (S_ISVTX) the caller
 * does not own: only of names of files it owns (-EPERM), unless root. */
int fs_rmdir(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path);
int fs_unlink(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path);
int fs_link(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *old,
	    const char *new_path);
int fs_rename(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *old,
	      const char *new_path);
int fs_symlink(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *target,
	       const char *path);
long fs_readlink(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
		 char *buf, size_t size);
/* chmod: the owner or root; chown: root; utimes: the owner or root. */
int fs_chmod(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	     uint32_t mode);
int fs_chown(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	     uint32_t uid, uint32_t gid);
int fs_utimes(struct fs_server *s, const struct ext2_cred *c, uint32_t cwd, const char *path,
	      uint32_t atime, uint32_t mtime);

/* Close every handle (at shutdown, before ext2_unmount): files unlinked
 * while open are freed, or e2fsck would find them deleted without a dtime. */
void fs_close_all(struct fs_server *s);

/* Open handles (tests: the table must not fill up over time). */
int fs_open_count(const struct fs_server *s);
