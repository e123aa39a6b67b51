/* Open files of file servers (docs/files.md, "Open files"): read, write,
 * lseek, fstat, getdents, fsync and ftruncate on a FILE_REMOTE descriptor,
 * each an IPC call the kernel makes for the caller on the file's server,
 * with the file's handle; the shared offset held for a call when the file
 * is shared; the detached read; the last close queued for the server. The
 * path calls, open among them, are vfs.c's. */
#include "fscall.h"
#include "kstring.h"
#include "sched.h"
#include "syscall.h"
#include "vfs.h"

static struct file *remote_file(long fd)
{
	struct file *f = fd_file(fd);
	return f && f->type == FILE_REMOTE ? f : NULL;
}

void vfs_release(struct file *f) { ep_post_close(f->ep, f); }

int vfs_read_exact(struct file *f, void *buf, uint64_t off, size_t n)
{
	size_t done = 0;
	while (done < n) {
		uint64_t w[4] = { 0, off + done, n - done, 0 };
		struct ipc_klease l = { (uint64_t)buf + done, n - done, IPC_KLEASE_KERNEL_W };
		long err = file_call(f, LDE_FS_READ, w, &l, 1);
		if (err)
			return (int)err;
		if (w[0] == 0 || w[0] > n - done)
			return -ENOEXEC; /* shorter than it said, or a broken answer */
		done += w[0];
	}
	return 0;
}

/* An open file's offset is shared (fork, dup) and a call reads it when
 * it goes out and advances it when the answer comes: two calls at once on
 * one open file would both use the same offset, and one process's write
 * would land on the other's. So a read, write, readdir or seek holds the
 * offset (FILE_OFF_BUSY) for its whole call, as POSIX wants them atomic
 * with respect to each other on regular files (Linux's f_pos_lock); the
 * others wait on one queue for all files, since it is rare that anyone
 * waits at all. 0, or -EINTR if the waiter was killed or has a signal. */
static struct waitq off_wait = { LIST_INIT(off_wait.sleepers), "file offset" };

/* The shared case, out of the way of the usual one: wait for the offset,
 * then hold it. 1, or -EINTR. */
static __attribute__((noinline, cold)) long off_wait_hold(struct file *f)
{
	while (f->flags & FILE_OFF_BUSY) {
		int err = sleep_on(&off_wait);
		if (err)
			return err;
	}
	f->flags |= FILE_OFF_BUSY;
	return 1;
}

static __attribute__((noinline, cold)) void off_let_go(struct file *f)
{
	f->flags &= (uint16_t)~FILE_OFF_BUSY;
	wake_all(&off_wait);
}

/* 1 if the caller now holds f's offset, 0 if it need not, or -EINTR. */
static inline long off_hold(struct file *f)
{
	/* One reference, the caller's descriptor: nobody else can call on
	 * the file while the caller is in this call (a process has one
	 * thread, and nothing takes a descriptor from a process in a kernel
	 * call). The unshared case, the usual one, costs a test. */
	if (f->refs == 1)
		return 0;
	return off_wait_hold(f);
}

/* held: what off_hold returned. */
static inline void off_release(struct file *f, long held)
{
	if (held)
		off_let_go(f);
}

static long remote_read(struct file *f, uint64_t ubuf, size_t n)
{
	uint64_t w[4] = { 0, f->off, n, 0 };
	struct ipc_klease l = { ubuf, n, LDE_LEASE_WRITE };
	long err = file_call(f, LDE_FS_READ, w, &l, 1);
	if (err)
		return err;
	/* More than lent, or past the largest offset: a broken answer. */
	if (w[0] > n || w[0] > INT64_MAX - f->off)
		return -EIO;
	f->off += w[0];
	return (long)w[0];
}

/* A detached read's end (ipc_kcall_detached), as remote_read's: p's
 * read returns this. f is p's: its descriptor cannot go while p waits. */
static long read_done(struct proc *p, long r, const uint64_t *w)
{
	struct file *f = p->ipc_kctx;
	if (r < 0)
		return r == -EPIPE || r == -ECONNRESET ? -EIO : r;
	uint32_t e = LDE_MSG_LABEL(r);
	if (e)
		return e < 4096 ? -(long)e : -EIO;
	if (w[0] > w[4] || w[0] > INT64_MAX - f->off) /* as remote_read */
		return -EIO;
	f->off += w[0];
	return (long)w[0];
}

/* vfs_read's way when the call keeps the caller's stack. */
static __attribute__((noinline)) long vfs_read_stacked(struct file *f, uint64_t ubuf, size_t n)
{
	long held = off_hold(f);
	if (held < 0)
		return held;
	long r = remote_read(f, ubuf, n);
	off_release(f, held);
	return r;
}

long vfs_read(struct file *f, uint64_t ubuf, size_t n)
{
	if ((f->flags & LDE_O_ACCMODE) == LDE_O_WRONLY)
		return -EBADF;
	/* An open file of the caller's alone (no offset to hold for others)
	 * whose server waits: the read's last act is the call, so the caller
	 * need not keep its kernel stack for the answer, and both switches
	 * take the IPC fast path (docs/files.md, "What it costs"). */
	if (f->refs == 1) {
		uint64_t w[4] = { f->handle, f->off, n,
				  LDE_FS_CRED(proc_uid(current), proc_gid(current)) };
		struct ipc_klease l = { ubuf, n, LDE_LEASE_WRITE };
		ipc_kcall_detached(f->ep, f->badge, LDE_FS_READ, w, &l, read_done, f);
	}
	return vfs_read_stacked(f, ubuf, n);
}

static long remote_write(struct file *f, uint64_t ubuf, size_t n)
{
	bool append = f->flags & LDE_O_APPEND;
	uint64_t w[4] = { 0, f->off, n | (append ? LDE_FS_APPEND : 0), 0 };
	struct ipc_klease l = { ubuf, n, LDE_LEASE_READ };
	long err = file_call(f, LDE_FS_WRITE, w, &l, 1);
	if (err)
		return err;
	if (w[0] > n || (append ? w[1] > INT64_MAX - n : f->off > INT64_MAX - w[0]))
		return -EIO;
	f->off = (append ? w[1] : f->off) + w[0];
	return (long)w[0];
}

long vfs_write(struct file *f, uint64_t ubuf, size_t n)
{
	if ((f->flags & LDE_O_ACCMODE) == LDE_O_RDONLY)
		return -EBADF;
	long held = off_hold(f);
	if (held < 0)
		return held;
	long r = remote_write(f, ubuf, n);
	off_release(f, held);
	return r;
}

static long remote_lseek(struct file *f, long off, int whence)
{
	long base;
	if (whence == LDE_SEEK_SET) {
		base = 0;
	} else if (whence == LDE_SEEK_CUR) {
		base = (long)f->off;
	} else if (whence == LDE_SEEK_END) {
		struct lde_stat st = { 0 }; /* a server that writes nothing leaves zeroes */
		uint64_t w[4] = { 0 };
		struct ipc_klease l = { (uint64_t)&st, sizeof st, IPC_KLEASE_KERNEL_W };
		long err = file_call(f, LDE_FS_FSTAT, w, &l, 1);
		if (err)
			return err;
		if (st.size > INT64_MAX)
			return -EIO;
		base = (long)st.size;
	} else {
		return -EINVAL;
	}
	long pos;
	if (__builtin_add_overflow(base, off, &pos) || pos < 0)
		return -EINVAL;
	f->off = (uint64_t)pos;
	return pos;
}

long sys_lseek(long fd, long off, int whence)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	if (f->type != FILE_REMOTE)
		return -ESPIPE;
	long held = off_hold(f);
	if (held < 0)
		return held;
	long r = remote_lseek(f, off, whence);
	off_release(f, held);
	return r;
}

long sys_fstat(long fd, uintptr_t ubuf)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	if (f->type == FILE_REMOTE) {
		uint64_t w[4] = { 0 };
		struct lde_stat st = { 0 }; /* a server that writes nothing leaves zeroes */
		struct ipc_klease l = { (uint64_t)&st, sizeof st, IPC_KLEASE_KERNEL_W };
		long err = file_call(f, LDE_FS_FSTAT, w, &l, 1);
		if (err)
			return err;
		return put_stat(ubuf, &st, f->mnt);
	}
	/* The kernel's own files: what a program asks fstat for (isatty, a
	 * pipe's type). */
	struct lde_stat st = { .nlink = 1, .blksize = 512, .dev = NMOUNT };
	st.mode = f->type == FILE_CONSOLE				    ? LDE_S_IFCHR | 0620
		  : f->type == FILE_PIPE_READ || f->type == FILE_PIPE_WRITE ? LDE_S_IFIFO | 0600
									    : 0600;
	st.ino = (uint64_t)file_index(f);
	return copyout(&current->mm, ubuf, &st, sizeof st);
}

long sys_getdents(long fd, uintptr_t ubuf, size_t len)
{
	struct file *f = remote_file(fd);
	if (!f)
		return fd_file(fd) ? -ENOTDIR : -EBADF;
	long held = off_hold(f);
	if (held < 0)
		return held;
	uint64_t w[4] = { 0, f->off, len, 0 };
	struct ipc_klease l = { ubuf, len, LDE_LEASE_WRITE };
	long err = file_call(f, LDE_FS_READDIR, w, &l, 1);
	if (!err && w[0] > len)
		err = -EIO;
	if (!err)
		f->off = w[1];
	off_release(f, held);
	return err ? err : (long)w[0];
}

/* What mkdir, rmdir and unlink answer for a last component "." or ".."
 * (Linux's answers), which normalizing would turn into the directory
 * itself or its parent: rmdir(".") would remove the caller's directory. */
long sys_fsync(long fd)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	if (f->type != FILE_REMOTE)
		return -EINVAL;
	uint64_t w[4] = { 0 };
	return file_call(f, LDE_FS_FSYNC, w, NULL, 0);
}

long sys_ftruncate(long fd, long len)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	if (f->type != FILE_REMOTE || len < 0 || (f->flags & LDE_O_ACCMODE) == LDE_O_RDONLY)
		return -EINVAL;
	uint64_t w[4] = { 0, (uint64_t)len, 0, 0 };
	return file_call(f, LDE_FS_TRUNCATE, w, NULL, 0);
}
