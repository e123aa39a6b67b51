/* Kernel error codes. The values are picolibc's (newlib's) so that the user
 * library can hand -ret straight to errno; user/lib checks this at compile
 * time. Kernel functions and system calls return these negated. */
#pragma once

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EPIPE 32
#define ERANGE 34
#define ENOSYS 88
#define ENOTEMPTY 90
#define ENAMETOOLONG 91
#define ELOOP 92
#define ECONNRESET 104 /* IPC: the server holding the request died */

/* A few words for error code err (negated or not), for the kernel's own
 * messages; "unknown error" for a code without words (tests/host/test_errno.c
 * checks that every code above has them). */
const char *err_str(long err);
