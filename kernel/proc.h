/* Processes. The table is fixed (NPROC slots); each slot owns a kernel
 * stack, allocated at boot, with the process's trapframe at its top.
 *
 * Single hart and interrupts off in the kernel: a field may be read or
 * written by any kernel code without locks. The comment on each field says
 * who changes it. */
#pragma once
#include "arch.h"
#include "list.h"
#include "uapi.h"
#include "vm.h"
#include <stdbool.h>
#include <stdint.h>

#define NPROC 64  /* process table size */
#define NOFILE 16 /* open descriptors per process */
#define INIT_PID 1
_Static_assert(NOFILE <= 16, "struct proc's cloexec has a bit per descriptor");

struct file;
struct endpoint;
struct ntfn;

/* struct proc's trace bits, inherited by fork and kept by exec. */
#define TRACE_PRINT 1	 /* print each system call (syscall.c, docs/trace.md) */
#define TRACE_TIMELINE 2 /* record events (timeline.c, docs/timeline.md) */

/* Where a new process starts, in its first swtch: trap_return, or
 * trap_return_rec while the timeline records (timeline.c). */
extern char *proc_start_pc;

enum proc_state {
	P_UNUSED = LDE_P_UNUSED,
	P_RUNNABLE = LDE_P_RUNNABLE, /* on the run queue */
	P_RUNNING = LDE_P_RUNNING,   /* current */
	P_SLEEPING = LDE_P_SLEEPING, /* on a wait queue or the timed queue */
	P_ZOMBIE = LDE_P_ZOMBIE,     /* exited; slot kept until wait() */
	P_STOPPED = LDE_P_STOPPED,   /* stopped by a signal (signal.c): on no list */
};

struct waitq {
	struct list sleepers;
	const char *name; /* shown by ps and Ctrl-P */
};

struct proc {
	/* The slot's own, set up at boot (proc_init) and kept when the slot
	 * is reused. */
	struct list link;     /* run queue, a waitq, or the timed queue (sched.c);
			       * empty whenever the slot is free or a zombie */
	uint64_t wake_at;     /* timed sleep deadline (arch_now units): next to
			       * link, as in every timed-queue entry (sched.h) */
	struct trapframe *tf; /* top of this slot's kernel stack */
	/* The process's FP registers while the FPU does not hold them
	 * (sched.c, the lazy FPU switch). Outside the part proc_alloc clears:
	 * meaningful only if fp_used, and written whole before that is set
	 * (first use: zeroes; fork: the parent's). */
	struct fpstate fp;

	/* The fair policy's virtual time (sched.c) is vbase + runtime * 1024 /
	 * weight of nice: CPU time at its weight, in arch_now() units of a
	 * nice-0 process, offset (modulo 2^64) where the policy placed it.
	 * Computed when a decision needs it, so that no switch pays for it.
	 * Outside the part proc_alloc clears: meaningful only once vplaced,
	 * and written whole when that is set. */
	uint64_t vbase;

	/* IPC (ipc.c, ntfn.c; docs/ipc.md): kept here, outside what
	 * proc_alloc clears, because every process leaves it idle when it
	 * exits (no call, no held request, no binding; ipc_server and ipc_ret
	 * mean nothing then), so fork need not clear it. ipc_token is set by
	 * proc_alloc. A blocked caller's whole message stays in its own
	 * trapframe (a0 the descriptor it called, a1 the info word with the
	 * descriptor it sends, a2..a5 the words) until a receiver takes it:
	 * its descriptor table cannot change while it waits. */
	/* The reply fast path tests the first two at once and clears all
	 * four with one store (ipc.c, sys_ipc_reply_recv). */
	union {
		struct {
			union {
				struct {
					uint8_t ipc_state;  /* enum ipc_state */
					uint8_t ipc_resume; /* blocked without a kernel stack,
							     * in: enum ipc_resume */
				};
				uint16_t ipc_state_resume;
			};
			uint8_t ipc_nleases; /* leases lent with the current call (ipc.c keeps them)
					      */
			uint8_t ipc_kernel;  /* the current call is the kernel's (ipc_kcall) */
		};
		uint32_t ipc_word;
	};
	uint32_t ipc_exit_refs;	 /* what exit must release: requests held, + 1 if bound */
	struct proc *ipc_server; /* IPC_REPLY: who holds the request */
	long ipc_ret;		 /* the result a waker leaves for a blocked process */
	long ipc_token;		 /* its reply token: LDE_TOKEN(pid, euid, egid, slot) */
	struct ntfn *bound_ntfn; /* consulted by recv */
	/* IPC_RESUME_KCALL (a kernel call that left its kernel stack,
	 * ipc_kcall_detached): what computes the system call's result when
	 * the answer comes, and the context it gets (vfs.c: the open file). */
	long (*ipc_kdone)(struct proc *p, long r, const uint64_t *w);
	void *ipc_kctx;
	/* Its receive buffer (ipc_buffer): a range of user addresses, len 0
	 * for none. fork clears it in the child, exec forgets it. */
	uint64_t ipc_rbuf, ipc_rbuf_len;

	/* The notes' real UID and GID, and the effective ones that decide
	 * what the process may do (proc_may_signal, proc_is_root): 16 bits
	 * each, as picolibc's uid_t and gid_t. Inherited by fork, kept by
	 * exec but for a set-user-ID or set-group-ID file's (exec.c), changed
	 * by setuid, setgid, seteuid and setegid (docs/users.md). Outside what
	 * proc_alloc clears, since every process has them from its creator:
	 * fork copies the one word, proc_spawn_init sets init's. */
	union {
		struct {
			uint16_t uid, gid, euid, egid;
		};
		uint64_t creds; /* the effective ids in the high half: the token's */
	};
	/* The parent sleeps here in wait(). Set up once at boot: nobody waits
	 * on a free slot's queue, so it is empty whenever the slot is reused. */
	struct waitq child_exit;

	/* Everything from here on is the process's: proc_alloc clears it
	 * (PROC_PER_PROCESS is its first field). */

	/* scheduler (sched.c) */
	enum proc_state state;
	struct context ctx; /* saved by swtch while not running */
	/* Set while SLEEPING. Kept after the wake-up, until the fair policy's
	 * next decision sees the process (sched.c, fair_pick): the mark that it
	 * slept, at no cost to the wake-up paths. Read only while SLEEPING by
	 * everything else. */
	struct waitq *waiting_on;

	/* identity (proc.c) */
	union {
		struct {
			int pgid; /* process group: Ctrl-C and kill(-pgid) */
			int nice; /* -20..19 (prio.c); fair policy: its share's weight */
		};
		uint64_t pgid_nice; /* fork copies both with one load and store */
	};
	int pid;
	/* The IPC fast paths test trace and fp_on with one load (slow_ipc):
	 * either sends them the general way, which switches the FPU out. */
	union {
		struct {
			uint8_t trace; /* TRACE_*: print each system call, record events */
			bool fp_on;    /* its FPU is on: the FPU holds its registers */
		};
		uint16_t slow_ipc;
	};
	bool fp_used; /* has used the FPU since exec: fp is its (sched.c) */
	bool vplaced; /* fair policy: has a virtual time (sched.c, place) */
	/* fork copies these four with one load and store. */
	union {
		struct {
			/* files (vfs.c, docs/files.md) */
			uint16_t umask;	  /* cleared from a new file's mode */
			uint16_t cloexec; /* bit fd: close descriptor fd at exec (FD_CLOEXEC) */
			/* The saved set-user-ID and set-group-ID (docs/users.md):
			 * the effective ids exec left, which setuid and seteuid
			 * may return to. 0 for init (proc_alloc clears them). */
			union {
				struct {
					uint16_t suid, sgid;
				};
				uint32_t saved; /* exec sets both with one store */
			};
		};
		uint64_t fork_copied;
	};
	struct proc *parent; /* re-pointed to init when the parent exits */
	char name[LDE_NAME_MAX] __attribute__((aligned(8))); /* fork copies it by words */

	/* resources */
	struct mm mm;
	struct file *files[NOFILE];
	/* The current directory (vfs.c): an absolute, normalized path in a
	 * page of its own, shared by fork (a reference) and replaced whole by
	 * chdir, so no process ever sees another's change; NULL is "/". exec
	 * keeps it, exit drops it. */
	char *cwd;

	/* lifecycle. attention is what the way back to U-mode tests
	 * (trap.h), one load for both: killed, set by SIGKILL (and the
	 * out-of-memory killer), and sig_ready, set while a signal is pending
	 * and not blocked (signal.c). Either interrupts a sleep (-EINTR). */
	union {
		struct {
			bool killed;
			bool sig_ready;
		};
		uint16_t attention;
	};
	int killsig;
	uint8_t wait_report; /* a stop or continue the parent has not waited for */
	uint8_t stop_sig;    /* the signal that stopped it */
	bool alarm_armed;    /* its alarm is in the timed queue (signal.c) */
	int exit_status;     /* wait() status word, valid in P_ZOMBIE */

	/* accounting (sched.c, syscall.c). CPU time is measured exactly at
	 * every switch; how it splits between U- and S-mode is sampled by the
	 * timer, as classic Unix does, which keeps clock reads off the
	 * system-call path. */
	uint64_t runtime;	 /* arch_now() units on the CPU, until run_start */
	uint64_t run_start;	 /* when it last got the CPU */
	uint64_t uticks, sticks; /* timer ticks that found it in U- / S-mode */
	bool tick_in_kernel;	 /* the pending tick arrived during kernel work */
	uint64_t syscalls, vcsw, ivcsw;
};

#define PROC_PER_PROCESS state

/* The caller's identity a file server is told (uapi_fs.h's LDE_FS_CRED):
 * the effective ids, which decide what a process may do to a file, as
 * POSIX has it. */
static inline uint32_t proc_uid(const struct proc *p) { return p->euid; }
static inline uint32_t proc_gid(const struct proc *p) { return p->egid; }

/* What wait_report says (waitpid's WUNTRACED and WCONTINUED). */
#define WAIT_REPORT_STOPPED 1
#define WAIT_REPORT_CONTINUED 2

extern struct proc proc_table[NPROC];
extern struct proc *current;

void proc_init(void);
/* The first process, from the initrd; panics-free: returns -errno. */
int proc_spawn_init(const char *path, int argc, char **argv);
long proc_fork(void);
void proc_exit(int status) __attribute__((noreturn));
long proc_wait(uint64_t ustatus);
/* waitpid(pid, status, options) as POSIX: pid > 0 that child, -1 any,
 * 0 the caller's group, < -1 group -pid; options LDE_WNOHANG,
 * LDE_WUNTRACED, LDE_WCONTINUED. */
long proc_waitpid(int pid, uint64_t ustatus, int options);
/* The kernel's own signals (Ctrl-C, the out-of-memory killer): pid > 0:
 * that process; pid < 0: every process in group -pid. */
int proc_kill(int pid, int sig);
/* kill() as a process asks for it: each target only if proc_may_signal
 * says so (EPERM if none may be), and -1 meaning every process but init
 * and the caller. */
int proc_kill_user(int pid, int sig);
bool proc_is_init(const struct proc *p);
/* May caller send a signal to target? The one permission rule of kill:
 * init only by init; otherwise root (euid 0) always, anyone else only a
 * process whose real or saved uid is its own real or effective uid. */
bool proc_may_signal(const struct proc *caller, const struct proc *target);
/* Has p root's rights (effective uid 0)? For the system-wide operations:
 * powering off, devices, another user's terminal group. */
static inline bool proc_is_root(const struct proc *p) { return p->euid == 0; }
/* Make p's reply token carry its present effective ids (fork, setuid). */
static inline void proc_token_creds(struct proc *p)
{
	uint64_t keep = ~(0xffffffffULL << 8); /* pid and slot */
	p->ipc_token = (long)(((uint64_t)p->ipc_token & keep) | (p->creds >> 32) << 8);
}
/* An id setuid or setgid may take: what uid_t and gid_t (16 bits in
 * picolibc) can hold, but (uid_t)-1, which means "no id". */
#define PROC_ID_MAX 65534
long proc_setuid(long uid);
long proc_setgid(long gid);
long proc_seteuid(long uid);
long proc_setegid(long gid);
int proc_setpgid(int pid, int pgid);
/* Kill the current process for a fault in U-mode, with one console line. */
void proc_fault(const char *cause, int sig, uint64_t pc, uint64_t addr) __attribute__((noreturn));
/* A page fault of the current process found no free page. The faulting
 * process is killed ("out of memory"), unless it is init: then the process
 * holding the most memory is killed instead and init retries, so that no
 * program can take the machine down by eating memory. Returns only in
 * that case. */
void proc_out_of_memory(uint64_t pc, uint64_t addr);
struct proc *proc_by_pid(int pid);
void proc_fill_info(struct proc *p, struct lde_procinfo *info);
void proc_dump(void);
