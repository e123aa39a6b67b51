/* System calls on file descriptors. */
#include "dev.h"
#include "errno.h"
#include "file.h"
#include "pipe.h"
#include "proc.h"
#include "syscall.h"

#define SSIZE_MAX_ ((uint64_t)INT64_MAX)

struct file *fd_file(long fd) { return fd >= 0 && fd < NOFILE ? current->files[fd] : NULL; }

int fd_alloc_from(struct file *f, int from)
{
	for (int fd = from; fd < NOFILE; fd++) {
		if (!current->files[fd]) {
			current->files[fd] = f;
			current->cloexec &= (uint16_t) ~(1u << fd);
			return fd;
		}
	}
	return -EMFILE;
}

static int fd_alloc(struct file *f) { return fd_alloc_from(f, 0); }

/* read(fd, buf, n) and write(fd, buf, n): a zero length never looks at
 * the buffer; a length that does not fit ssize_t is an error. */
static long read_write(long fd, uintptr_t buf, size_t n, bool write)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	if (n > SSIZE_MAX_)
		return -EINVAL;
	if (!n)
		return 0;
	return write ? file_write(f, buf, n) : file_read(f, buf, n);
}

long sys_read(long fd, uintptr_t buf, size_t n) { return read_write(fd, buf, n, false); }
long sys_write(long fd, uintptr_t buf, size_t n) { return read_write(fd, buf, n, true); }

long sys_close(long fd)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	current->files[fd] = NULL;
	if (f->type == FILE_DEVICE)
		dev_closed(f);
	current->cloexec &= (uint16_t) ~(1u << fd); /* a free slot has none: IPC may fill it */
	file_put(f);
	return 0;
}

long sys_dup(long fd)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	int newfd = fd_alloc(f);
	if (newfd >= 0)
		file_dup(f);
	return newfd;
}

long sys_pipe(uintptr_t ufds)
{
	struct file *rd, *wr;
	int fds[2];
	int err = pipe_create(&rd, &wr);
	if (err)
		return err;
	fds[0] = fd_alloc(rd);
	fds[1] = fds[0] >= 0 ? fd_alloc(wr) : -EMFILE;
	if (fds[1] >= 0)
		err = copyout(&current->mm, ufds, fds, sizeof fds);
	if (fds[1] < 0 || err) {
		if (fds[0] >= 0)
			current->files[fds[0]] = NULL;
		if (fds[1] >= 0)
			current->files[fds[1]] = NULL;
		file_put(rd);
		file_put(wr);
		return fds[1] < 0 ? fds[1] : err;
	}
	return 0;
}

long sys_dup2(long oldfd, long newfd)
{
	struct file *f = fd_file(oldfd);
	if (!f || newfd < 0 || newfd >= NOFILE)
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	struct file *old = current->files[newfd];
	current->files[newfd] = file_dup(f);
	current->cloexec &= (uint16_t) ~(1u << newfd);
	if (old && old->type == FILE_DEVICE)
		dev_closed(old); /* as close would: the mappings go with the last descriptor */
	if (old)
		file_put(old); /* last: a remote file's close never blocks */
	return newfd;
}

long sys_fcntl(long fd, int cmd, long arg)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	switch (cmd) {
	case LDE_F_DUPFD: {
		if (arg < 0 || arg >= NOFILE)
			return -EINVAL;
		int nfd = fd_alloc_from(f, (int)arg);
		if (nfd >= 0)
			file_dup(f);
		return nfd;
	}
	case LDE_F_GETFD: return (current->cloexec >> fd) & 1 ? LDE_FD_CLOEXEC : 0;
	case LDE_F_SETFD:
		if (arg & LDE_FD_CLOEXEC)
			current->cloexec |= (uint16_t)(1u << fd);
		else
			current->cloexec &= (uint16_t) ~(1u << fd);
		return 0;
	case LDE_F_GETFL: return f->flags & ~FILE_OFF_BUSY;
	case LDE_F_SETFL:
		/* Only the status flags change; the access mode is the open's. */
		f->flags = (uint16_t)((f->flags & ~(LDE_O_APPEND | LDE_O_NONBLOCK)) |
				      (arg & (LDE_O_APPEND | LDE_O_NONBLOCK)));
		if ((f->type == FILE_PIPE_READ || f->type == FILE_PIPE_WRITE) && f->pipe)
			pipe_set_nonblock(f->pipe, f->type == FILE_PIPE_WRITE,
					  f->flags & LDE_O_NONBLOCK);
		return 0;
	default: return -EINVAL;
	}
}
