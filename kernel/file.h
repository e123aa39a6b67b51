/* Open files: what a descriptor refers to. The console, the two ends of a
 * pipe, the IPC objects (endpoints, notifications: docs/ipc.md), devices,
 * and files of a file server (FILE_REMOTE, docs/files.md);
 * reference-counted because fork and dup share them, with the offset and
 * the status flags, as POSIX has it. */
#pragma once
#include "kassert.h"
#include "uapi.h"
#include <stddef.h>
#include <stdint.h>

#define NFILE 256 /* open files in the whole system */

enum file_type {
	FILE_CONSOLE = 1,
	FILE_PIPE_READ,
	FILE_PIPE_WRITE,
	FILE_ENDPOINT,
	FILE_NTFN,
	FILE_DEVMGR,
	FILE_DEVICE,
	FILE_REMOTE /* a file server's: vfs.c forwards every operation to it */
};

struct pipe;
struct endpoint;
struct ntfn;
struct device;
struct file {
	uint8_t type;	/* enum file_type; 0 = free slot */
	uint8_t mnt;	/* FILE_REMOTE: its mount's number (stat's dev) */
	uint16_t flags; /* LDE_O_ACCMODE, LDE_O_APPEND, LDE_O_NONBLOCK (fcntl) */
	int refs;	/* descriptors pointing here; 0 and FILE_REMOTE: its CLOSE is queued */
	union {		/* by type */
		struct pipe *pipe;
		struct endpoint *ep; /* FILE_ENDPOINT, FILE_REMOTE (the server's) */
		struct ntfn *ntfn;
		struct device *dev; /* FILE_DEVICE (FILE_DEVMGR has nothing) */
	};
	uint64_t badge; /* FILE_ENDPOINT: 0 = unbadged (may receive, may mint);
			 * FILE_REMOTE: what the server sees (the mount's) */
	/* FILE_REMOTE (vfs.c). 40 bytes in all: the table is .bss, which boot
	 * clears. */
	uint64_t handle; /* the server's name for it (uapi_fs.h) */
	union {
		uint64_t off;		 /* the offset, or READDIR's cookie */
		struct file *close_next; /* its CLOSE queued: the next on the endpoint's list */
	};
};
/* In flags, never an open flag: a FILE_REMOTE's offset is in use by a
 * call (vfs.c); F_GETFL leaves it out. */
#define FILE_OFF_BUSY 0x8000
_Static_assert(((LDE_O_ACCMODE | LDE_O_APPEND | LDE_O_NONBLOCK) & ~0xffff) == 0 &&
		       !((LDE_O_ACCMODE | LDE_O_APPEND | LDE_O_NONBLOCK) & FILE_OFF_BUSY),
	       "flags fit, beside the busy bit");

struct file *file_alloc(enum file_type type); /* NULL if the table is full */
int file_index(const struct file *f);	      /* its slot, 0..NFILE-1 */
/* A FILE_REMOTE whose CLOSE went to the server (or never will): the slot is
 * free again. For ipc.c. */
void file_free_closed(struct file *f);
struct file *file_console(void); /* a new reference to a console file */
/* One more reference to f: inline, fork calls it for every descriptor. */
static inline struct file *file_dup(struct file *f)
{
	KASSERT(f->refs > 0);
	f->refs++;
	return f;
}
void file_put(struct file *f);
/* read/write n bytes at user address ubuf. Bytes moved or -errno. */
long file_read(struct file *f, uint64_t ubuf, size_t n);
long file_write(struct file *f, uint64_t ubuf, size_t n);
/* Files in use, those waiting for their CLOSE to be delivered included
 * (meminfo, leak tests). */
int file_count(void);

/* The current process's descriptor table (sysfile.c): the file at fd, or
 * NULL; install f at the lowest free descriptor >= from (fd or -EMFILE). */
struct file *fd_file(long fd);
int fd_alloc_from(struct file *f, int from);
