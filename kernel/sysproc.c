/* System calls of the process API. The dispatcher (syscall.c) has decoded
 * the arguments to the types kernel/syscalls.def gives them; each handler
 * checks their values. */
#include "dev.h"
#include "arch.h"
#include "errno.h"
#include "exec.h"
#include "initrd.h"
#include "kstring.h"
#include "palloc.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "syscall.h"
#include "timeline.h"
#include "tty.h"
#include "file.h"
#include "ipc.h"

#define US_PER_S 1000000UL
#define MAX_SLEEP_US (100UL * 365 * 24 * 3600 * US_PER_S)

static uint64_t boot_time;

void sysproc_init(void) { boot_time = arch_now(); }

long sys_exit(int status) { proc_exit(LDE_W_EXITED(status)); }

/* Leaf handlers need no frame pointer: a backtrace never passes through
 * a function that calls nothing, nor through one that only ends in a tail
 * call (its frame is gone by then). */
#define LEAF __attribute__((optimize("omit-frame-pointer")))

LEAF long sys_getpid(void) { return current->pid; }

LEAF long sys_getppid(void) { return current->parent ? current->parent->pid : 0; }

LEAF long sys_fork(void) { return proc_fork(); }
LEAF long sys_wait(uintptr_t status) { return proc_wait(status); }
static __attribute__((noinline)) long kill_general(int pid, int sig)
{
	if (pid == current->pid && (unsigned)sig - 1 < LDE_NSIG - 1) {
		signal_post(current, sig); /* raise(): always permitted */
		return 0;
	}
	return proc_kill_user(pid, sig);
}

/* raise() of a signal the caller catches: no search, no call; the signal
 * is simply pending (signal_raise), delivered on the way out. */
LEAF long sys_kill(int pid, int sig)
{
	struct proc *me = current;
	if (pid == me->pid && (unsigned)sig - 1 < LDE_NSIG - 1 && signal_raise(me, sig))
		return 0;
	return kill_general(pid, sig);
}
LEAF long sys_sbrk(long incr) { return vm_sbrk(&current->mm, incr); }

long sys_yield(void)
{
	sched_yield();
	return 0;
}

long sys_usleep(uint64_t us)
{
	if (us > MAX_SLEEP_US)
		return -EINVAL;
	/* In two parts: us * hz alone overflows for sleeps of weeks. */
	uint64_t ticks =
		us / US_PER_S * arch_timebase_hz + us % US_PER_S * arch_timebase_hz / US_PER_S;
	return sleep_until(arch_now() + ticks);
}

/* Milliseconds since boot. */
long sys_uptime(void) { return (long)((arch_now() - boot_time) / (arch_timebase_hz / 1000)); }

/* exec(path, argv): path and the argv strings are copied into one kernel
 * page before the old image goes away. */
_Static_assert(LDE_PATH_MAX + (LDE_ARG_MAX + 1) * sizeof(char *) + LDE_ARGS_BYTES <= PGSIZE,
	       "exec's scratch page");
long sys_exec(uintptr_t upath, uintptr_t uargv)
{
	char *page = palloc();
	if (!page)
		return -ENOMEM;
	char *path = page;
	char **argv = (char **)(page + LDE_PATH_MAX);
	char *strings = page + LDE_PATH_MAX + (LDE_ARG_MAX + 1) * sizeof(char *);
	char *end = strings + LDE_ARGS_BYTES; /* the ABI's limit, NULs included */
	long err = copyinstr(&current->mm, path, upath, LDE_PATH_MAX);
	int argc = 0;
	while (err >= 0 && uargv) {
		uint64_t uarg;
		err = copyin(&current->mm, &uarg, uargv + argc * sizeof(uint64_t), sizeof uarg);
		if (err || !uarg)
			break;
		if (argc == LDE_ARG_MAX) {
			err = -E2BIG;
			break;
		}
		err = copyinstr(&current->mm, strings, uarg, (size_t)(end - strings));
		if (err == -ENAMETOOLONG)
			err = -E2BIG;
		if (err < 0)
			break;
		argv[argc++] = strings;
		strings += err + 1;
	}
	if (err >= 0) {
		argv[argc] = NULL;
		err = proc_exec(path, argc, argv);
	}
	page_put(page);
	/* On success a0 must keep argc, which the new image's crt0 expects. */
	return err < 0 ? err : (long)argc;
}

long sys_procinfo(int pid, uintptr_t ubuf, long n)
{
	struct lde_procinfo info;
	if (n <= 0)
		return -EINVAL;
	if (pid != -1) {
		struct proc *p = pid == 0 ? current : proc_by_pid(pid);
		if (!p)
			return -ESRCH;
		proc_fill_info(p, &info);
		int err = copyout(&current->mm, ubuf, &info, sizeof info);
		return err ? err : 1;
	}
	long count = 0;
	for (int i = 0; i < NPROC && count < n; i++) {
		if (proc_table[i].state == P_UNUSED)
			continue;
		proc_fill_info(&proc_table[i], &info);
		int err = copyout(&current->mm, ubuf + count * sizeof info, &info, sizeof info);
		if (err)
			return err;
		count++;
	}
	return count;
}

long sys_meminfo(uintptr_t ubuf)
{
	struct lde_meminfo mi = {
		.free_pages = palloc_free_pages(),
		.total_pages = palloc_total_pages(),
		.page_size = PGSIZE,
		.promised_pages = palloc_reserved_pages(),
		.files = (uint64_t)file_count(),
		.endpoints = (uint64_t)ep_count(),
		.ntfns = (uint64_t)ntfn_count(),
		.devices = (uint64_t)dev_count(),
		.idle_instret = sched_idle_instret,
	};
	return copyout(&current->mm, ubuf, &mi, sizeof mi);
}

/* Only init may stop the machine (the shell's poweroff leaves the login
 * shell, and init's exit powers off), and only while it is root: an init
 * that gave up root's rights gave this up too. */
long sys_poweroff(int status)
{
	if (!proc_is_init(current) || !proc_is_root(current))
		return -EPERM;
	arch_poweroff(status);
}

long sys_readdir(int index, uintptr_t ubuf, size_t len)
{
	struct cpio_file f;
	if (index < 0)
		return -EINVAL;
	int r = initrd_entry(index, &f);
	if (r <= 0)
		return r;
	const char *name = f.name;
	size_t namelen = f.namelen;
	if (namelen + 1 > len)
		return -ERANGE;
	char zero = 0;
	int err = copyout(&current->mm, ubuf, name, namelen);
	if (!err)
		err = copyout(&current->mm, ubuf + namelen, &zero, 1);
	return err ? err : (long)namelen;
}

long sys_tcsetpgrp(long fd, int pgrp)
{
	if (fd < 0 || fd >= NOFILE || !current->files[fd])
		return -EBADF;
	if (current->files[fd]->type != FILE_CONSOLE)
		return -EINVAL; /* POSIX says ENOTTY; lde has no such code */
	if (pgrp < 0)
		return -EINVAL;
	/* Ctrl-C then signals the group: only a caller that may signal every
	 * member may ask for that (so none but init a group init is in, and
	 * none but root another user's group). */
	for (int i = 0; pgrp && i < NPROC; i++) {
		struct proc *p = &proc_table[i];
		if (p->state != P_UNUSED && p->pgid == pgrp && !proc_may_signal(current, p))
			return -EPERM;
	}
	tty_set_foreground(pgrp);
	return 0;
}

/* Echo on or off, for whoever holds the console (as termios's ECHO is):
 * the previous setting, 1 or 0. */
long sys_tcsetecho(long fd, int on)
{
	if (fd < 0 || fd >= NOFILE || !current->files[fd])
		return -EBADF;
	if (current->files[fd]->type != FILE_CONSOLE)
		return -EINVAL;
	return tty_set_echo(on != 0);
}

long sys_setpgid(int pid, int pgid) { return proc_setpgid(pid, pgid); }

long sys_timeline(long op, long arg) { return timeline_control(op, arg); }

long sys_trace(long on)
{
	if (on)
		current->trace |= TRACE_PRINT;
	else
		current->trace &= ~TRACE_PRINT;
	return 0;
}

LEAF long sys_getuid(void) { return current->uid; }
LEAF long sys_geteuid(void) { return current->euid; }
LEAF long sys_getgid(void) { return current->gid; }
LEAF long sys_getegid(void) { return current->egid; }
long sys_setuid(long uid) { return proc_setuid(uid); }
long sys_setgid(long gid) { return proc_setgid(gid); }
long sys_seteuid(long uid) { return proc_seteuid(uid); }
long sys_setegid(long gid) { return proc_setegid(gid); }
