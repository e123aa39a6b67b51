/* The C library's system calls, over the stubs generated from
 * kernel/syscalls.def (lde.h). The kernel returns -errno; POSIX callers
 * want -1 and errno, so these translate. */
#include "lde.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

_Static_assert(EFAULT == 14 && ENOSYS == 88 && EPIPE == 32 && ECHILD == 10,
	       "kernel/errno.h must match picolibc's errno values");

long lde_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r3 __asm__("a3") = a3;
	register long r4 __asm__("a4") = a4;
	register long r5 __asm__("a5") = a5;
	register long r7 __asm__("a7") = nr;
	__asm__ volatile("ecall"
			 : "+r"(r0)
			 : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7)
			 : "memory");
	return r0;
}

static long check(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

void _exit(int status)
{
	lde_sys_exit(status);
	for (;;)
		;
}

ssize_t write(int fd, const void *buf, size_t n) { return check(lde_sys_write(fd, buf, n)); }
ssize_t read(int fd, void *buf, size_t n) { return check(lde_sys_read(fd, buf, n)); }
pid_t getpid(void) { return (pid_t)check(lde_sys_getpid()); }
pid_t getppid(void) { return (pid_t)check(lde_sys_getppid()); }
void __lde_stdio_flush(void);

/* Buffered output is flushed first, so that it is neither printed twice
 * (fork) nor lost (exec). */
pid_t fork(void)
{
	__lde_stdio_flush();
	return (pid_t)check(lde_sys_fork());
}

pid_t wait(int *status) { return (pid_t)check(lde_sys_wait(status)); }
/* The kernel's status words (uapi.h) are what picolibc's macros decode. */
_Static_assert(WIFEXITED(LDE_W_EXITED(300)) && WEXITSTATUS(LDE_W_EXITED(300)) == 300 % 256 &&
		       WIFSIGNALED(LDE_W_SIGNALED(9)) && WTERMSIG(LDE_W_SIGNALED(9)) == 9 &&
		       LDE_W_EXITCODE(LDE_W_EXITED(42)) == WEXITSTATUS(LDE_W_EXITED(42)) &&
		       LDE_W_TERMSIG(LDE_W_SIGNALED(11)) == WTERMSIG(LDE_W_SIGNALED(11)),
	       "wait status encoding");
int kill(pid_t pid, int sig) { return (int)check(lde_sys_kill(pid, sig)); }
int exec(const char *path, char *const argv[])
{
	__lde_stdio_flush();
	return (int)check(lde_sys_exec(path, argv));
}

int execv(const char *path, char *const argv[]) { return exec(path, argv); }
int yield(void) { return (int)check(lde_sys_yield()); }
long uptime(void) { return check(lde_sys_uptime()); }
int pipe(int fds[2]) { return (int)check(lde_sys_pipe(fds)); }
int close(int fd) { return (int)check(lde_sys_close(fd)); }
int dup(int fd) { return (int)check(lde_sys_dup(fd)); }
int procinfo(int pid, struct lde_procinfo *buf, int n)
{
	return (int)check(lde_sys_procinfo(pid, buf, n));
}
int meminfo(struct lde_meminfo *mi) { return (int)check(lde_sys_meminfo(mi)); }
long initrd_readdir(int index, char *buf, size_t len)
{
	return check(lde_sys_readdir(index, buf, len));
}
int tcsetpgrp(int fd, pid_t pgrp) { return (int)check(lde_sys_tcsetpgrp(fd, pgrp)); }
int setpgid(pid_t pid, pid_t pgid) { return (int)check(lde_sys_setpgid(pid, pgid)); }
int trace(int on) { return (int)check(lde_sys_trace(on)); }
int timeline(int op, long arg) { return (int)check(lde_sys_timeline(op, arg)); }

_Static_assert(PRIO_PROCESS == LDE_PRIO_PROCESS && PRIO_PGRP == LDE_PRIO_PGRP &&
		       PRIO_USER == LDE_PRIO_USER,
	       "user/lib/include/sys/resource.h must match kernel/uapi.h");

/* nice and getpriority come back from the kernel biased by LDE_NZERO. */
static int unbias_nice(long r) { return r < 0 ? (int)check(r) : (int)r - LDE_NZERO; }
int nice(int incr) { return unbias_nice(lde_sys_nice(incr)); }
int getpriority(int which, id_t who) { return unbias_nice(lde_sys_getpriority(which, (int)who)); }
int setpriority(int which, id_t who, int value)
{
	return (int)check(lde_sys_setpriority(which, (int)who, value));
}

int poweroff(int status) { return (int)check(lde_sys_poweroff(status)); }

void *sbrk(ptrdiff_t incr)
{
	long r = lde_sys_sbrk(incr);
	if (r < 0) {
		errno = (int)-r;
		return (void *)-1;
	}
	return (void *)r;
}

int usleep(useconds_t us) { return (int)check(lde_sys_usleep(us)); }

unsigned sleep(unsigned seconds) { return usleep((useconds_t)seconds * 1000000u) ? seconds : 0; }
