/* Open files: what a descriptor refers to. The console, the two ends of a
 * pipe, and the IPC objects (endpoints, notifications: docs/ipc.md);
 * reference-counted because fork and dup share them. */
#pragma once
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
	FILE_DEVICE
};

struct pipe;
struct endpoint;
struct ntfn;
struct device;
struct file {
	enum file_type type;
	int refs; /* descriptors pointing here; 0 = free slot */
	union {	  /* by type */
		struct pipe *pipe;
		struct endpoint *ep;
		struct ntfn *ntfn;
		struct device *dev; /* FILE_DEVICE (FILE_DEVMGR has nothing) */
	};
	uint64_t badge; /* FILE_ENDPOINT: 0 = unbadged (may receive, may mint) */
};

struct file *file_alloc(enum file_type type); /* NULL if the table is full */
struct file *file_console(void);	      /* a new reference to a console file */
struct file *file_dup(struct file *f);
void file_put(struct file *f);
/* read/write n bytes at user address ubuf. Bytes moved or -errno. */
long file_read(struct file *f, uint64_t ubuf, size_t n);
long file_write(struct file *f, uint64_t ubuf, size_t n);
/* Files in use (meminfo, leak tests). */
int file_count(void);
