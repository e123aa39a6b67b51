/* The system-call ABI shared by the kernel and user/lib: call numbers
 * (generated from the list in syscalls.def), signals, and the structures
 * system calls fill in. ecall with the number in a7 and arguments in a0-a5;
 * the result comes back in a0, a negative errno (kernel/errno.h) on
 * failure. */
#pragma once
#include <stdint.h>

/* ---- Expanding the list of system calls (kernel/syscalls.def) ----
 * Each entry's arguments come as type, name pairs (nargs of them):
 *   SYSCALL_PARAMS(nargs, M, pairs...)  a parameter list: "M(type1) name1,
 *                                       M(type2) name2" (M maps the type), or
 *                                       "void"
 *   SYSCALL_EACH(nargs, M, pairs...)    M(type, name) for each pair, with
 *                                       nothing in between */
#define SYSCALL_PARAMS(n, M, ...) SYSCALL_PARAMS_##n(M, __VA_ARGS__)
#define SYSCALL_PARAMS_0(M, ...) void
#define SYSCALL_PARAMS_1(M, t, a) M(t) a
#define SYSCALL_PARAMS_2(M, t, a, ...) M(t) a, SYSCALL_PARAMS_1(M, __VA_ARGS__)
#define SYSCALL_PARAMS_3(M, t, a, ...) M(t) a, SYSCALL_PARAMS_2(M, __VA_ARGS__)
#define SYSCALL_PARAMS_4(M, t, a, ...) M(t) a, SYSCALL_PARAMS_3(M, __VA_ARGS__)
#define SYSCALL_PARAMS_5(M, t, a, ...) M(t) a, SYSCALL_PARAMS_4(M, __VA_ARGS__)
#define SYSCALL_PARAMS_6(M, t, a, ...) M(t) a, SYSCALL_PARAMS_5(M, __VA_ARGS__)
#define SYSCALL_EACH(n, M, ...) SYSCALL_EACH_##n(M, __VA_ARGS__)
#define SYSCALL_EACH_0(M, ...)
#define SYSCALL_EACH_1(M, t, a) M(t, a)
#define SYSCALL_EACH_2(M, t, a, ...) M(t, a) SYSCALL_EACH_1(M, __VA_ARGS__)
#define SYSCALL_EACH_3(M, t, a, ...) M(t, a) SYSCALL_EACH_2(M, __VA_ARGS__)
#define SYSCALL_EACH_4(M, t, a, ...) M(t, a) SYSCALL_EACH_3(M, __VA_ARGS__)
#define SYSCALL_EACH_5(M, t, a, ...) M(t, a) SYSCALL_EACH_4(M, __VA_ARGS__)
#define SYSCALL_EACH_6(M, t, a, ...) M(t, a) SYSCALL_EACH_5(M, __VA_ARGS__)

/* The call numbers: SYS_exit, SYS_write... */
enum {
#define SYSCALL(nr, name, ...) SYS_##name = nr,
#include "syscalls.def"
#undef SYSCALL
};

/* One past the highest number. Numbers are 1, 2, 3... in list order (0
 * is no call), so the tables indexed by them have no holes and no call
 * can take another's number. */
enum {
	SYSCALL_POS_NONE_,
#define SYSCALL(nr, name, ...) SYSCALL_POS_##name,
#include "syscalls.def"
#undef SYSCALL
	NSYSCALLS
};
#define SYSCALL(nr, name, ...)                   \
	_Static_assert(nr == SYSCALL_POS_##name, \
		       "syscalls.def: " #name "'s number is out of order");
#include "syscalls.def"
#undef SYSCALL

/* Signal numbers: picolibc's (<sys/signal.h>), so that a program's
 * SIGTSTP is the kernel's (user/lib/signal.c checks every one at build
 * time). Semantics and defaults: docs/signals.md. */
#define LDE_SIGHUP 1
#define LDE_SIGINT 2
#define LDE_SIGQUIT 3
#define LDE_SIGILL 4
#define LDE_SIGTRAP 5
#define LDE_SIGABRT 6
#define LDE_SIGEMT 7
#define LDE_SIGFPE 8
#define LDE_SIGKILL 9
#define LDE_SIGBUS 10
#define LDE_SIGSEGV 11
#define LDE_SIGSYS 12
#define LDE_SIGPIPE 13
#define LDE_SIGALRM 14
#define LDE_SIGTERM 15
#define LDE_SIGURG 16
#define LDE_SIGSTOP 17
#define LDE_SIGTSTP 18
#define LDE_SIGCONT 19
#define LDE_SIGCHLD 20
#define LDE_SIGTTIN 21
#define LDE_SIGTTOU 22
#define LDE_SIGIO 23
#define LDE_SIGXCPU 24
#define LDE_SIGXFSZ 25
#define LDE_SIGVTALRM 26
#define LDE_SIGPROF 27
#define LDE_SIGWINCH 28
#define LDE_SIGLOST 29
#define LDE_SIGUSR1 30
#define LDE_SIGUSR2 31
#define LDE_NSIG 32
#define LDE_SIGBIT(sig) (1ULL << (sig))

/* sigaction(sig, act, oldact, restorer): act and oldact are this struct,
 * laid out as picolibc's struct sigaction (handler, mask, flags); restorer
 * is the user code the handler returns to, which must call sigreturn
 * (user/lib/signal.c). handler 0 is SIG_DFL, 1 SIG_IGN. */
struct lde_sigaction {
	uint64_t handler;
	uint64_t mask;
	int32_t flags;
	int32_t pad;
};
#define LDE_SIG_DFL 0
#define LDE_SIG_IGN 1
#define LDE_SA_NOCLDSTOP 0x1 /* picolibc's value */
#define LDE_SA_RESTART 0x10
#define LDE_SA_NODEFER 0x20
#define LDE_SA_RESETHAND 0x40
#define LDE_SA_FLAGS (LDE_SA_NOCLDSTOP | LDE_SA_RESTART | LDE_SA_NODEFER | LDE_SA_RESETHAND)
/* sigprocmask(how, set, oldset): picolibc's values. */
#define LDE_SIG_SETMASK 0
#define LDE_SIG_BLOCK 1
#define LDE_SIG_UNBLOCK 2

/* The signal frame the kernel pushes on the user stack before running a
 * handler, sp pointing at it (docs/signals.md). The handler is called as
 * handler(signo, NULL, frame) with ra = the restorer; sigreturn() takes
 * the frame back from sp. regs[0] is the interrupted pc, regs[1..31]
 * x1..x31; fregs and fcsr only if flags has LDE_SF_FP. A frame that
 * sigreturn is given is checked: unknown flags, or a pc outside the user
 * half, kill the process. */
struct lde_sigframe {
	uint64_t regs[32];
	uint64_t flags;
	uint64_t mask; /* the signal mask to restore */
	uint64_t signo;
	uint64_t pad;
	uint64_t fregs[32];
	uint64_t fcsr;
	uint64_t pad2;
};
#define LDE_SF_FP 1 /* the FP registers are in the frame */

/* wait() status words, in the encoding <sys/wait.h> decodes: the signal
 * that killed the process in the low 7 bits, else the exit code in the
 * next byte; a stopped child 0x7f with the signal in the next byte; a
 * continued one 0xffff (user/lib/syscalls.c checks picolibc's macros
 * agree). */
#define LDE_W_SIGMASK 0x7f
#define LDE_W_CODESHIFT 8
#define LDE_W_CODEMASK 0xff
#define LDE_W_EXITED(code) (((code)&LDE_W_CODEMASK) << LDE_W_CODESHIFT)
#define LDE_W_SIGNALED(sig) ((sig)&LDE_W_SIGMASK)
#define LDE_W_TERMSIG(status) ((status)&LDE_W_SIGMASK) /* 0: it exited */
#define LDE_W_EXITCODE(status) (((status) >> LDE_W_CODESHIFT) & LDE_W_CODEMASK)
#define LDE_W_STOPPED(sig) ((((sig)&LDE_W_CODEMASK) << LDE_W_CODESHIFT) | 0x7f)
#define LDE_W_CONTINUED 0xffff
/* waitpid options: picolibc's WNOHANG and WUNTRACED, Linux's WCONTINUED. */
#define LDE_WNOHANG 1
#define LDE_WUNTRACED 2
#define LDE_WCONTINUED 8

#define LDE_NAME_MAX 16
#define LDE_PATH_MAX 128
#define LDE_ARG_MAX 32	    /* argv entries, the NULL excluded */
#define LDE_ARGS_BYTES 2048 /* all argv strings together */
/* A line read from the console (kernel/tty.c) has at most this many
 * characters before its newline: keys past them are dropped, with a bell.
 * A reader whose own limit is lower knows a line was cut (user/sh.c). */
#define LDE_TTY_LINE_MAX 256

enum lde_proc_state {
	LDE_P_UNUSED,
	LDE_P_RUNNABLE,
	LDE_P_RUNNING,
	LDE_P_SLEEPING,
	LDE_P_ZOMBIE,
	LDE_P_STOPPED,
};

/* procinfo(pid, buf, n): pid > 0 fills buf[0] for that process, pid 0 for
 * the caller, pid -1 fills up to n entries for every process. Returns the
 * number filled. Times are in microseconds. */
struct lde_procinfo {
	int32_t pid;
	int32_t ppid;
	int32_t state; /* enum lde_proc_state */
	int32_t killed;
	int32_t pgid;
	/* The real user and group ids, 16 bits as picolibc's uid_t and gid_t
	 * (the effective ones equal them: setuid and setgid change both, and
	 * there are no set-user-ID programs). */
	uint16_t uid;
	uint16_t gid;
	char name[LDE_NAME_MAX];
	char wchan[LDE_NAME_MAX]; /* what a sleeping process waits for */
	uint64_t cpu_us;	  /* CPU time, measured at every context switch */
	uint64_t utime_us;	  /* cpu_us split between U- and S-mode in the */
	uint64_t stime_us;	  /* proportion of uticks to sticks */
	uint64_t ticks;		  /* timer ticks that found it running: */
	uint64_t uticks;	  /* in U-mode */
	uint64_t sticks;	  /* in S-mode (or arrived while the kernel worked for it) */
	uint64_t syscalls;
	uint64_t vcsw;	/* voluntary context switches (blocked, yielded) */
	uint64_t ivcsw; /* involuntary ones (preempted by the timer) */
	/* What the process makes the kernel hold, and what the out-of-memory
	 * killer compares: user pages (shared ones counted by each sharer),
	 * page tables, and the heap pages (and tables) sbrk promised. */
	uint64_t pages;
	uint64_t promised; /* of pages, those promised and not yet taken */
	int32_t nice;	   /* -20..19 */
	int32_t pri;	   /* LDE_NZERO + nice: 0 the most favoured, 39 the least */
	uint64_t vtime_us; /* fair policy: virtual time (CPU time / weight of nice) */
};

/* Priorities (kernel/prio.c). nice(incr) and getpriority(which, who) return
 * LDE_NZERO + the nice value, never negative, so that a nice value below 0
 * is not taken for an error; the C library subtracts it again. */
#define LDE_NZERO 20
#define LDE_NICE_MIN (-20)
#define LDE_NICE_MAX 19
#define LDE_PRIO_PROCESS 0 /* who: a pid, 0 the caller */
#define LDE_PRIO_PGRP 1	   /* who: a process group, 0 the caller's */
#define LDE_PRIO_USER 2	   /* who: a real user id */

struct lde_meminfo {
	uint64_t free_pages;
	uint64_t total_pages;
	uint64_t page_size;
	uint64_t promised_pages; /* of free_pages, those promised (sbrk) */
	uint64_t files;		 /* kernel objects in use, for leak checks: open files, */
	uint64_t endpoints;	 /* IPC endpoints, */
	uint64_t ntfns;		 /* notifications, */
	uint64_t devices;	 /* devices open by a driver */
	/* Instructions the idle loop retired waiting, when the wait ended
	 * with nothing to run (timer ticks while idle): what a benchmark
	 * subtracts to leave out time spent waiting for a device. */
	uint64_t idle_instret;
};

/* readdir(index, buf, len): copies the NUL-terminated name of the
 * index-th file in the initrd and returns the name's length (never 0), or
 * 0 past the end. tcsetpgrp(fd, pgrp): the process group Ctrl-C interrupts (0: none).
 * trace(on): print every system call this process (and its future
 * children and images) makes; the format is in docs/trace.md.
 * timeline(op, arg): the event timeline (docs/timeline.md): TL_OP_ON
 * records this process's (and its future children's) events, TL_OP_OFF
 * stops, TL_OP_DUMP prints the buffer on the console, TL_OP_MARK records
 * a mark with arg. */
#define LDE_TL_OP_OFF 0
#define LDE_TL_OP_ON 1
#define LDE_TL_OP_DUMP 2
#define LDE_TL_OP_MARK 3

/* IPC (docs/ipc.md). A message is an info word and four data words, all in
 * registers. The info word carries the label (low 32 bits), the number of
 * leases the caller lends, and the descriptor that travels with it:
 *   ipc_call(fd, info, w0, w1, w2, w3), a6 = leases (struct lde_lease[])
 *     -> a0 = the reply's info or -errno, a2..a5 = its words
 *   ipc_recv(fd) -> a0 = info or -errno, a1 = badge, a2..a5 = words,
 *     a6 = the caller's reply token
 *   ipc_reply(token, info, w0, w1, w2, w3) -> 0, always
 *   ipc_reply_recv(fd, info, w0, w1, w2, w3), a6 = token -> as ipc_recv
 * The reply token names the caller, and tells the server who it is: bits
 * 0-7 its process-table slot, 8-23 its effective uid, 24-39 its effective
 * gid, 40-62 the low 23 bits of its pid (LDE_TOKEN). The kernel made it:
 * a caller cannot forge its ids (docs/users.md).
 * On the way in, info's descriptor field names the sender's fd + 1 (0: none);
 * on the way out, the fd it was installed at in the receiver, + 1.
 * ipc_call leaves a1, a6 and a7 as they were; every call leaves a7. */
#define LDE_TOKEN_SLOT(token) ((uint32_t)((uint64_t)(token)&0xff))
#define LDE_TOKEN_UID(token) ((uint32_t)(((uint64_t)(token) >> 8) & 0xffff))
#define LDE_TOKEN_GID(token) ((uint32_t)(((uint64_t)(token) >> 24) & 0xffff))
#define LDE_TOKEN_PID_BITS 23
#define LDE_TOKEN_PID(token) \
	((uint32_t)(((uint64_t)(token) >> 40) & ((1ULL << LDE_TOKEN_PID_BITS) - 1)))
#define LDE_TOKEN(pid, uid, gid, slot)                                    \
	((((uint64_t)(pid) & ((1ULL << LDE_TOKEN_PID_BITS) - 1)) << 40) | \
	 ((uint64_t)(gid)&0xffff) << 24 | ((uint64_t)(uid)&0xffff) << 8 | ((uint64_t)(slot)&0xff))
#define LDE_MSG_NLEASES_SHIFT 32 /* the lease count's field: bits 32-39 */
#define LDE_MSG_CAP_SHIFT 40	 /* the descriptor's field: bits 40-47 */
#define LDE_MSG_LABEL(info) ((uint32_t)(info))
#define LDE_MSG_NLEASES(info) (((info) >> LDE_MSG_NLEASES_SHIFT) & 0xff)
#define LDE_MSG_CAP(info) ((int)(((info) >> LDE_MSG_CAP_SHIFT) & 0xff) - 1) /* -1: none */
#define LDE_MSG_INFO(label, nleases, capfd)                                           \
	((uint64_t)(uint32_t)(label) | (uint64_t)(nleases) << LDE_MSG_NLEASES_SHIFT | \
	 (uint64_t)((capfd) + 1) << LDE_MSG_CAP_SHIFT)
#define LDE_MSG_CAP_LOST (1ULL << 48)	   /* a descriptor was sent; the table was full */
#define LDE_MSG_NTFN (1ULL << 49)	   /* recv returned the bound notification: w0 = bits */
#define LDE_MSG_INLINE0 (1ULL << 50)	   /* lease 0's bytes are in the receive buffer */
#define LDE_MSG_IN_MASK ((1ULL << 48) - 1) /* what a sender may set */

#define LDE_LEASE_MAX 4
#define LDE_LEASE_READ 1  /* the server may read it */
#define LDE_LEASE_WRITE 2 /* the server may write it */
struct lde_lease {
	uint64_t addr;
	uint64_t len;
	uint64_t flags;
};

/* lease_writev(token, idx, off, iov, n): lease_write of the n ranges
 * (at most LDE_IOV_MAX) one after another into lease idx from byte off:
 * one call where a file server would make one per cached block. Bytes
 * written, or -errno: EINVAL for a bad n or a range past the lease,
 * checked before anything is written; a page missing midway ends it with
 * the ranges before it written. */
#define LDE_IOV_MAX 16
struct lde_iov {
	uint64_t addr;
	uint64_t len;
};

/* A reply may carry data into one of the caller's leases, in place of the
 * lease_write or lease_writev before it: the info word's lease field gives
 * n ranges (1..LDE_IOV_MAX) of the replier's memory, w3 the address of
 * their struct lde_iov array and w2 where they go, LDE_MSG_DATA_AT(lease,
 * byte). The kernel writes them one after another before the caller runs
 * again; the caller's w3 is then the number of bytes written. The replier's
 * own mistakes (a bad n or array, a lease not lent or not writable, ranges
 * past its end) fail its reply (EINVAL, EFAULT, EACCES) before anything is
 * written, and the caller stays held; a page missing midway, on either
 * side, makes the caller's call return EFAULT (ENOMEM if memory ran out
 * copying a page), and the reply still counts as given. */
/* ipc_buffer(addr, len): the receive buffer of current (0, 0: none). When
 * the kernel calls a server (a file call, kernel/vfs.c) whose lease 0 is
 * the kernel's own, read-only (a path), and the server has a receive
 * buffer it fits in, recv delivers those bytes there, already copied, and
 * sets LDE_MSG_INLINE0 in the info word: the server need not lease_read
 * them. Without the flag (too long, the buffer's page not there or not
 * yet written to), the lease is there as usual. fork does not pass the
 * buffer on; exec forgets it. EFAULT for a range outside user memory. */
#define LDE_MSG_DATA_AT(lease, off) ((uint64_t)(off) << 8 | (uint64_t)(lease))
#define LDE_MSG_DATA_LEASE(at) ((uint32_t)((at)&0xff))
#define LDE_MSG_DATA_OFF(at) ((uint64_t)(at) >> 8)

/* ipc_caller(token, &creds): who made the call a server holds (token as
 * recv returned it): its whole pid and its real and effective ids, as they
 * were at the call (a caller cannot change them while it waits), for a
 * server that needs more than the token tells. ESRCH if the token names no
 * request the server holds. */
struct lde_creds {
	int32_t pid;
	uint32_t uid;
	uint32_t euid;
	uint32_t gid;
	uint32_t egid;
	int32_t pad;
};

/* Notification words: bit 63 is never set (results are non-negative). */
#define LDE_NTFN_BITS (~0ULL >> 1)

/* Devices (docs/ipc.md, "Devices"). dev_dma's second argument: DMA block
 * i of the device, npages physically contiguous pages (0 or 1: one page,
 * as before counts existed; at most LDE_DEV_DMA_MAX_PAGES). */
#define LDE_DEV_DMA(i, npages) ((uint64_t)(i) | (uint64_t)(npages) << 8)
#define LDE_DEV_DMA_BLOCKS 8
#define LDE_DEV_DMA_MAX_PAGES 16
/* dev_info(fd, info): what the kernel knows of an open device. */
struct lde_devinfo {
	uint64_t regs_pa, regs_size; /* the register window dev_map maps */
	uint64_t irq;		     /* its interrupt source (PLIC number) */
	uint64_t irqs;		     /* interrupts taken since boot */
	/* The instruction count (rdinstret) at the first instruction of the
	 * trap of the last interrupt, if it was taken while the CPU idled,
	 * else 0: a driver woken by it measures the wake-up (bench). */
	uint64_t irq_instret;
	uint64_t dma_pages; /* DMA pages the device holds */
};
#include "uapi_fs.h"
