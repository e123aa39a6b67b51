/* Synchronous IPC and notifications (docs/ipc.md): endpoints, call, recv,
 * reply, reply_recv, badges, leases, one descriptor per message, and
 * notification words that a process may bind to its recv. */
#pragma once
#include "proc.h"
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct endpoint;
struct ntfn;

/* A process's IPC state (struct proc's ipc_state). */
enum ipc_state {
	IPC_NONE,
	IPC_SEND,  /* in call, queued on an endpoint's senders */
	IPC_RECV,  /* in recv, queued on an endpoint's receivers */
	IPC_REPLY, /* in call, the request held by ipc_server */
	IPC_NTFN,  /* in ntfn_wait */
};

/* At boot: the page that records leases. Panics without memory. */
void ipc_init(void);

/* How a process blocked on the fast path, its kernel stack dropped, is to
 * finish its system call when it runs again (ipc_resume). */
/* The values are chosen for the fast paths (ipc.c), which store them
 * beside other fields: a call's IPC_RESUME_CALL equals the IPC_REPLY and
 * P_SLEEPING it stores too, a reply_recv's IPC_RESUME_RECV its IPC_RECV,
 * so one register holds both (an instruction less per round trip). */
enum ipc_resume {
	IPC_RESUME_NONE = 0,  /* it kept its kernel stack: swtch returns into it */
	IPC_RESUME_DONE = 1,  /* the result is in its trapframe already */
	IPC_RESUME_RECV = 2,  /* in recv or ntfn_wait: ipc_ret, or -EINTR if killed */
	IPC_RESUME_CALL = 3,  /* in call: call_finish */
	IPC_RESUME_KCALL = 4, /* in a detached kernel call: its ipc_kdone's result */
};

/* Drop current's kernel stack: when it next runs it resumes in ipc_resume,
 * as how says. For ntfn.c. */
void ipc_drop_stack(struct proc *me, int how);
/* Give the CPU to next, blocked in IPC, with result as its system call's
 * result: straight to U-mode if it blocked without its kernel stack. current
 * must be off the CPU's books already, have dropped its own stack, and have
 * its FPU off (slow_ipc clear: proc.h). */
void ipc_hand_over(struct proc *next, long result) __attribute__((noreturn));

/* Drop one file's reference; rx says the file could receive (unbadged).
 * When the last receiving file goes, the callers still queued fail with
 * -EPIPE; when the last file goes, the endpoint is freed. */
void ep_put(struct endpoint *ep, bool rx);
void ntfn_get(struct ntfn *n); /* a device's binding holds it */
void ntfn_put(struct ntfn *n);
int ep_count(void);
int ntfn_count(void);

/* proc.c's hook for a process about to exit with ipc_exit_refs (requests
 * held, a notification bound): the requests fail with -ECONNRESET, the
 * binding goes. */
void ipc_proc_exit(struct proc *p);

/* The notification a process is bound to: recv consults it (ntfn.c). */
bool ntfn_take_bound(struct proc *p, uint64_t *bits);
/* OR bits in from kernel code (an interrupt); the waiter, if any, runs next. */
void ntfn_signal_from_kernel(struct ntfn *n, uint64_t bits);
void ntfn_unbind(struct proc *p);

/* Install f at the lowest free descriptor of p. fd or -EMFILE. */
int ipc_fd_install(struct proc *p, struct file *f);

/* The number of the endpoint current's descriptor fd names, or -1 (the
 * event timeline's IPC events, timeline.c). */
int ipc_endpoint_of(long fd);
/* Calls the kernel makes for current (the file forwarding of vfs.c):
 * a lease is a range of current's memory (flags LDE_LEASE_READ/WRITE, as
 * a user lends it) or a kernel buffer that stays put until the call
 * returns (IPC_KLEASE_KERNEL_R: the server may read it; _W: also write). */
#define IPC_KLEASE_KERNEL_R 0x100
#define IPC_KLEASE_KERNEL_W 0x200
struct ipc_klease {
	uint64_t addr, len;
	unsigned flags;
};
/* Call ep with the label in info (no descriptor), the words w[0..3] and
 * the leases, as badge shows, and block as an ordinary caller until the
 * server answers. The answer's words replace w[]. Returns the answer's
 * info word, or -EPIPE (nobody can receive), -ECONNRESET (the server died
 * holding it), -EINTR (current was killed), -EFAULT (a user lease outside
 * user memory). *received says whether a server that is still alive got
 * the request (answered it, or holds it). The system call's registers are
 * left as they were. */
long ipc_kcall(struct endpoint *ep, uint64_t badge, uint64_t info, uint64_t w[4],
	       const struct ipc_klease *kl, int nleases, bool *received);
/* The detached form of ipc_kcall, for a system call whose last act is a
 * call with the words w[0..3] and one user lease (flags LDE_LEASE_*): if a
 * server waits on ep and current may take the fast path (not traced, its
 * FPU off), the request goes to it at once and current leaves its kernel
 * stack behind, as a user's call on the fast path does; it returns to
 * U-mode with done(current, r, w) as its system call's result when the
 * answer comes. done gets r, the answer's info word, and w, its words
 * with the lease's length after them (w[4], a bound on what the server
 * says it wrote); or
 * a negative r, as ipc_kcall returns (-ECONNRESET, -EINTR, or -EFAULT: the
 * answer's data missed a page of the lease) and w NULL. done is called
 * exactly once, with interrupts off, in whatever process answers (or
 * fails) the call: it may use p and ctx (p->ipc_kctx), not current.
 * Returns only when it cannot: nothing done, the caller goes on with
 * ipc_kcall. */
void ipc_kcall_detached(struct endpoint *ep, uint64_t badge, uint64_t info, const uint64_t w[4],
			const struct ipc_klease *l,
			long (*done)(struct proc *p, long r, const uint64_t *w), void *ctx);
/* Whether a catchable signal must leave p asleep: p is in a kernel call
 * (a file call) that a server holds. The server may have acted on it
 * already (an appending write), so the call is not interrupted and run
 * again, as POSIX has it for regular files: the signal is delivered when
 * the answer comes. SIGKILL still ends it (signal.c). */
static inline bool ipc_call_holds_signals(const struct proc *p)
{
	return p->ipc_kernel && p->ipc_state == IPC_REPLY;
}
/* Queue f's CLOSE on ep (LDE_FS_CLOSE, no answer): the next recv on ep
 * takes it, or a receiver waiting now does. f's slot stays taken until
 * then, and its reference on ep; f->close_next is ep's. Never blocks. */
void ep_post_close(struct endpoint *ep, struct file *f);
void ep_get(struct endpoint *ep); /* a reference held by a remote file */
bool ep_can_receive(const struct endpoint *ep);

/* The system calls' handlers are declared in syscall.h (syscalls.def). */

/* The arguments of an IPC call that sends a message, for the system-call
 * trace: "3, label=5, 0x1, 2, 3, 4" (with leases=N, fd=N when present).
 * args are a0..a5. Characters written, or -1 for any other call. */
int ipc_trace_args(char *buf, size_t size, uint64_t nr, const uint64_t args[6]);
