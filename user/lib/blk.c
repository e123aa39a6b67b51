/* libblk: the disk's client library (user/lib/blk.h, docs/drivers.md). It
 * splits transfers into requests the driver takes and sends a request
 * again when the driver holding it died: the supervisor starts a new
 * driver on the same endpoint, and the resent call waits there for it. */
#include "blk.h"
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "lde.h"

long blk_request(int fd, int op, uint64_t w0, uint64_t w1, uint64_t w2, void *lease, size_t len,
		 int lflags)
{
	struct lde_lease l = { (uint64_t)(uintptr_t)lease, len, (uint64_t)lflags };
	struct lde_msg m = { .info = LDE_MSG_INFO(op, lease ? 1 : 0, -1), .w = { w0, w1, w2, 0 } };
	if (ipc_call(fd, &m, lease ? &l : NULL) < 0)
		return -errno;
	uint32_t label = LDE_MSG_LABEL(m.info);
	return label ? -(long)label : (long)m.w[0];
}

/* One request, sent again while its driver keeps dying under it. */
static long retried(struct blk *b, int op, uint64_t off, uint64_t n, void *buf, size_t len,
		    int lflags)
{
	uint64_t flags = 0;
	for (int tries = 0;; tries++) {
		long r = blk_request(b->fd, op, off, n, flags, buf, len, lflags);
		if (r == -EPIPE)
			return -ENODEV; /* nobody serves the endpoint any more */
		if (r != -ECONNRESET)
			return r;
		if (tries == BLK_RETRIES)
			return -EIO;
		b->resends++;
		flags = BLK_F_RESEND;
	}
}

int blk_open(struct blk *b, int fd)
{
	b->fd = fd;
	b->resends = 0;
	long r = retried(b, BLK_OP_INFO, 0, 0, NULL, 0, 0);
	if (r < 0)
		return (int)r;
	b->capacity = (uint64_t)r;
	return 0;
}

static long transfer(struct blk *b, int op, uint64_t off, char *buf, size_t n)
{
	if ((off | n) % BLK_SECTOR)
		return -EINVAL;
	size_t done = 0;
	while (done < n) {
		size_t len = n - done < BLK_MAX_BYTES ? n - done : BLK_MAX_BYTES;
		long r = retried(b, op, off + done, len, buf + done, len,
				 op == BLK_OP_READ ? LDE_LEASE_WRITE : LDE_LEASE_READ);
		if (r < 0)
			return r;
		done += len;
	}
	return (long)n;
}

long blk_read(struct blk *b, uint64_t off, void *buf, size_t n)
{
	return transfer(b, BLK_OP_READ, off, buf, n);
}

long blk_write(struct blk *b, uint64_t off, const void *buf, size_t n)
{
	return transfer(b, BLK_OP_WRITE, off, (char *)buf, n);
}

long blk_flush(struct blk *b)
{
	long r = retried(b, BLK_OP_FLUSH, 0, 0, NULL, 0, 0);
	return r < 0 ? r : 0;
}

long blk_stats(struct blk *b, struct blk_stats *st)
{
	long r = retried(b, BLK_OP_STATS, 0, 0, st, sizeof *st, LDE_LEASE_WRITE);
	return r < 0 ? r : 0;
}

/* svc's arguments are descriptor numbers: it inherits the manager, the
 * endpoint it serves and the pipe on which it says whether there is a
 * disk ('R' ready, 'N' none). */
int blk_service_start(int mgr, int ep, const char *flags, int *svc_pid)
{
	int p[2];
	if (pipe(p) < 0) {
		int e = errno;
		close(ep);
		return -e;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(ep), close(p[0]), close(p[1]);
		return -e;
	}
	if (pid == 0) {
		char a[3][12];
		snprintf(a[0], sizeof a[0], "%d", mgr);
		snprintf(a[1], sizeof a[1], "%d", ep);
		snprintf(a[2], sizeof a[2], "%d", p[1]);
		close(p[0]);
		char *argv[] = { "svc", "blk", a[0], a[1], a[2], (char *)flags, NULL };
		exec("/svc", argv);
		perror("blk: exec /svc");
		_exit(127);
	}
	close(p[1]);
	close(ep); /* only the service may receive: once it is gone, calls fail */
	char c = 0;
	long n = read(p[0], &c, 1);
	close(p[0]);
	if (svc_pid)
		*svc_pid = pid;
	return n == 1 && c == 'R' ? 0 : -ENODEV;
}
