/* Pipes: a one-page ring buffer between a reader end and a writer end.
 * Readers block while it is empty and writers while it is full; a reader
 * sees end-of-file once every writer has closed, and a writer gets -EPIPE
 * once every reader has.
 *
 * Writers take turns, in the order they came. A writer that finds the
 * pipe full takes the turn (p->writer) and sleeps on `space`; writers that
 * come meanwhile queue on `wq` behind it, however much space a reader
 * frees before they run, so none can be overtaken again and again. When
 * the holder is done, or has filled the pipe again with others waiting
 * (it then queues at the back: a big write goes a pipeful at a time), the
 * turn goes to the oldest waiter. A
 * writer that never has to sleep never touches the turn. */
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
	char *buf;	      /* NULL = free slot */
	uint64_t rpos, wpos;  /* free-running; wpos - rpos bytes are buffered */
	int readers, writers; /* open files on each end */
	struct proc *writer;  /* whose turn it is to write; NULL: anyone's */
	struct waitq rq;      /* readers, for data */
	struct waitq wq;      /* writers, for their turn (oldest first) */
	struct waitq space;   /* the writer whose turn it is, for space */
	/* O_NONBLOCK of each end's open file (one file per end: fork and dup
	 * share it), kept here so that the calls test it only when they
	 * would wait. */
	bool rd_nonblock, wr_nonblock;
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
			file_put(*rd); /* not attached to the pipe yet */
		page_put(buf);
		return -ENFILE;
	}
	p->buf = buf;
	p->rpos = p->wpos = 0;
	p->readers = p->writers = 1;
	p->writer = NULL;
	p->rd_nonblock = p->wr_nonblock = false;
	waitq_init(&p->rq, "pipe read");
	waitq_init(&p->wq, "pipe write");
	waitq_init(&p->space, "pipe write");
	(*rd)->pipe = p;
	(*wr)->pipe = p;
	return 0;
}

void pipe_close(struct pipe *p, bool writer)
{
	if (writer) {
		p->writers--;
		wake_all(&p->rq); /* readers may now see end-of-file */
	} else {
		p->readers--;
		wake_all(&p->wq); /* writers may now see EPIPE */
		wake_all(&p->space);
	}
	if (p->readers == 0 && p->writers == 0) {
		page_put(p->buf);
		p->buf = NULL;
	}
}

void pipe_set_nonblock(struct pipe *p, bool writer, bool on)
{
	if (writer)
		p->wr_nonblock = on;
	else
		p->rd_nonblock = on;
}

long pipe_read(struct pipe *p, uint64_t ubuf, size_t n)
{
	while (p->wpos == p->rpos) {
		if (p->writers == 0)
			return 0;
		if (p->rd_nonblock)
			return -EAGAIN;
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
	wake_all(&p->space);
	return (long)done;
}

/* The turn goes to the oldest waiting writer, or to nobody. */
static void pass_turn(struct pipe *p) { p->writer = wake_one(&p->wq); }

/* Queue until it is current's turn (or nobody's) and the pipe has space;
 * current then has the turn if it had to sleep for space. 0, -EPIPE (no
 * reader left) or -EINTR (killed); on error current may still have the
 * turn, which the caller passes on. */
static int take_turn(struct pipe *p)
{
	while (p->writer && p->writer != current) {
		if (p->readers == 0)
			return -EPIPE;
		if (p->wr_nonblock)
			return -EAGAIN;
		int err = sleep_on(&p->wq);
		if (err)
			return err;
	}
	if (p->wpos - p->rpos < PIPE_SIZE || p->readers == 0)
		return 0;
	if (p->wr_nonblock)
		return -EAGAIN;
	p->writer = current;
	return sleep_on(&p->space);
}

long pipe_write(struct pipe *p, uint64_t ubuf, size_t n)
{
	size_t done = 0;
	long ret = 0;
	/* The common case, nobody waiting and space, costs two tests of
	 * p->writer. A writer that may not wait writes what fits, when
	 * nobody else has the turn. */
	if (p->writer && (ret = take_turn(p)))
		goto out;
	while (done < n) {
		if (p->readers == 0) {
			ret = -EPIPE;
			break;
		}
		size_t space = PIPE_SIZE - (p->wpos - p->rpos);
		if (space == 0) {
			wake_all(&p->rq);
			/* Writers wait only while someone has the turn: current
			 * has it, and has filled the pipe. The others go first,
			 * current queues at the back. */
			if (p->writer == current && !list_empty(&p->wq.sleepers))
				pass_turn(p);
			ret = take_turn(p);
			if (ret)
				break;
			continue;
		}
		size_t off = p->wpos % PIPE_SIZE;
		size_t chunk = PIPE_SIZE - off;
		if (chunk > space)
			chunk = space;
		if (chunk > n - done)
			chunk = n - done;
		int err = copyin(&current->mm, p->buf + off, ubuf + done, chunk);
		if (err) {
			ret = err;
			break;
		}
		p->wpos += chunk;
		done += chunk;
	}
out:
	if (p->writer && p->writer == current)
		pass_turn(p);
	wake_all(&p->rq);
	return done ? (long)done : ret;
}
