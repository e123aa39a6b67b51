#include "file.h"
#include "console.h"
#include "dev.h"
#include "ipc.h"
#include "errno.h"
#include "kassert.h"
#include "pipe.h"
#include "proc.h"
#include "sched.h"
#include "tty.h"
#include "vfs.h"

static struct file files[NFILE];

struct file *file_alloc(enum file_type type)
{
	for (int i = 0; i < NFILE; i++) {
		if (files[i].type == 0) {
			files[i].type = type;
			files[i].refs = 1;
			files[i].pipe = NULL; /* and the union's other members */
			files[i].badge = 0;
			files[i].flags = type == FILE_PIPE_READ	   ? LDE_O_RDONLY
					 : type == FILE_PIPE_WRITE ? LDE_O_WRONLY
								   : LDE_O_RDWR;
			files[i].off = 0;
			return &files[i];
		}
	}
	return NULL;
}

int file_index(const struct file *f) { return (int)(f - files); }

void file_free_closed(struct file *f)
{
	KASSERT(f->type == FILE_REMOTE && f->refs == 0);
	f->type = 0;
}

struct file *file_console(void)
{
	struct file *f = file_alloc(FILE_CONSOLE);
	KASSERT(f);
	return f;
}

void file_put(struct file *f)
{
	KASSERT(f->refs > 0);
	if (--f->refs)
		return;
	/* A pipe end whose pipe_create failed is not attached to a pipe. */
	if ((f->type == FILE_PIPE_READ || f->type == FILE_PIPE_WRITE) && f->pipe)
		pipe_close(f->pipe, f->type == FILE_PIPE_WRITE);
	if (f->type == FILE_ENDPOINT && f->ep)
		ep_put(f->ep, f->badge == 0);
	if (f->type == FILE_NTFN && f->ntfn)
		ntfn_put(f->ntfn);
	if (f->type == FILE_DEVICE && f->dev)
		dev_release(f->dev);
	if (f->type == FILE_REMOTE && f->ep) {
		vfs_release(f); /* the slot stays taken until the server is told */
		return;
	}
	f->type = 0;
}

long file_read(struct file *f, uint64_t ubuf, size_t n)
{
	switch (f->type) {
	case FILE_CONSOLE: return tty_read(ubuf, n);
	case FILE_PIPE_READ: return pipe_read(f->pipe, ubuf, n);
	case FILE_REMOTE: return vfs_read(f, ubuf, n);
	default: return -EBADF;
	}
}

/* Console output goes through a small kernel buffer so that a bad user
 * pointer is caught by copyin before anything is printed. */
static long console_write_user(uint64_t ubuf, size_t n)
{
	char buf[256];
	size_t done = 0;
	while (done < n) {
		/* Printing costs the CPU time of a device access per byte: a
		 * big write lets others run between chunks (a write that fits
		 * in one chunk stays whole), and ends early if the writer is
		 * killed meanwhile. */
		if (done && sched_preempt_point() && current->killed)
			break;
		size_t chunk = n - done < sizeof buf ? n - done : sizeof buf;
		int err = copyin(&current->mm, buf, ubuf + done, chunk);
		if (err)
			return done ? (long)done : err;
		console_write(buf, chunk);
		done += chunk;
	}
	return (long)done;
}

long file_write(struct file *f, uint64_t ubuf, size_t n)
{
	switch (f->type) {
	case FILE_CONSOLE: return console_write_user(ubuf, n);
	case FILE_PIPE_WRITE: return pipe_write(f->pipe, ubuf, n);
	case FILE_REMOTE: return vfs_write(f, ubuf, n);
	default: return -EBADF;
	}
}

int file_count(void)
{
	int n = 0;
	for (int i = 0; i < NFILE; i++)
		n += files[i].type != 0;
	return n;
}
