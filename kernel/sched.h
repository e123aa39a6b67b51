/* Scheduling: a FIFO run queue, direct process-to-process switching, an
 * idle context for when nothing can run, wait queues and timed sleep.
 *
 * Interrupt rule: the kernel runs with interrupts disabled from trap entry
 * to sret; only the idle loop enables them, around wfi. So a timer
 * interrupt can never land in the middle of kernel work: it stays pending
 * and is taken the moment the process is back in U-mode (or in idle). That
 * makes every function here atomic, and checking a condition then sleeping
 * can never lose a wake-up. The exceptions are named: sleeping, and the
 * preemption points of long system calls (sched_preempt_point). */
#pragma once
#include "hooks.h"
#include "proc.h"

extern uint64_t sched_quantum; /* arch_now() units */

/* What the end of a quantum decides (sched.c; docs/scheduling.md). */
enum sched_policy {
	SCHED_FAIR, /* weighted fair sharing by nice value (the default) */
	SCHED_RR,   /* round robin: current to the back of the queue */
};
extern enum sched_policy sched_policy;

void sched_init(uint64_t quantum_ms);
/* Instructions the idle loop retired in waits after which nothing could
 * run (docs/performance.md, blk_read_4k). */
extern uint64_t sched_idle_instret;

/* The kernel parameter sched=POLICY ("fair" or "rr"): 0, or -EINVAL. */
int sched_param(const char *policy);
/* Set p's nice value (prio.c has checked it); CPU time until now counts at
 * the old weight. */
void sched_set_nice(struct proc *p, int nice);
/* p's virtual time, brought up to date (procinfo). */
uint64_t sched_vtime(struct proc *p);
/* Start scheduling; the boot stack becomes the idle context. */
void sched_start(void) __attribute__((noreturn));
void sched_make_runnable(struct proc *p);
/* Give up the CPU; current stays runnable. Voluntary. */
void sched_yield(void);
/* Preempt current at the end of its quantum. Involuntary. */
void sched_preempt(void);
/* Switch away from current, which is no longer runnable (zombie). */
void sched_exit(void) __attribute__((noreturn));
/* Give the CPU straight to next, which was blocked (SLEEPING, on no list),
 * without going through the run queue: IPC's direct hand-off. current must
 * already be off the CPU's books (SLEEPING, or queued runnable). Returns
 * when current runs again. */
void sched_switch_to(struct proc *next);
/* sched_switch_to's bookkeeping alone: afterwards current is next, with its
 * address space active; the caller transfers control to it itself. Inline:
 * it is most of the IPC fast path's switch. */
/* Save prev's FP registers if dirty and turn its FPU off. */
void sched_fpu_switch_out(struct proc *prev);
/* sched_hand_over for a current whose FPU is off: the IPC fast paths, which
 * leave a current with fp_on to the general way (proc.h, slow_ipc), and so
 * need no test here. */
static inline __attribute__((always_inline)) void sched_hand_over_fpu_off(struct proc *next)
{
	struct proc *prev = current;
	uint64_t now = arch_now();
	prev->vcsw++;
	prev->runtime += now - prev->run_start;
	next->state = P_RUNNING; /* waiting_on is read only while SLEEPING */
	next->run_start = now;
	current = next;
	/* Two processes never share a page table (no threads). */
	arch_activate_inline(next->mm.pt);
}
static inline __attribute__((always_inline)) void sched_hand_over(struct proc *next)
{
	/* The FPU goes with the CPU (sched.c's lazy switch). */
	if (__builtin_expect(current->fp_on, 0))
		sched_fpu_switch_out(current);
	sched_hand_over_fpu_off(next);
}
/* current stays runnable, first in line; next (as above) runs now. */
void sched_yield_to(struct proc *next);
/* Make p runnable, first in line. */
void sched_queue_front(struct proc *p);
/* current, already SLEEPING and queued where it waits, with a context set
 * up to resume it (IPC: ipc_resume_entry), gives up the CPU; what its
 * kernel stack holds is dropped. */
void sched_block_dropped(void) __attribute__((noreturn));
/* In an interrupt's handler in the idle loop (current NULL): p, woken
 * (still SLEEPING, on no list) and blocked without its kernel stack, runs
 * now, straight from the trap: no return to the idle loop, no swtch (the
 * direct hand-off of docs/ipc.md, for interrupts). */
void sched_run_from_idle(struct proc *p) __attribute__((noreturn));

/* The FP registers (the lazy switch, sched.c), for a current that has
 * used them (fp_used; the callers test it, to keep fork and exec cheap for
 * the others). fork: child gets a copy of them as they are now. exec: p's
 * become zero, as a new process's. */
void sched_fpu_fork(struct proc *child);
/* current executed an FP instruction with its FPU off (arch.h, floating
 * point): give it its FP registers and turn the FPU on, for the
 * instruction's retry. */
void sched_fpu_fault(void);
void sched_fpu_exec(struct proc *p);
/* A signal frame's FP part (signal.c), for current: its registers into
 * *out if it has used the FPU (false if not); and back, from a frame
 * (in NULL: the interrupted code had not used the FPU). */
bool sched_fpu_to_frame(struct fpstate *out);
void sched_fpu_from_frame(const struct fpstate *in);

/* An entry of the timed queue, sorted by at: a sleeping process (its link
 * and wake_at) or an alarm (signal.c). The tick takes expired ones off. */
struct timed {
	struct list link;
	uint64_t at;
};
void sched_timed_add(struct timed *t);
/* current stops (signal.c): it leaves the CPU, on no list, until
 * sched_continue (or SIGKILL's sched_interrupt_sleep) makes it runnable. */
void sched_stop(void);
void sched_continue(struct proc *p);

void waitq_init(struct waitq *q, const char *name);
/* Sleep on q until woken. Returns 0, or -EINTR if the process was killed
 * (it is then woken early, and the caller must unwind). */
int sleep_on(struct waitq *q);
void wake_sleepers(struct waitq *q); /* wake_all's body */
/* Wake every sleeper on q, in the order they came. */
static inline void wake_all(struct waitq *q)
{
	/* Often nobody sleeps there: then not even a call. */
	if (!list_empty(&q->sleepers))
		wake_sleepers(q);
}
/* Wake the longest sleeper on q (sleepers queue in arrival order); the
 * process woken, or NULL if nobody sleeps there. */
struct proc *wake_one(struct waitq *q);
/* Sleep until arch_now() >= when. 0, or -EINTR if killed. */
int sleep_until(uint64_t when);
/* Wake a sleeping process early (a signal; a stopped one: SIGKILL). */
void sched_interrupt_sleep(struct proc *p);

/* A preemption point inside a long system call (the interrupt rule keeps
 * the timer from taking the CPU back in the kernel): if a timer tick is
 * pending, it is handled here, and if current's quantum is over, current
 * gives up the CPU as if it had been preempted in U-mode, and gets it back
 * on its next turn. The caller must leave nothing half-done that another
 * process could see, and on return must allow for everything that can
 * happen meanwhile, current->killed included. Cheap when no tick is
 * pending: one CSR read. Returns true if a tick was pending (current may
 * have been switched out and killed meanwhile): the caller checks what it
 * must then. The slow path, sched_preempt_pending, is an up-call
 * (hooks.h): arch/'s page-table walks have preemption points too. */
static inline bool sched_preempt_point(void)
{
	if (__builtin_expect(arch_timer_pending(), 0)) {
		sched_preempt_pending();
		return true;
	}
	return false;
}
