/* The system-call ABI shared by the kernel and user/lib: call numbers,
 * signals, and the structures system calls fill in. ecall with the number in
 * a7 and arguments in a0-a5; the result comes back in a0, a negative errno
 * (kernel/errno.h) on failure. */
#pragma once
#include <stdint.h>

#define SYS_exit 1
#define SYS_write 2
#define SYS_read 3
#define SYS_getpid 4
#define SYS_getppid 5
#define SYS_fork 6
#define SYS_wait 7
#define SYS_kill 8
#define SYS_exec 9
#define SYS_sbrk 10
#define SYS_yield 11
#define SYS_usleep 12
#define SYS_uptime 13
#define SYS_pipe 14
#define SYS_close 15
#define SYS_dup 16
#define SYS_procinfo 17
#define SYS_meminfo 18
#define SYS_poweroff 19
#define SYS_readdir 20
#define SYS_tcsetpgrp 21
#define SYS_setpgid 22
#define SYS_trace 23
#define NSYSCALLS 24

/* Signal numbers (the classic Unix ones, as picolibc defines them). lde has
 * no signal handlers: any signal but 0 terminates the target. */
#define LDE_SIGINT 2
#define LDE_SIGILL 4
#define LDE_SIGTRAP 5
#define LDE_SIGKILL 9
#define LDE_SIGBUS 10
#define LDE_SIGSEGV 11
#define LDE_SIGPIPE 13
#define LDE_SIGTERM 15
#define LDE_NSIG 32

/* wait() status words, in the encoding <sys/wait.h> decodes. */
#define LDE_W_EXITED(code) (((code) & 0xff) << 8)
#define LDE_W_SIGNALED(sig) ((sig) & 0x7f)

#define LDE_NAME_MAX 16
#define LDE_PATH_MAX 128
#define LDE_ARG_MAX 32	/* argv entries, the NULL excluded */
#define LDE_ARGS_BYTES 2048	/* all argv strings together */

enum lde_proc_state {
	LDE_P_UNUSED,
	LDE_P_RUNNABLE,
	LDE_P_RUNNING,
	LDE_P_SLEEPING,
	LDE_P_ZOMBIE,
};

/* procinfo(pid, buf, n): pid > 0 fills buf[0] for that process, pid 0 for
 * the caller, pid -1 fills up to n entries for every process. Returns the
 * number filled. Times are in microseconds. */
struct lde_procinfo {
	int32_t pid;
	int32_t ppid;
	int32_t state;	/* enum lde_proc_state */
	int32_t killed;
	int32_t pgid;
	int32_t pad;
	char name[LDE_NAME_MAX];
	char wchan[LDE_NAME_MAX];	/* what a sleeping process waits for */
	uint64_t cpu_us;	/* CPU time, measured at every context switch */
	uint64_t utime_us;	/* cpu_us split between U- and S-mode in the */
	uint64_t stime_us;	/* proportion of uticks to sticks */
	uint64_t ticks;		/* timer ticks that found it running: */
	uint64_t uticks;	/* in U-mode */
	uint64_t sticks;	/* in S-mode (or arrived while the kernel worked for it) */
	uint64_t syscalls;
	uint64_t vcsw;		/* voluntary context switches (blocked, yielded) */
	uint64_t ivcsw;		/* involuntary ones (preempted by the timer) */
	/* What the process makes the kernel hold, and what the out-of-memory
	 * killer compares: user pages (shared ones counted by each sharer),
	 * page tables, and the heap pages (and tables) sbrk promised. */
	uint64_t pages;
	uint64_t promised;	/* of pages, those promised and not yet taken */
};

struct lde_meminfo {
	uint64_t free_pages;
	uint64_t total_pages;
	uint64_t page_size;
	uint64_t promised_pages;	/* of free_pages, those promised (sbrk) */
};

/* readdir(index, buf, len): copies the NUL-terminated name of the
 * index-th file in the initrd and returns the name's length (never 0), or
 * 0 past the end. tcsetpgrp(fd, pgrp): the process group Ctrl-C interrupts (0: none).
 * trace(on): print every system call this process (and its future
 * children and images) makes; the format is in docs/trace.md. */
