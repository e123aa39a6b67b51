/* Pipes: a one-page ring buffer between a reader end and a writer end.
 * Readers block while it is empty and writers while it is full; a reader
 * sees end-of-file once every writer has closed, and a writer gets -EPIPE
 * once every reader has. */
#include "pipe.h"
#include "arch.h"
#include "errno.h"
#include "kassert.h"
#include "palloc.h"
#include "proc.h"
#include "sched.h"

#define NPIPE 64
#define PIPE_SIZE PGSIZE

struct pipe {
	char *buf;		/* NULL = free slot */
	uint64_t rpos, wpos;	/* free-running; wpos - rpos bytes are buffered */
	int readers, writers;	/* open files on each end */
	struct waitq rq, wq;
};

static struct pipe pipes[NPIPE];

int pipe_create(struct file **rd, struct file **wr)
{
	struct pipe *p = NULL;
	for (int i = 0; i < NPIPE && !p; i++)
		if (!pipes[i].buf)
			p = &pipes[i];
	if (!p)
		return -ENFILE;
	char *buf = palloc();
	if (!buf)
		return -ENOMEM;
	*rd = file_alloc(FILE_PIPE_READ);
	*wr = *rd ? file_alloc(FILE_PIPE_WRITE) : NULL;
	if (!*wr) {
		if (*rd)
			file_put(*rd);	/* not attached to the pipe yet */
		page_put(buf);
		return -ENFILE;
	}
	p->buf = buf;
	p->rpos = p->wpos = 0;
	p->readers = p->writers = 1;
	waitq_init(&p->rq, "pipe read");
	waitq_init(&p->wq, "pipe write");
	(*rd)->pipe = p;
	(*wr)->pipe = p;
	return 0;
}

void pipe_close(struct pipe *p, bool writer)
{
	if (writer) {
		p->writers--;
		wake_all(&p->rq);	/* readers may now see end-of-file */
	} else {
		p->readers--;
		wake_all(&p->wq);	/* writers may now see EPIPE */
	}
	if (p->readers == 0 && p->writers == 0) {
		page_put(p->buf);
		p->buf = NULL;
	}
}

long pipe_read(struct pipe *p, uint64_t ubuf, size_t n)
{
	while (p->wpos == p->rpos) {
		if (p->writers == 0)
			return 0;
		int err = sleep_on(&p->rq);
		if (err)
			return err;
	}
	size_t avail = p->wpos - p->rpos;
	if (n > avail)
		n = avail;
	size_t done = 0;
	while (done < n) {
		size_t off = (p->rpos + done) % PIPE_SIZE;
		size_t chunk = PIPE_SIZE - off < n - done ? PIPE_SIZE - off : n - done;
		int err = copyout(&current->mm, ubuf + done, p->buf + off, chunk);
		if (err) {
			if (!done)
				return err;
			break;
		}
		done += chunk;
	}
	p->rpos += done;
	wake_all(&p->wq);
	return (long)done;
}

long pipe_write(struct pipe *p, uint64_t ubuf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		if (p->readers == 0)
			return done ? (long)done : -EPIPE;
		size_t space = PIPE_SIZE - (p->wpos - p->rpos);
		if (space == 0) {
			wake_all(&p->rq);
			int err = sleep_on(&p->wq);
			if (err)
				return done ? (long)done : err;
			continue;
		}
		size_t off = p->wpos % PIPE_SIZE;
		size_t chunk = PIPE_SIZE - off;
		if (chunk > space)
			chunk = space;
		if (chunk > n - done)
			chunk = n - done;
		int err = copyin(&current->mm, p->buf + off, ubuf + done, chunk);
		if (err)
			return done ? (long)done : err;
		p->wpos += chunk;
		done += chunk;
	}
	wake_all(&p->rq);
	return (long)done;
}
