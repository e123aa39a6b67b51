/* POSIX signals: posting, delivery on the way back to U-mode, the signal
 * frame, sigreturn's checks, the restart of interrupted system calls, stop
 * and continue, and alarms. The design and the frame are in
 * docs/signals.md. */
#include "signal.h"
#include "console.h"
#include "errno.h"
#include "ipc.h"
#include "kassert.h"
#include "kstring.h"
#include "sched.h"
#include "syscall.h"

#define SBIT(sig) LDE_SIGBIT(sig)
/* What a signal does when nobody catches it and it is not ignored. */
#define SIG_DEFAULT_IGNORE \
	(SBIT(LDE_SIGCHLD) | SBIT(LDE_SIGURG) | SBIT(LDE_SIGWINCH) | SBIT(LDE_SIGCONT))
#define SIG_ALL (SBIT(LDE_NSIG) - 2) /* 1..NSIG-1 */
#define US_PER_S 1000000UL
#define MAX_ALARM_US (100UL * 365 * 24 * 3600 * US_PER_S)
#define MIN_INTERVAL_US 100 /* a periodic alarm may not flood the CPU with ticks */

/* The part of the frame written when the FP registers are not. */
#define FRAME_HEAD offsetof(struct lde_sigframe, fregs)
_Static_assert(sizeof(struct lde_sigframe) % 16 == 0, "the frame keeps sp 16-byte aligned");
_Static_assert(offsetof(struct lde_sigframe, signo) < FRAME_HEAD, "signo is in every frame");
_Static_assert(sizeof(((struct lde_sigframe *)0)->fregs) + sizeof(uint64_t) ==
		       sizeof(struct fpstate),
	       "the frame's FP part is a struct fpstate");

static struct waitq pause_wait = { .sleepers = LIST_INIT(pause_wait.sleepers), .name = "pause" };

/* The lowest signal in set (not 0): delivered first. A de Bruijn
 * multiplication: rv64gc has no count-trailing-zeros instruction. */
static int lowest(uint64_t set)
{
	static const uint8_t index[32] = { 0,  1,  28, 2,  29, 14, 24, 3,  30, 22, 20,
					   15, 25, 17, 4,  8,  31, 27, 13, 23, 21, 19,
					   16, 7,  26, 12, 18, 6,  11, 5,  10, 9 };
	uint32_t bit = (uint32_t)(set & -set);
	return index[(uint32_t)(bit * 0x077CB531u) >> 27];
}

/* The frame's place in the user's memory as a kernel pointer, if it lies
 * in one page that is there with the access asked for (the common case: a
 * stack page in use): then it is written or read in place, as IPC reads a
 * lease array. NULL otherwise: the caller copies through copyout/copyin,
 * which fault pages in and check every one. */
static inline __attribute__((always_inline)) struct lde_sigframe *
frame_in_place(struct proc *p, uint64_t at, size_t len, bool write)
{
	if (at >= USER_TOP || (at & (PGSIZE - 1)) + len > PGSIZE || (at & 7))
		return NULL;
	return mmu_translate_user(p->mm.pt, at, PERM_RAM | PERM_U | (write ? PERM_W : PERM_R));
}

static inline void recalc(struct proc *p, const struct sigstate *ss)
{
	p->sig_ready = (ss->pending & ~ss->m.blocked) != 0;
}

static inline bool dropped(const struct sigstate *ss, uint64_t bit)
{
	if (ss->m.caught & bit)
		return false;
	return (ss->m.ignored | SIG_DEFAULT_IGNORE) & bit;
}

void signal_note_eintr(struct proc *p) { sig_of(p)->a0 = arch_syscall_arg(p->tf, 0); }

/* p stopped or continued: its parent may wait for it (WUNTRACED,
 * WCONTINUED) and gets SIGCHLD, unless it asked not to (SA_NOCLDSTOP). */
static void tell_parent(struct proc *p, uint8_t report)
{
	p->wait_report = report;
	struct proc *pp = p->parent;
	if (!pp)
		return;
	struct sigstate *ss = sig_of(pp);
	wake_all(&pp->child_exit);
	if ((ss->m.caught & SBIT(LDE_SIGCHLD)) && !(ss->act[LDE_SIGCHLD].flags & LDE_SA_NOCLDSTOP))
		signal_post(pp, LDE_SIGCHLD);
}

void signal_post(struct proc *p, int sig)
{
	if (p->state == P_ZOMBIE || p->state == P_UNUSED || p->killed)
		return;
	struct sigstate *ss = sig_of(p);
	uint64_t bit = SBIT(sig);
	/* The common case first: a signal p catches, with no side effect. */
	if ((ss->m.caught & bit) && !(bit & (SIG_STOPS | SBIT(LDE_SIGCONT) | SBIT(LDE_SIGKILL)))) {
		ss->pending |= bit;
		recalc(p, ss);
		if (!(ss->m.blocked & bit) && p->state == P_SLEEPING && !ipc_call_holds_signals(p))
			sched_interrupt_sleep(p);
		return;
	}
	if (sig == LDE_SIGKILL) {
		p->killed = true;
		p->killsig = sig;
		sched_interrupt_sleep(p); /* stopped or asleep: it runs to its death */
		return;
	}
	/* A continue cancels the stops pending, a stop the continue. */
	if (sig == LDE_SIGCONT) {
		ss->pending &= ~SIG_STOPS;
		if (p->state == P_STOPPED) {
			sched_continue(p);
			tell_parent(p, WAIT_REPORT_CONTINUED);
		}
	} else if (bit & SIG_STOPS) {
		ss->pending &= ~SBIT(LDE_SIGCONT);
	}
	if (dropped(ss, bit)) {
		recalc(p, ss);
		return;
	}
	ss->pending |= bit;
	recalc(p, ss);
	/* Wake a sleeper for it (its call returns -EINTR or restarts); a
	 * stopped process stays stopped, the signal pending until SIGCONT. */
	if (!(ss->m.blocked & bit) && p->state == P_SLEEPING && !ipc_call_holds_signals(p))
		sched_interrupt_sleep(p);
}

bool signal_fault(int sig)
{
	struct proc *p = current;
	uint64_t bit = SBIT(sig);
	struct sigstate *ss = sig_of(p);
	if (!(ss->m.caught & bit) || (ss->m.blocked & bit))
		return false;
	ss->pending |= bit;
	recalc(p, ss);
	return true;
}

/* The remaining time of an interrupted usleep, in microseconds, for its
 * restart (sleep_until left its deadline in wake_at). */
static uint64_t usleep_left(struct proc *p)
{
	uint64_t now = arch_now();
	if (p->wake_at <= now)
		return 0;
	uint64_t t = p->wake_at - now;
	return t / arch_timebase_hz * US_PER_S + t % arch_timebase_hz * US_PER_S / arch_timebase_hz;
}

/* A system call that a signal interrupted (-EINTR) restarts or returns
 * -EINTR. a is the handler about to run, NULL if none runs (the signal
 * stopped the process, or was ignored by the time it was delivered):
 * then every call that can restarts, as if nothing had happened. With a
 * handler, SA_RESTART decides. Some never restart: sigsuspend, whose
 * purpose is to return after a handler; usleep after a handler, as POSIX
 * has nanosleep; ipc_call, whose message a server may already hold. */
static __attribute__((noinline)) void restart_or_eintr(struct proc *p, const struct sigact *a)
{
	struct trapframe *tf = p->tf;
	switch (arch_syscall_nr(tf)) {
	case SYS_fork: /* an interrupted fork made no child */
		arch_syscall_restart(tf, sig_of(p)->a0);
		return;
	case SYS_read:
	case SYS_write:
	case SYS_wait:
	case SYS_waitpid:
	case SYS_ipc_recv:
	case SYS_ipc_reply_recv: /* its reply went already: the restart only receives */
	case SYS_ntfn_wait:
		if (!a || (a->flags & LDE_SA_RESTART))
			arch_syscall_restart(tf, sig_of(p)->a0);
		return;
	case SYS_usleep:
		if (!a)
			arch_syscall_restart(tf, usleep_left(p));
		return;
	case SYS_sigsuspend:
		if (!a)
			arch_syscall_restart(tf, sig_of(p)->a0);
		return;
	default: return;
	}
}

/* The frame at f (in place, or a copy to be written out): the interrupted
 * registers, the mask to restore, the FP registers if fp. */
static inline __attribute__((always_inline)) void
fill_frame(struct proc *p, struct sigstate *ss, int sig, struct lde_sigframe *f, bool fp)
{
	arch_sig_save(p->tf, f->regs);
	f->flags = fp ? LDE_SF_FP : 0;
	f->signo = (uint64_t)sig;
	f->mask = ss->suspended ? ss->saved_mask : ss->m.blocked;
	ss->suspended = false;
	if (fp)
		sched_fpu_to_frame((struct fpstate *)f->fregs);
}

/* The frame through copyout: its page is not there, or shared (copy on
 * write), or the frame crosses a page. A stack it does not fit kills. */
static __attribute__((noinline)) void push_frame_copy(struct proc *p, struct sigstate *ss, int sig,
						      uint64_t at, bool fp)
{
	struct lde_sigframe f;
	uint64_t sp = arch_user_sp(p->tf);
	fill_frame(p, ss, sig, &f, fp);
	if (at > sp || copyout(&p->mm, at, &f, fp ? sizeof f : FRAME_HEAD)) {
		klog("lde: pid %d (%s) killed: no room for the signal %d frame, sp=0x%lx sepc=0x%lx\n",
		     p->pid, p->name, sig, sp, f.regs[0]);
		proc_exit(LDE_W_SIGNALED(LDE_SIGSEGV));
	}
}

static inline __attribute__((always_inline)) void settle_syscall(struct proc *p,
								 const struct sigact *a)
{
	struct trapframe *tf = p->tf;
	if (!arch_in_syscall(tf))
		return;
	arch_syscall_done(tf);
	if (__builtin_expect(arch_syscall_result(tf) == -EINTR, 0))
		restart_or_eintr(p, a);
}

/* Push the frame for sig's handler, and make current run it. */
/* Handler entry once the frame is written: the signal (but for
 * SA_NODEFER) and sa_mask blocked, SA_RESETHAND, the registers set. */
static inline __attribute__((always_inline)) void
enter_with_frame(struct proc *p, struct sigstate *ss, int sig, uint64_t at)
{
	struct sigact *a = &ss->act[sig];
	ss->m.blocked |=
		(a->mask | ((a->flags & LDE_SA_NODEFER) ? 0 : SBIT(sig))) & ~SIG_UNCATCHABLE;
	if (a->flags & LDE_SA_RESETHAND)
		ss->m.caught &= ~SBIT(sig);
	arch_sig_enter(p->tf, a->handler, sig, at, a->restorer);
	recalc(p, ss);
}

/* Push the frame for sig's handler, and make current run it: every case
 * (a call to settle, FP registers, a frame copied out). */
static __attribute__((noinline)) void enter_handler(struct proc *p, struct sigstate *ss, int sig)
{
	struct trapframe *tf = p->tf;
	settle_syscall(p, &ss->act[sig]);
	uint64_t sp = arch_user_sp(tf);
	uint64_t at = (sp - sizeof(struct lde_sigframe)) & ~(uint64_t)15;
	bool fp = p->fp_used;
	struct lde_sigframe *f =
		at < sp ? frame_in_place(p, at, fp ? sizeof *f : FRAME_HEAD, true) : NULL;
	if (f)
		fill_frame(p, ss, sig, f, fp);
	else
		push_frame_copy(p, ss, sig, at, fp);
	enter_with_frame(p, ss, sig, at);
}

/* current stops for sig until SIGCONT (or dies of SIGKILL meanwhile). */
static void stop(struct proc *p, int sig)
{
	p->stop_sig = (uint8_t)sig;
	tell_parent(p, WAIT_REPORT_STOPPED);
	sched_stop();
}

/* Everything but a handler for the first signal ready. */
static __attribute__((noinline)) void deliver_general(struct proc *p, struct sigstate *ss)
{
	for (;;) {
		if (p->killed)
			proc_exit(LDE_W_SIGNALED(p->killsig));
		uint64_t ready = ss->pending & ~ss->m.blocked;
		if (!ready)
			break;
		int sig = lowest(ready);
		uint64_t bit = SBIT(sig);
		ss->pending &= ~bit;
		if (ss->m.caught & bit) {
			enter_handler(p, ss, sig);
			return; /* the next one after this handler's sigreturn */
		}
		if (dropped(ss, bit))
			continue; /* ignored since it was posted */
		if (bit & SIG_STOPS) {
			stop(p, sig);
			continue;
		}
		proc_exit(LDE_W_SIGNALED(sig));
	}
	/* No handler runs: a sigsuspend gets its mask back as it restarts. */
	if (ss->suspended) {
		ss->m.blocked = ss->saved_mask;
		ss->suspended = false;
	}
	settle_syscall(p, NULL);
	recalc(p, ss);
}

/* Only tail calls leave signal_deliver: a backtrace never passes through
 * it, so it needs no frame pointer (as sysproc.c's LEAF handlers). */
__attribute__((optimize("omit-frame-pointer"))) void signal_deliver(void)
{
	struct proc *p = current;
	struct sigstate *ss = sig_of(p);
	uint32_t blocked = ss->m.blocked, pending = ss->pending;
	uint32_t ready = pending & ~blocked;
	if (__builtin_expect(!p->killed && ready, 1)) {
		/* The common case without a call (so without a frame of its
		 * own): no system call to settle, no FP registers, the stack
		 * page there, the signal caught. The frame's page first: few
		 * values are live across the walk. */
		struct trapframe *tf = p->tf;
		uint64_t sp = arch_user_sp(tf);
		uint64_t at = (sp - sizeof(struct lde_sigframe)) & ~(uint64_t)15;
		struct lde_sigframe *f;
		if (!p->fp_used && !(arch_in_syscall(tf) && arch_syscall_result(tf) == -EINTR) &&
		    at < sp && (f = frame_in_place(p, at, FRAME_HEAD, true))) {
			uint64_t sig = (uint64_t)lowest(ready);
			uint64_t bit = SBIT(sig);
			if (ss->m.caught & (uint32_t)bit) {
				const struct sigact *a = &ss->act[sig];
				pending &= ~bit;
				ss->pending = pending;
				arch_syscall_done(tf);
				arch_sig_save(tf, f->regs);
				f->flags = 0;
				f->signo = sig;
				f->mask = blocked;
				if (__builtin_expect(ss->suspended, 0)) {
					f->mask = ss->saved_mask;
					ss->suspended = false;
				}
				/* a->mask and a caught bit never hold an
				 * uncatchable signal (sys_sigaction). */
				uint32_t flags = (uint32_t)a->flags;
				blocked |= a->mask;
				if (!(flags & LDE_SA_NODEFER))
					blocked |= bit;
				ss->m.blocked = blocked;
				if (flags & LDE_SA_RESETHAND)
					ss->m.caught &= ~bit;
				arch_sig_enter(tf, a->handler, (int)sig, at, a->restorer);
				p->sig_ready = (pending & ~blocked) != 0;
				return; /* the next signal after its sigreturn */
			}
		}
		int sig = lowest(ready);
		uint32_t bit = (uint32_t)SBIT(sig);
		if (ss->m.caught & bit) {
			ss->pending &= ~bit;
			enter_handler(p, ss, sig);
			return;
		}
	}
	deliver_general(p, ss);
}

/* Kill current for a frame sigreturn must not take, with one line. */
static __attribute__((noreturn)) void bad_frame(const char *why, uint64_t at, uint64_t pc)
{
	struct proc *p = current;
	klog("lde: pid %d (%s) killed: sigreturn: %s, frame=0x%lx pc=0x%lx\n", p->pid, p->name, why,
	     at, pc);
	proc_exit(LDE_W_SIGNALED(LDE_SIGSEGV));
}

/* sigreturn's work on the frame f (in kernel reach) that was at at. */
static inline __attribute__((always_inline)) long
restore_frame(struct proc *p, const struct lde_sigframe *f, uint64_t at)
{
	struct trapframe *tf = p->tf;
	if (f->flags & ~(uint64_t)LDE_SF_FP)
		bad_frame("unknown flags", at, f->regs[0]);
	/* Only U-mode registers come from the frame, and the pc only if it
	 * is a user address: nothing in it reaches sstatus. */
	if (!arch_sig_restore(tf, f->regs))
		bad_frame("pc outside user space", at, f->regs[0]);
	if ((f->flags & LDE_SF_FP) || p->fp_used)
		sched_fpu_from_frame((f->flags & LDE_SF_FP) ? (const struct fpstate *)f->fregs
							    : NULL);
	struct sigstate *ss = sig_of(p);
	ss->m.blocked = (uint32_t)(f->mask & ~SIG_UNCATCHABLE);
	recalc(p, ss);
	arch_syscall_done(tf);		/* the restored context is no system call's */
	return arch_syscall_result(tf); /* what the dispatcher puts back in a0 */
}

/* The frame through copyin: not all of it in one page that is there. */
static __attribute__((noinline)) long sigreturn_copy(struct proc *p, uint64_t at)
{
	struct lde_sigframe f;
	if (copyin(&p->mm, &f, at, FRAME_HEAD))
		bad_frame("unreadable frame", at, 0);
	if ((f.flags & LDE_SF_FP) &&
	    copyin(&p->mm, f.fregs, at + FRAME_HEAD, sizeof f - FRAME_HEAD))
		bad_frame("unreadable FP registers", at, f.regs[0]);
	return restore_frame(p, &f, at);
}

/* Everything but sys_sigreturn's common case. */
static __attribute__((noinline)) long sigreturn_general(struct proc *p, uint64_t at,
							const struct lde_sigframe *f)
{
	if (f && (!(f->flags & LDE_SF_FP) || frame_in_place(p, at, sizeof *f, false)))
		return restore_frame(p, f, at);
	return sigreturn_copy(p, at);
}

long sys_sigreturn(void)
{
	struct proc *p = current;
	uint64_t at = arch_user_sp(p->tf);
	const struct lde_sigframe *f = frame_in_place(p, at, FRAME_HEAD, false);
	/* The common case without a call: in place, no FP registers on
	 * either side. */
	if (f && !f->flags && !p->fp_used) {
		struct trapframe *tf = p->tf;
		if (!arch_sig_restore(tf, f->regs))
			bad_frame("pc outside user space", at, f->regs[0]);
		struct sigstate *ss = sig_of(p);
		/* 64 bits wide: the bits above 31 never meet a pending one. */
		uint64_t blocked = f->mask & ~SIG_UNCATCHABLE;
		ss->m.blocked = (uint32_t)blocked;
		p->sig_ready = ((uint64_t)ss->pending & ~blocked) != 0;
		arch_syscall_done(tf);
		return arch_syscall_result(tf);
	}
	return sigreturn_general(p, at, f);
}

long sys_sigaction(int sig, uintptr_t uact, uintptr_t uold, uintptr_t restorer)
{
	struct proc *p = current;
	if (sig <= 0 || sig >= LDE_NSIG)
		return -EINVAL;
	uint64_t bit = SBIT(sig);
	struct sigstate *ss = sig_of(p);
	struct lde_sigaction act, old = { 0 };
	if (uact) {
		int err = copyin(&p->mm, &act, uact, sizeof act);
		if (err)
			return err;
		if ((bit & SIG_UNCATCHABLE) || (act.flags & ~LDE_SA_FLAGS))
			return -EINVAL;
	}
	if (ss->m.caught & bit) {
		old.handler = ss->act[sig].handler;
		old.mask = ss->act[sig].mask;
		old.flags = ss->act[sig].flags;
	} else {
		old.handler = (ss->m.ignored & bit) ? LDE_SIG_IGN : LDE_SIG_DFL;
	}
	if (uold) {
		int err = copyout(&p->mm, uold, &old, sizeof old);
		if (err)
			return err;
	}
	if (!uact)
		return 0;
	ss->m.caught &= ~bit;
	ss->m.ignored &= ~bit;
	if (act.handler == LDE_SIG_IGN)
		ss->m.ignored |= bit;
	else if (act.handler != LDE_SIG_DFL) {
		ss->act[sig] = (struct sigact){ act.handler, restorer,
						(uint32_t)(act.mask & SIG_ALL & ~SIG_UNCATCHABLE),
						act.flags };
		ss->m.caught |= bit;
	}
	/* POSIX: a pending signal whose action becomes "ignore" is dropped. */
	if (dropped(ss, bit)) {
		ss->pending &= ~bit;
		recalc(p, ss);
	}
	return 0;
}

long sys_sigprocmask(int how, uintptr_t uset, uintptr_t uold)
{
	struct proc *p = current;
	struct sigstate *ss = sig_of(p);
	uint64_t set = 0, old = ss->m.blocked;
	if (uset) {
		int err = copyin(&p->mm, &set, uset, sizeof set);
		if (err)
			return err;
		switch (how) {
		case LDE_SIG_SETMASK: break;
		case LDE_SIG_BLOCK: set |= old; break;
		case LDE_SIG_UNBLOCK: set = old & ~set; break;
		default: return -EINVAL;
		}
	}
	if (uold) {
		int err = copyout(&p->mm, uold, &old, sizeof old);
		if (err)
			return err;
	}
	if (uset) {
		ss->m.blocked = set & SIG_ALL & ~SIG_UNCATCHABLE;
		recalc(p, ss); /* one unblocked now is delivered on the way out */
	}
	return 0;
}

long sys_sigpending(uintptr_t uset)
{
	const struct sigstate *ss = sig_of(current);
	uint64_t set = ss->pending & ss->m.blocked;
	return copyout(&current->mm, uset, &set, sizeof set);
}

long sys_sigsuspend(uintptr_t umask)
{
	struct proc *p = current;
	struct sigstate *ss = sig_of(p);
	uint64_t mask;
	int err = copyin(&p->mm, &mask, umask, sizeof mask);
	if (err)
		return err;
	ss->saved_mask = ss->m.blocked;
	ss->suspended = true;
	ss->m.blocked = mask & SIG_ALL & ~SIG_UNCATCHABLE;
	recalc(p, ss);
	while (!sleep_on(&pause_wait))
		; /* nobody wakes pause_wait: only a signal ends the wait */
	return -EINTR;
}

/* Alarms: each process's is an entry of the scheduler's timed queue
 * (sched.h), in its signal state, that posts SIGALRM when it expires. The
 * queue's other entries are sleeping processes, in the process table. */
bool signal_is_alarm(const struct list *entry)
{
	return !(entry >= &proc_table[0].link && entry <= &proc_table[NPROC - 1].link);
}

static uint64_t us_to_ticks(uint64_t us)
{
	return us / US_PER_S * arch_timebase_hz + us % US_PER_S * arch_timebase_hz / US_PER_S;
}

static uint64_t ticks_to_us(uint64_t t)
{
	return t / arch_timebase_hz * US_PER_S + t % arch_timebase_hz * US_PER_S / arch_timebase_hz;
}

/* The process whose alarm t is: the one slot whose area holds it. */
static struct proc *alarm_owner(const struct timed *t)
{
	for (int i = 0; i < NPROC; i++)
		if (&sig_of(&proc_table[i])->alarm == t)
			return &proc_table[i];
	panic("signal_alarm_expired: an alarm nobody owns");
}

void signal_alarm_expired(struct list *entry, uint64_t now)
{
	struct timed *t = container_of(entry, struct timed, link);
	struct proc *p = alarm_owner(t);
	uint64_t interval = sig_of(p)->alarm_interval;
	if (!interval)
		p->alarm_armed = false;
	signal_post(p, LDE_SIGALRM);
	if (interval) {
		t->at += interval;
		if (t->at <= now)
			t->at = now + interval;
		sched_timed_add(t);
	}
}

void signal_alarm_cancel(struct proc *p)
{
	list_del(&sig_of(p)->alarm.link);
	p->alarm_armed = false;
}

/* alarm(us, interval_us): SIGALRM in us microseconds (0: cancel), then
 * every interval_us if that is not 0. Returns the microseconds the
 * previous alarm still had to go (0 if none). */
long sys_alarm(uint64_t us, uint64_t interval)
{
	struct proc *p = current;
	if (us > MAX_ALARM_US || interval > MAX_ALARM_US)
		return -EINVAL;
	if (interval && interval < MIN_INTERVAL_US)
		interval = MIN_INTERVAL_US;
	struct timed *t = &sig_of(p)->alarm;
	uint64_t now = arch_now(), left = 0;
	if (p->alarm_armed) {
		left = t->at > now ? ticks_to_us(t->at - now) : 0;
		if (!left)
			left = 1; /* due: still an alarm that was set */
		signal_alarm_cancel(p);
	}
	if (us) {
		t->at = now + us_to_ticks(us);
		sig_of(p)->alarm_interval = us_to_ticks(interval);
		p->alarm_armed = true;
		sched_timed_add(t);
	}
	return (long)left;
}

long sys_waitpid(int pid, uintptr_t status, int options)
{
	return proc_waitpid(pid, status, options);
}
