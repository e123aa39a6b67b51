/* POSIX signals (docs/signals.md): per-process pending and blocked sets,
 * handlers run in U-mode on a frame the kernel pushes on the user stack,
 * default actions (terminate, ignore, stop, continue), the restart of an
 * interrupted system call, and alarms.
 *
 * A signal is delivered only on the way back to U-mode: return_to_user_of
 * (trap.h) tests current->attention, which sig_ready is part of, so the
 * fast paths pay nothing for signals that are not there. A process with
 * sig_ready set is never asleep (posting wakes it), so the IPC fast paths,
 * which only hand messages to sleepers, never skip a delivery. */
#pragma once
#include "proc.h"

#define SIG_STOPS                                                                      \
	(LDE_SIGBIT(LDE_SIGSTOP) | LDE_SIGBIT(LDE_SIGTSTP) | LDE_SIGBIT(LDE_SIGTTIN) | \
	 LDE_SIGBIT(LDE_SIGTTOU))
/* Neither caught, blocked nor ignored. */
#define SIG_UNCATCHABLE (LDE_SIGBIT(LDE_SIGKILL) | LDE_SIGBIT(LDE_SIGSTOP))

void signal_init(void);

/* Send sig (1..LDE_NSIG-1) to p, as kill() does once permitted: SIGKILL
 * marks it killed; SIGCONT continues it; a signal p ignores is dropped;
 * anything else becomes pending, and, if p does not block it, interrupts
 * p's sleep. Does nothing to a zombie or a dying process. */
void signal_post(struct proc *p, int sig);

/* The way back to U-mode for current, attention set and not killed:
 * delivers what is pending and unblocked (a handler's frame, a default
 * action), decides whether an interrupted system call restarts. May stop
 * current (returns when it continues) or end it. */
void signal_deliver(void);

/* A fault in U-mode that stands for sig (SIGSEGV, SIGILL, SIGBUS...):
 * true if current catches sig and does not block it, which then is
 * pending, to be delivered on the way out; false if the fault must kill
 * as before. */
bool signal_fault(int sig);

/* fork: child gets parent's handlers, mask and ignored set, nothing
 * pending. */
static inline void signal_fork(struct proc *child, const struct proc *parent)
{
	child->sig_pending = 0;
	child->sig_suspended = false;
	child->sig_blocked = parent->sig_blocked;
	child->sig_ignored = parent->sig_ignored;
	child->sig_caught = parent->sig_caught;
	if (__builtin_expect(parent->sig_caught != 0, 0))
		for (int s = 1; s < LDE_NSIG; s++)
			child->act[s] = parent->act[s];
}

/* exec: caught signals go back to their defaults (the handlers are gone
 * with the old image); ignored ones stay ignored, the mask and what is
 * pending stay. */
static inline void signal_exec(struct proc *p) { p->sig_caught = 0; }

/* The state a system call interrupted by a signal returns -EINTR from:
 * keep the a0 it was called with, for a restart (the result will
 * overwrite it). */
void signal_note_eintr(struct proc *p);

/* The process left (exit): its alarm goes. */
void signal_exit(struct proc *p);

/* An alarm's timed-queue entry expired (sched.c's tick): post SIGALRM,
 * rearm a periodic one. */
void signal_alarm_expired(struct list *entry, uint64_t now);
/* Is entry an alarm's (not a sleeping process's)? */
bool signal_is_alarm(const struct list *entry);
