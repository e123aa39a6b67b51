/* ext2 on a struct blockdev: the on-disk engine of the file-system server
 * (docs/files.md). Portable C with no allocation: the caller provides the
 * struct ext2_fs and the block cache's memory at mount, and memory use is
 * fixed from then on, whatever the number of files.
 *
 * Supported: revision 0 and 1, block sizes 1, 2 and 4 KiB, inodes of 128
 * bytes or more, and the features sparse_super, large_file, filetype.
 * An image with any other INCOMPAT feature is refused (-EINVAL); one with
 * another RO_COMPAT feature is mounted read-only (writes get -EROFS).
 * COMPAT features are ignored (they are safe to ignore by definition), but
 * ext_attr blocks and htree indexes are not maintained: make images with
 * -O ^dir_index,^ext_attr,^resize_inode (docs/files.md says why).
 *
 * The API works on inode numbers; the server keeps what a file descriptor
 * needs (inode number, offset, flags). Every call returns 0 (or a count)
 * or a negative errno: -EIO when what is on the disk is corrupt or the
 * device fails. Corrupt metadata fails the one operation that meets it;
 * nothing read from the disk can make a call crash, loop without bound,
 * reach outside its buffers, or return another file's bytes (within what
 * one file's metadata can say: two files claiming the same block is only
 * found by e2fsck).
 *
 * Permissions: only ext2_walk() checks them (search permission on each
 * directory, for the credentials given). Every other call does what it is
 * asked: the server checks first with ext2_access(). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "bcache.h"
#include "ncache.h"
#include "blockdev.h"

#define EXT2_ROOT_INO 2
#define EXT2_NAME_MAX 255
#define EXT2_PATH_MAX 4096
#define EXT2_LINK_MAX 32000
#define EXT2_SYMLOOP_MAX 8

/* Mode bits as on the disk (and in POSIX). */
#define EXT2_S_IFMT 0170000
#define EXT2_S_IFSOCK 0140000
#define EXT2_S_IFLNK 0120000
#define EXT2_S_IFREG 0100000
#define EXT2_S_IFBLK 0060000
#define EXT2_S_IFDIR 0040000
#define EXT2_S_IFCHR 0020000
#define EXT2_S_IFIFO 0010000
#define EXT2_S_ISUID 0004000
#define EXT2_S_ISGID 0002000
#define EXT2_S_ISVTX 0001000

/* Directory entry file types (the filetype feature). */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHRDEV 3
#define EXT2_FT_BLKDEV 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_SYMLINK 7

/* ext2_access() wants. */
#define EXT2_R_OK 4
#define EXT2_W_OK 2
#define EXT2_X_OK 1

/* ext2_mount() flags. */
#define EXT2_MOUNT_RDONLY 1u
/* Path walks follow no symlink: the caller does (the lde kernel, which
 * knows the mounts). Where a walk would follow one, it fails with
 * -EXT2_ELINKED and says where: fs->link_path (the path the caller gave)
 * and fs->link_end (the length of its part that names the link). */
#define EXT2_MOUNT_REPORT_LINKS 2u
#define EXT2_ELINKED 4096 /* not an errno: see EXT2_MOUNT_REPORT_LINKS */

/* ext2_walk() flags. */
#define EXT2_WALK_NOFOLLOW 1u /* do not follow a symlink in the last component */

/* Groups whose allocation hints struct ext2_fs keeps (those beyond are
 * scanned from their start). */
#define EXT2_HINT_GROUPS 64

/* The default cache: 128 buffers (512 KiB with 4 KiB blocks). */
#define EXT2_CACHE_DEFAULT_BUFS 128

struct ext2_cred {
	uint32_t uid, gid;
};

struct ext2_stat {
	uint32_t ino;
	uint32_t mode;
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	uint64_t blocks; /* 512-byte units, as st_blocks */
	uint32_t atime, mtime, ctime;
	uint32_t blksize;
};

struct ext2_statfs {
	uint32_t bsize;
	uint64_t blocks, bfree, bavail;
	uint64_t files, ffree;
	uint32_t namemax;
	int rdonly;
};

struct ext2_dirent {
	uint32_t ino;
	uint8_t type; /* EXT2_FT_*, EXT2_FT_UNKNOWN without filetype */
	uint8_t namelen;
	char name[EXT2_NAME_MAX + 1]; /* NUL-terminated */
};

/* An inode as the engine works on it (decoded from the inode table). */
struct inode {
	uint32_t ino;
	uint32_t mode, uid, gid, links;
	uint64_t size;
	uint32_t atime, ctime, mtime, dtime;
	uint32_t blocks; /* 512-byte units */
	uint32_t flags, generation, file_acl, size_high;
	uint32_t block[15];
};

/* The inode memo (iget): inodes decoded from the inode table, each as
 * long as its table block stays cached and unchanged (the buffer's
 * version, like the name cache's entries: ncache.h). Direct-mapped by
 * inode number. */
#define EXT2_IMEMO 64
struct ext2_imemo {
	uint64_t ver;
	const struct bc_buf *buf; /* the table block's buffer */
	uint32_t ino;		  /* 0: empty */
	struct inode ip;
};

struct ext2_fs {
	struct bcache bc;
	const struct blockdev *dev;
	uint32_t bsize, log_bsize;
	uint32_t blocks_count, first_data_block;
	uint32_t inodes_count, first_ino;
	uint32_t blocks_per_group, inodes_per_group;
	uint32_t ngroups, gdt_blocks, inode_size, inode_table_blocks;
	uint32_t ptrs; /* block numbers per indirect block */
	/* Blocks pointers may name without a look at the group descriptors
	 * (check_blk): [ok_lo, ok_hi), the data blocks of the last group
	 * checked, after all of its metadata. (Near the start: a read checks
	 * every block it maps.) */
	uint32_t ok_lo, ok_hi;
	uint32_t feat_compat, feat_incompat, feat_ro_compat;
	uint32_t free_blocks, free_inodes, r_blocks;
	uint16_t resuid, resgid; /* who else may take the reserved blocks */
	/* For whom the calls are (ext2_set_caller); mount leaves root (0). */
	struct ext2_cred caller;
	uint32_t rev, extra_isize, rsv_gdt;
	uint32_t generation;
	int rdonly;
	int mounted;
	uint64_t max_size; /* largest regular file */
	/* The last group descriptor's three locations (gd_locs): checked at
	 * mount and never written by the server, so kept out of the cache;
	 * gd_have says they are loaded. */
	uint32_t gd_g, gd_bb, gd_ib, gd_it;
	int gd_have;
	/* Where allocation starts looking in each of the first
	 * EXT2_HINT_GROUPS groups: no bit below bhint[g] (ihint[g]) is clear
	 * in group g's block (inode) bitmap. Raised past each bit taken,
	 * lowered to each bit freed; 0 at mount. */
	uint32_t bhint[EXT2_HINT_GROUPS], ihint[EXT2_HINT_GROUPS];
	/* The server's hooks, optional (NULL: no open files, time 0):
	 * inode_open says whether ino is open somewhere, so that unlinking it
	 * defers freeing it to ext2_release() at its last close. */
	void *hook_ctx;
	int (*inode_open)(void *ctx, uint32_t ino);
	uint32_t (*now)(void *ctx);
	struct ext2_imemo imemo[EXT2_IMEMO];
	struct ncache nc;
	/* Scratch for path walks (a symlink's target spliced into the path). */
	char pathbuf[EXT2_PATH_MAX + 1];
	char linkbuf[EXT2_PATH_MAX + 1];
	/* EXT2_MOUNT_REPORT_LINKS (last: the hot fields keep short offsets). */
	int report_links;
	const char *link_path;
	size_t link_end;
};

/* Mount the file system on dev, with a block cache in cache_mem (use
 * ext2_cache_bytes() for a number of buffers; at least BCACHE_MIN_BUFS).
 * 0, -EINVAL (not ext2, unsupported revision/block size/INCOMPAT feature,
 * cache too small), -EIO (corrupt superblock or group descriptors, or a
 * device error). fs->rdonly says whether it was mounted read-only. Set the
 * hooks in fs after mounting. A read-write mount marks the file system
 * "not clean" on the disk until ext2_unmount(). */
int ext2_mount(struct ext2_fs *fs, const struct blockdev *dev, void *cache_mem, size_t cache_bytes,
	       unsigned flags);
size_t ext2_cache_bytes(uint32_t nbufs);

/* Write everything (ext2_sync), mark the file system clean. */
int ext2_unmount(struct ext2_fs *fs);

/* Write every dirty block in the safe order and flush the device. */
int ext2_sync(struct ext2_fs *fs);

/* The entry name[0..len) of directory dir: its inode number in *ino.
 * -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EIO. */
int ext2_lookup(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino);

/* Resolve path (absolute from the root, or relative to cwd), following
 * symlinks (EXT2_SYMLOOP_MAX of them, then -ELOOP), except a last
 * component with EXT2_WALK_NOFOLLOW. With cred, each directory searched
 * needs execute permission for it (-EACCES). Empty path: -ENOENT; longer
 * than EXT2_PATH_MAX: -ENAMETOOLONG. A trailing slash requires a dir. */
int ext2_walk(struct ext2_fs *fs, uint32_t cwd, const char *path, unsigned flags,
	      const struct ext2_cred *cred, uint32_t *ino);
/* ext2_walk of path[0..len) (no NUL needed after it; a NUL in it is a
 * byte of a name, which no directory holds), then ext2_stat of what it
 * found: without reading the inode again. */
int ext2_walk_stat(struct ext2_fs *fs, uint32_t cwd, const char *path, size_t len, unsigned flags,
		   const struct ext2_cred *cred, struct ext2_stat *st);

/* Resolve all but the last component of path: the directory in *dir, and
 * the last name (pointing into fs->pathbuf or path; not NUL-terminated) in
 * *name and *len. The last name may be "." or "..". -ENOENT for "/" (no name). */
int ext2_walk_parent(struct ext2_fs *fs, uint32_t cwd, const char *path,
		     const struct ext2_cred *cred, uint32_t *dir, const char **name, size_t *len);

int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st);

/* May cred do want (EXT2_R_OK|W_OK|X_OK) to the file st describes? Root
 * (uid 0) may do anything, except execute a file that has no x bit at all.
 * 0 or -EACCES. */
int ext2_access(const struct ext2_stat *st, const struct ext2_cred *cred, int want);

/* Read up to len bytes at off; holes read as zeros. Bytes read (0 at or
 * past the end) or -errno (-EISDIR for a directory). */
long ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, size_t len);

/* A piece of what ext2_read_to delivers: len bytes at src, which is
 * valid only during the sink's call (a hole's zeros come from a block of
 * zeros of the engine's). Two words, address then length, like an I/O
 * vector (the server hands an array of them to lease_writev as it is). */
struct ext2_seg {
	const void *src;
	size_t len;
};
#define EXT2_READ_SEGS 8

/* Where ext2_read_to delivers: n pieces (1 to EXT2_READ_SEGS), one after
 * another, for offset at (from the start of the read). 0, or -errno to
 * end the read with. A sink calls nothing of the engine's (nothing may
 * take the cache's buffers away from under the pieces meanwhile). */
typedef int (*ext2_sink)(void *ctx, size_t at, const struct ext2_seg *seg, int n);

/* ext2_read without a buffer of the caller's: the bytes go to sink up to
 * EXT2_READ_SEGS blocks at a time, straight from the block cache (they
 * stay in their buffers during the call: the file server hands them to
 * one lease_writev, with no copy of its own). Bytes delivered, or the
 * -errno of ext2_read or of sink. */
long ext2_read_to(struct ext2_fs *fs, uint32_t ino, uint64_t off, size_t len, ext2_sink sink,
		  void *ctx);

/* The calls that follow are for uid and gid (the server says so before
 * each request; after mount they are root's): ext2's reserved blocks
 * (the superblock's r_blocks, mke2fs -m) are kept for root, the
 * superblock's resuid and, if not 0, resgid; every other caller gets
 * -ENOSPC when only they are left. A write or truncate by anyone but
 * root clears a file's set-user-ID bit, and its set-group-ID bit if it
 * has a group execute bit; so does ext2_chown, whoever calls. */
static inline void ext2_set_caller(struct ext2_fs *fs, const struct ext2_cred *c)
{
	fs->caller = *c;
}

/* Write len bytes at off, growing the file. Bytes written (fewer than len
 * only if the disk filled up after some were written) or -ENOSPC, -EFBIG
 * (past the largest file), -EROFS, -EISDIR, -EIO. */
long ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf, size_t len);

/* Set a regular file's size: shrinking frees its blocks past the end,
 * growing leaves a hole. */
int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size);

/* Create a regular file (mode's type bits ignored; permission bits kept)
 * named name in dir, owned by uid:gid. -EEXIST if the name exists. */
int ext2_create(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t mode,
		uint32_t uid, uint32_t gid, uint32_t *ino);
int ext2_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t mode,
	       uint32_t uid, uint32_t gid, uint32_t *ino);
/* A symlink to target (no NUL): in the inode if shorter than 60 bytes (a
 * fast symlink), else in a block, as e2fsprogs has them: -ENOENT if empty,
 * -ENAMETOOLONG if it does not fit a block with a NUL after it. */
int ext2_symlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, const char *target,
		 uint32_t uid, uint32_t gid, uint32_t *ino);
/* The target into buf (not NUL-terminated): its length, or -EINVAL if ino
 * is not a symlink, -ENAMETOOLONG if buf is too small, -EIO if it is
 * corrupt (empty, holding a NUL, longer than where it is kept). */
long ext2_readlink(struct ext2_fs *fs, uint32_t ino, char *buf, size_t size);

/* Remove a name of a non-directory (-EISDIR for a directory). When its
 * last link goes and inode_open() says it is not open, its blocks and
 * inode are freed; else ext2_release() frees them at its last close. */
int ext2_unlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len);
/* Remove an empty directory: -ENOTEMPTY, -ENOTDIR, -EINVAL for "." and
 * -ENOTEMPTY for "..". */
int ext2_rmdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len);
/* A new name for a non-directory (-EPERM for a directory), -EMLINK. */
int ext2_link(struct ext2_fs *fs, uint32_t ino, uint32_t dir, const char *name, size_t len);
/* POSIX rename: replaces an existing destination of the same kind (a
 * directory only if empty), moves directories across directories (their
 * ".." follows), refuses to move a directory into itself (-EINVAL). */
int ext2_rename(struct ext2_fs *fs, uint32_t sdir, const char *sname, size_t slen, uint32_t ddir,
		const char *dname, size_t dlen);

/* The next entry of dir at or after *cookie (0 starts): 1 and *cookie
 * moved past it, 0 at the end, or -errno. Entries are never skipped or
 * repeated across calls unless the directory changed in between. */
int ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t *cookie, struct ext2_dirent *de);

int ext2_chmod(struct ext2_fs *fs, uint32_t ino, uint32_t mode);
int ext2_chown(struct ext2_fs *fs, uint32_t ino, uint32_t uid, uint32_t gid);
/* Set atime and mtime; ctime becomes now. */
int ext2_utimes(struct ext2_fs *fs, uint32_t ino, uint32_t atime, uint32_t mtime);
int ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *sf);

/* The file was closed for the last time: free it if it has no links. */
int ext2_release(struct ext2_fs *fs, uint32_t ino);
