/* The file protocol (docs/files.md): what the kernel sends a file server on
 * behalf of a process, and the structures the file system calls fill in.
 * Shared by the kernel, user/lib and every file server (user/ramfs.c, the
 * ext2 server). Included by uapi.h.
 *
 * A request is an IPC message from the kernel (docs/ipc.md): the label is
 * the operation (LDE_FS_*), the badge is the badge of the descriptor given
 * to mount(), and the words are
 *
 *   w0  the handle: for OPEN the new handle the kernel chose, for the
 *       operations on an open file the handle it was opened with; for the
 *       other operations on paths, the paths' lengths, LDE_FS_LENS(l0, l1)
 *   w1, w2  the operation's arguments (below); OPEN's w1 carries its
 *       path's length in the high half
 *   w3  the caller's credentials, LDE_FS_CRED(uid, gid)
 *
 * Paths come as kernel leases, read-only, without a NUL: lease 0 (and
 * lease 1 for LINK and RENAME's second path), relative to the mount's root,
 * already normalized: no "." or ".." component, no empty component, no
 * leading or trailing '/'; "" is the mount's root. Data buffers are the
 * caller's own memory, lent as lease 0 (READ, WRITE, READDIR) or lease 1
 * (STAT: the lde_stat it fills).
 *
 * The answer's label is 0 for success or a positive errno; its words are
 * the results. An answer the kernel finds malformed (a count larger than
 * asked, an errno out of range) becomes EIO for the caller.
 *
 * Handles are chosen by the kernel and are never reused while a server
 * runs: the low LDE_FS_SLOT_BITS bits are the kernel's open-file slot (a
 * server may index a table of LDE_FS_MAX_OPEN entries with them), the
 * rest a counter. So the kernel can always tell the server that a handle is
 * closed, even when the process that opened it was killed before the answer
 * to OPEN arrived. A handle the server does not know (closed, or opened
 * before the server was restarted) is answered with EIO.
 *
 * CLOSE is the one message that needs no answer: the kernel queues it on
 * the endpoint when an open file's last descriptor goes (close, exit,
 * kill), and the server's recv returns it ahead of later calls, with the
 * reply token 0 (a reply to it is a no-op). No process waits for it. */
#pragma once
#include <stdint.h>

#define LDE_FS_PATH_MAX 4096 /* a file path, the NUL included: longer is ENAMETOOLONG */
#define LDE_FS_SLOT_BITS 8
#define LDE_FS_MAX_OPEN (1 << LDE_FS_SLOT_BITS)
#define LDE_FS_SLOT(handle) ((handle) & (LDE_FS_MAX_OPEN - 1))
#define LDE_FS_CRED(uid, gid) ((uint64_t)(uint32_t)(uid) | (uint64_t)(uint32_t)(gid) << 32)
#define LDE_FS_UID(cred) ((uint32_t)(cred))
#define LDE_FS_GID(cred) ((uint32_t)((cred) >> 32))
#define LDE_FS_LENS(l0, l1) ((uint64_t)(uint32_t)(l0) | (uint64_t)(uint32_t)(l1) << 32)
#define LDE_FS_LEN0(w) ((uint32_t)(w))
#define LDE_FS_LEN1(w) ((uint32_t)((w) >> 32))

/* Labels. "->" lists the answer's words. */
enum {
	LDE_FS_OPEN = 1, /* w0 handle, w1 flags (LDE_O_*) | path length << 32, w2 mode
			  * (creation, umask applied); L0 path -> w0 the file's mode
			  * (LDE_S_IFMT bits and permissions) */
	LDE_FS_READ,	 /* w0 handle, w1 offset, w2 length; L0 buffer (write) -> w0 bytes */
	LDE_FS_WRITE,	 /* w0 handle, w1 offset, w2 length | LDE_FS_APPEND; L0 buffer (read)
			  * -> w0 bytes, w1 the offset written at (the end, for append) */
	LDE_FS_FSTAT,	 /* w0 handle; L0 struct lde_stat (write) */
	LDE_FS_STAT,	 /* L0 path, L1 struct lde_stat (write) */
	LDE_FS_TRUNCATE, /* w0 handle, w1 length */
	LDE_FS_MKDIR,	 /* w1 mode; L0 path */
	LDE_FS_RMDIR,	 /* L0 path */
	LDE_FS_UNLINK,	 /* L0 path */
	LDE_FS_LINK,	 /* L0 existing path, L1 new path */
	LDE_FS_RENAME,	 /* L0 old path, L1 new path */
	LDE_FS_READDIR,	 /* w0 handle, w1 cookie, w2 length; L0 buffer (write) of struct
			  * lde_dirent records -> w0 bytes (0 at the end), w1 next cookie */
	LDE_FS_CHMOD,	 /* w1 mode; L0 path */
	LDE_FS_CHOWN,	 /* w1 uid, w2 gid; L0 path */
	LDE_FS_UTIMES,	 /* w1 access time, w2 modification time (seconds); L0 path */
	LDE_FS_FSYNC,	 /* w0 handle */
	LDE_FS_SYNC,	 /* (nothing) */
	LDE_FS_STATFS,	 /* L0 struct lde_statfs (write) */
	LDE_FS_ACCESS,	 /* w1 mode (LDE_R_OK...); L0 path */
	LDE_FS_CLOSE,	 /* w0 handle; no answer */
	LDE_FS_SYMLINK,	 /* L0 the new link's path, L1 its target (any bytes but NUL) */
	LDE_FS_READLINK, /* w2 buffer length; L0 path, L1 buffer (write) -> w0 bytes of the
			  * target put there, cut to the buffer, no NUL */
	LDE_FS_LSTAT,	 /* as STAT, but a symlink at the end is the answer */
	LDE_FS_NLABELS
};
#define LDE_FS_APPEND (1ULL << 63) /* WRITE's w2: write at the end of the file */

/* Symbolic links are followed by the kernel, never by a server (a server
 * knows neither the other mounts nor where it is mounted itself). A
 * server that meets a symlink it would have to follow, in any component
 * of a path or in the last one (unless the operation works on the name
 * itself: LSTAT, READLINK, UNLINK, RMDIR, RENAME, LINK's first path,
 * SYMLINK's, MKDIR's, OPEN with O_NOFOLLOW or O_CREAT|O_EXCL), answers
 * LDE_FS_LINKED instead: w0 the length of the part of the path that names
 * the symlink (it ends where the link's name does), w1 which path (0, or
 * 1 for lease 1). The kernel reads the target with READLINK, splices it
 * into the path and resolves it again, maybe on another mount. */
#define LDE_FS_LINKED 4096 /* an answer's label: not an errno */
#define LDE_SYMLOOP_MAX 40 /* symlinks one resolution follows; one more is ELOOP */

/* open flags: picolibc's values, so that its <fcntl.h> and fopen work as
 * they are (user/lib checks them). */
#define LDE_O_RDONLY 0
#define LDE_O_WRONLY 1
#define LDE_O_RDWR 2
#define LDE_O_ACCMODE 3
#define LDE_O_CREAT 0x0040
#define LDE_O_TRUNC 0x0200
#define LDE_O_APPEND 0x0400
#define LDE_O_EXCL 0x0800
#define LDE_O_NONBLOCK 0x4000
#define LDE_O_CLOEXEC 0x40000
#define LDE_O_DIRECTORY 0x200000
#define LDE_O_NOFOLLOW 0x100000 /* a symlink at the end is ELOOP */
/* What the kernel passes to a server in OPEN's flags. */
#define LDE_O_SERVER_MASK                                                                          \
	(LDE_O_ACCMODE | LDE_O_CREAT | LDE_O_TRUNC | LDE_O_APPEND | LDE_O_EXCL | LDE_O_DIRECTORY | \
	 LDE_O_NOFOLLOW)
/* Every flag open() accepts. */
#define LDE_O_VALID (LDE_O_SERVER_MASK | LDE_O_NONBLOCK | LDE_O_CLOEXEC)

/* File types and permissions in a mode: the classic octal values. */
#define LDE_S_IFMT 0170000
#define LDE_S_IFDIR 0040000
#define LDE_S_IFREG 0100000
#define LDE_S_IFCHR 0020000
#define LDE_S_IFIFO 0010000
#define LDE_S_IFLNK 0120000
#define LDE_S_ISUID 04000 /* exec: the owner's rights (docs/users.md) */
#define LDE_S_ISGID 02000 /* exec: the group's, with a group execute bit */
#define LDE_S_ISVTX 01000 /* a directory's names removed only by their owners */
#define LDE_S_IXGRP 00010 /* group execute: set-group-ID means exec only with it */

/* access() modes. */
#define LDE_F_OK 0
#define LDE_X_OK 1
#define LDE_W_OK 2
#define LDE_R_OK 4

/* fcntl() commands and descriptor flags: picolibc's values. */
#define LDE_F_DUPFD 0
#define LDE_F_GETFD 1
#define LDE_F_SETFD 2
#define LDE_F_GETFL 3
#define LDE_F_SETFL 4
#define LDE_FD_CLOEXEC 1

/* lseek() whence. */
#define LDE_SEEK_SET 0
#define LDE_SEEK_CUR 1
#define LDE_SEEK_END 2

/* stat() and fstat(): user/lib turns it into picolibc's struct stat. */
struct lde_stat {
	uint64_t ino;
	uint64_t size;
	uint64_t blocks; /* 512-byte blocks */
	uint64_t atime, mtime, ctime;
	uint32_t mode; /* LDE_S_* */
	uint32_t nlink;
	uint32_t uid, gid;
	uint32_t dev; /* the mount's number */
	uint32_t blksize;
};

/* READDIR's records, packed one after the other, each 8-byte aligned:
 * reclen covers the record, the name (NUL-terminated) and the padding. */
struct lde_dirent {
	uint64_t ino;
	uint16_t reclen;
	uint8_t type; /* LDE_S_IFMT >> 12 of the entry, 0 if unknown */
	char name[];
};
#define LDE_NAME_LEN 255 /* longest name in a directory, the NUL excluded */

struct lde_statfs {
	uint64_t bsize;
	uint64_t blocks, bfree;
	uint64_t files, ffree;
	uint64_t open_handles; /* handles the server holds open: for leak checks */
	uint64_t namemax;
};
