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
#include "sched.h"

/* A process's signal state, in its slot's area above the trapframe
 * (arch_slot_area): owned by the slot from boot, so it costs the process
 * table and boot nothing. Written whole by proc_spawn_init and fork before
 * anyone reads it. Sets are masks of LDE_SIGBIT(sig), sig 1..31. */
struct sigact {
	uint64_t handler, restorer;
	uint32_t mask;
	int32_t flags;
};
struct sigstate {
	struct sigmasks { /* fork copies these as one block */
		uint32_t blocked;
		uint32_t ignored; /* SIG_IGN set */
		uint32_t caught;  /* a handler set: act[sig] means something */
		uint32_t unused;
	} m;
	union { /* fork clears these with one store */
		struct {
			uint32_t pending;
			uint32_t suspended; /* in sigsuspend: saved_mask is the caller's */
		};
		uint64_t transient;
	};
	uint32_t saved_mask;
	uint64_t a0; /* an interrupted system call's a0, for its restart */
	/* The alarm: a timed-queue entry while the proc's alarm_armed. */
	struct timed alarm;
	uint64_t alarm_interval; /* arch_now units; 0: one-shot */
	struct sigact act[LDE_NSIG];
};
_Static_assert(sizeof(struct sigstate) <= ARCH_SLOT_AREA, "the signal state fits the slot area");

static inline struct sigstate *sig_of(const struct proc *p)
{
	return (struct sigstate *)arch_slot_area(p->tf);
}

#define SIG_STOPS                                                                      \
	(LDE_SIGBIT(LDE_SIGSTOP) | LDE_SIGBIT(LDE_SIGTSTP) | LDE_SIGBIT(LDE_SIGTTIN) | \
	 LDE_SIGBIT(LDE_SIGTTOU))
/* Neither caught, blocked nor ignored. */
#define SIG_UNCATCHABLE (LDE_SIGBIT(LDE_SIGKILL) | LDE_SIGBIT(LDE_SIGSTOP))

/* Send sig (1..LDE_NSIG-1) to p, as kill() does once permitted: SIGKILL
 * marks it killed; SIGCONT continues it; a signal p ignores is dropped;
 * anything else becomes pending, and, if p does not block it, interrupts
 * p's sleep. Does nothing to a zombie or a dying process. */
void signal_post(struct proc *p, int sig);

/* The way back to U-mode for current, attention set: ends it if it is
 * killed, else delivers what is pending and unblocked (a handler's frame,
 * a default action) and decides whether an interrupted system call
 * restarts. May stop current (returns when it continues) or end it. */
void signal_deliver(void);

/* raise()'s common case, for current: sig (1..NSIG-1) is caught and has
 * no side effect (not a stop, SIGCONT or SIGKILL): it is made pending, and
 * true. false: signal_post must do it. */
static inline bool signal_raise(struct proc *me, int sig)
{
	struct sigstate *ss = sig_of(me);
	/* 64 bits wide, the sets as loaded: no extensions on the way. */
	uint64_t bit = LDE_SIGBIT(sig);
	int64_t caught = (int32_t)ss->m.caught;
	if (!(caught & (int64_t)bit & (int32_t) ~(uint32_t)(SIG_STOPS | LDE_SIGBIT(LDE_SIGCONT))))
		return false;
	uint64_t pending = ss->pending | bit;
	ss->pending = (uint32_t)pending;
	me->sig_ready = (pending & ~(uint64_t)ss->m.blocked) != 0;
	return true;
}

/* A fault in U-mode that stands for sig (SIGSEGV, SIGILL, SIGBUS...):
 * true if current catches sig and does not block it, which then is
 * pending, to be delivered on the way out; false if the fault must kill
 * as before. */
bool signal_fault(int sig);

/* fork: child gets parent's handlers, mask and ignored set, nothing
 * pending. */
static inline void signal_fork(struct proc *child, const struct proc *parent)
{
	struct sigstate *c = sig_of(child), *p = sig_of(parent);
	c->m = p->m;
	c->transient = 0;
	if (__builtin_expect(p->m.caught != 0, 0))
		for (int s = 1; s < LDE_NSIG; s++)
			c->act[s] = p->act[s];
}

/* The first process: nothing caught, blocked, ignored or pending. */
static inline void signal_first(struct proc *p)
{
	struct sigstate *s = sig_of(p);
	s->m = (struct sigmasks){ 0 };
	s->transient = 0;
}

static inline bool signal_catches(const struct proc *p, int sig)
{
	return sig_of(p)->m.caught & LDE_SIGBIT(sig);
}

/* exec: caught signals go back to their defaults (the handlers are gone
 * with the old image); ignored ones stay ignored, the mask and what is
 * pending stay. */
static inline void signal_exec(struct proc *p) { sig_of(p)->m.caught = 0; }

/* The state a system call interrupted by a signal returns -EINTR from:
 * keep the a0 it was called with, for a restart (the result will
 * overwrite it). */
void signal_note_eintr(struct proc *p);

/* The process left (exit): its alarm goes. */
void signal_alarm_cancel(struct proc *p);
static inline void signal_exit(struct proc *p)
{
	if (__builtin_expect(p->alarm_armed, 0))
		signal_alarm_cancel(p);
}

/* An alarm's timed-queue entry expired (sched.c's tick): post SIGALRM,
 * rearm a periodic one. */
void signal_alarm_expired(struct list *entry, uint64_t now);
/* Is entry an alarm's (not a sleeping process's)? */
bool signal_is_alarm(const struct list *entry);
