/* Words for the kernel's error codes, for the kernel's own messages (user
 * programs get picolibc's strerror(), which agrees on the numbers). */
#include "errno.h"

static const char *const err_text[] = {
	[EPERM] = "operation not permitted",
	[ENOENT] = "no such file",
	[ESRCH] = "no such process",
	[EINTR] = "interrupted",
	[EIO] = "input/output error",
	[E2BIG] = "argument list too long",
	[ENOEXEC] = "not a valid executable",
	[EBADF] = "bad file descriptor",
	[ECHILD] = "no child process",
	[EAGAIN] = "try again",
	[ENOMEM] = "out of memory",
	[EACCES] = "permission denied",
	[EFAULT] = "bad address",
	[EBUSY] = "busy",
	[EEXIST] = "already exists",
	[EXDEV] = "cross-device link",
	[ENODEV] = "no such device",
	[ENOTDIR] = "not a directory",
	[EISDIR] = "is a directory",
	[EINVAL] = "invalid argument",
	[ENFILE] = "too many open files in the system",
	[EMFILE] = "too many open files",
	[ENOSPC] = "no space left",
	[ESPIPE] = "not seekable",
	[EROFS] = "read-only file system",
	[EPIPE] = "broken pipe",
	[ERANGE] = "out of range",
	[ENOSYS] = "no such system call",
	[ENOTEMPTY] = "directory not empty",
	[ENAMETOOLONG] = "name too long",
	[ELOOP] = "too many symbolic links",
	[ECONNRESET] = "server died holding the request",
};

const char *err_str(long err)
{
	if (err < 0)
		err = -err;
	if (err < (long)(sizeof(err_text) / sizeof(err_text[0])) && err_text[err])
		return err_text[err];
	return "unknown error";
}
