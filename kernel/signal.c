/* POSIX signals: posting, delivery on the way back to U-mode, the signal
 * frame, sigreturn's checks, the restart of interrupted system calls, stop
 * and continue, and alarms. The design and the frame are in
 * docs/signals.md. */
#include "signal.h"
#include "console.h"
#include "errno.h"
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
_Static_assert(sizeof(((struct lde_sigframe *)0)->fregs) + sizeof(uint64_t) ==
		       sizeof(struct fpstate),
	       "the frame's FP part is a struct fpstate");

static struct waitq pause_wait = { .sleepers = LIST_INIT(pause_wait.sleepers), .name = "pause" };

static inline void recalc(struct proc *p)
{
	p->sig_ready = (sig_of(p)->pending & ~sig_of(p)->m.blocked) != 0;
}

static bool dropped(const struct proc *p, uint64_t bit)
{
	if (sig_of(p)->m.caught & bit)
		return false;
	return (sig_of(p)->m.ignored | SIG_DEFAULT_IGNORE) & bit;
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
	wake_all(&pp->child_exit);
	if ((sig_of(pp)->m.caught & SBIT(LDE_SIGCHLD)) &&
	    !(sig_of(pp)->act[LDE_SIGCHLD].flags & LDE_SA_NOCLDSTOP))
		signal_post(pp, LDE_SIGCHLD);
}

void signal_post(struct proc *p, int sig)
{
	if (p->state == P_ZOMBIE || p->state == P_UNUSED || p->killed)
		return;
	if (sig == LDE_SIGKILL) {
		p->killed = true;
		p->killsig = sig;
		sched_interrupt_sleep(p); /* stopped or asleep: it runs to its death */
		return;
	}
	uint64_t bit = SBIT(sig);
	/* A continue cancels the stops pending, a stop the continue. */
	if (sig == LDE_SIGCONT) {
		sig_of(p)->pending &= ~SIG_STOPS;
		if (p->state == P_STOPPED) {
			sched_continue(p);
			tell_parent(p, WAIT_REPORT_CONTINUED);
		}
	} else if (bit & SIG_STOPS) {
		sig_of(p)->pending &= ~SBIT(LDE_SIGCONT);
	}
	if (dropped(p, bit)) {
		recalc(p);
		return;
	}
	sig_of(p)->pending |= bit;
	recalc(p);
	/* Wake a sleeper for it (its call returns -EINTR or restarts); a
	 * stopped process stays stopped, the signal pending until SIGCONT. */
	if (!(sig_of(p)->m.blocked & bit) && p->state == P_SLEEPING)
		sched_interrupt_sleep(p);
}

bool signal_fault(int sig)
{
	struct proc *p = current;
	uint64_t bit = SBIT(sig);
	if (!(sig_of(p)->m.caught & bit) || (sig_of(p)->m.blocked & bit))
		return false;
	sig_of(p)->pending |= bit;
	recalc(p);
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
static void settle_syscall(struct proc *p, const struct sigact *a)
{
	struct trapframe *tf = p->tf;
	if (!arch_in_syscall(tf))
		return;
	arch_syscall_done(tf);
	if (arch_syscall_result(tf) != -EINTR)
		return;
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

/* Push the frame for sig's handler a, and make current run it. */
static void enter_handler(struct proc *p, int sig, struct sigact *a)
{
	struct trapframe *tf = p->tf;
	settle_syscall(p, a);
	struct lde_sigframe f;
	arch_sig_save(tf, f.regs);
	f.flags = 0;
	f.signo = (uint64_t)sig;
	f.mask = sig_of(p)->suspended ? sig_of(p)->saved_mask : sig_of(p)->m.blocked;
	sig_of(p)->suspended = false;
	size_t len = FRAME_HEAD;
	if (sched_fpu_to_frame((struct fpstate *)f.fregs)) {
		f.flags |= LDE_SF_FP;
		len = sizeof f;
	}
	uint64_t sp = arch_user_sp(tf);
	uint64_t at = (sp - sizeof f) & ~(uint64_t)15;
	if (at > sp || copyout(&p->mm, at, &f, len)) {
		klog("lde: pid %d (%s) killed: no room for the signal %d frame, sp=0x%lx sepc=0x%lx\n",
		     p->pid, p->name, sig, sp, f.regs[0]);
		proc_exit(LDE_W_SIGNALED(LDE_SIGSEGV));
	}
	sig_of(p)->m.blocked |=
		(a->mask | ((a->flags & LDE_SA_NODEFER) ? 0 : SBIT(sig))) & ~SIG_UNCATCHABLE;
	uint64_t handler = a->handler, restorer = a->restorer;
	if (a->flags & LDE_SA_RESETHAND)
		sig_of(p)->m.caught &= ~SBIT(sig);
	arch_sig_enter(tf, handler, sig, at, restorer);
	recalc(p);
}

/* current stops for sig until SIGCONT (or dies of SIGKILL meanwhile). */
static void stop(struct proc *p, int sig)
{
	p->stop_sig = (uint8_t)sig;
	tell_parent(p, WAIT_REPORT_STOPPED);
	sched_stop();
}

void signal_deliver(void)
{
	struct proc *p = current;
	for (;;) {
		if (p->killed)
			proc_exit(LDE_W_SIGNALED(p->killsig));
		uint64_t ready = sig_of(p)->pending & ~sig_of(p)->m.blocked;
		if (!ready)
			break;
		int sig = 1; /* the lowest first (no ctz instruction in rv64gc) */
		while (!(ready & SBIT(sig)))
			sig++;
		uint64_t bit = SBIT(sig);
		sig_of(p)->pending &= ~bit;
		if (sig_of(p)->m.caught & bit) {
			enter_handler(p, sig, &sig_of(p)->act[sig]);
			return; /* the next one after this handler's sigreturn */
		}
		if (dropped(p, bit))
			continue; /* ignored since it was posted */
		if (bit & SIG_STOPS) {
			stop(p, sig);
			continue;
		}
		proc_exit(LDE_W_SIGNALED(sig));
	}
	/* No handler runs: a sigsuspend gets its mask back as it restarts. */
	if (sig_of(p)->suspended) {
		sig_of(p)->m.blocked = sig_of(p)->saved_mask;
		sig_of(p)->suspended = false;
	}
	settle_syscall(p, NULL);
	recalc(p);
}

/* Kill current for a frame sigreturn must not take, with one line. */
static __attribute__((noreturn)) void bad_frame(const char *why, uint64_t at, uint64_t pc)
{
	struct proc *p = current;
	klog("lde: pid %d (%s) killed: sigreturn: %s, frame=0x%lx pc=0x%lx\n", p->pid, p->name, why,
	     at, pc);
	proc_exit(LDE_W_SIGNALED(LDE_SIGSEGV));
}

long sys_sigreturn(void)
{
	struct proc *p = current;
	struct trapframe *tf = p->tf;
	uint64_t at = arch_user_sp(tf);
	struct lde_sigframe f;
	if (copyin(&p->mm, &f, at, FRAME_HEAD))
		bad_frame("unreadable frame", at, 0);
	if (f.flags & ~(uint64_t)LDE_SF_FP)
		bad_frame("unknown flags", at, f.regs[0]);
	if ((f.flags & LDE_SF_FP) &&
	    copyin(&p->mm, f.fregs, at + FRAME_HEAD, sizeof f - FRAME_HEAD))
		bad_frame("unreadable FP registers", at, f.regs[0]);
	/* Only U-mode registers come from the frame, and the pc only if it
	 * is a user address: nothing in it reaches sstatus. */
	if (!arch_sig_restore(tf, f.regs))
		bad_frame("pc outside user space", at, f.regs[0]);
	sched_fpu_from_frame((f.flags & LDE_SF_FP) ? (const struct fpstate *)f.fregs : NULL);
	sig_of(p)->m.blocked = f.mask & ~SIG_UNCATCHABLE;
	recalc(p);
	arch_syscall_done(tf);		/* the restored context is no system call's */
	return arch_syscall_result(tf); /* what the dispatcher puts back in a0 */
}

long sys_sigaction(int sig, uintptr_t uact, uintptr_t uold, uintptr_t restorer)
{
	struct proc *p = current;
	if (sig <= 0 || sig >= LDE_NSIG)
		return -EINVAL;
	uint64_t bit = SBIT(sig);
	struct lde_sigaction act, old = { 0 };
	if (uact) {
		int err = copyin(&p->mm, &act, uact, sizeof act);
		if (err)
			return err;
		if ((bit & SIG_UNCATCHABLE) || (act.flags & ~LDE_SA_FLAGS))
			return -EINVAL;
	}
	if (sig_of(p)->m.caught & bit) {
		old.handler = sig_of(p)->act[sig].handler;
		old.mask = sig_of(p)->act[sig].mask;
		old.flags = sig_of(p)->act[sig].flags;
	} else {
		old.handler = (sig_of(p)->m.ignored & bit) ? LDE_SIG_IGN : LDE_SIG_DFL;
	}
	if (uold) {
		int err = copyout(&p->mm, uold, &old, sizeof old);
		if (err)
			return err;
	}
	if (!uact)
		return 0;
	sig_of(p)->m.caught &= ~bit;
	sig_of(p)->m.ignored &= ~bit;
	if (act.handler == LDE_SIG_IGN)
		sig_of(p)->m.ignored |= bit;
	else if (act.handler != LDE_SIG_DFL) {
		sig_of(p)->act[sig] =
			(struct sigact){ act.handler, restorer,
					 (uint32_t)(act.mask & SIG_ALL & ~SIG_UNCATCHABLE),
					 act.flags };
		sig_of(p)->m.caught |= bit;
	}
	/* POSIX: a pending signal whose action becomes "ignore" is dropped. */
	if (dropped(p, bit)) {
		sig_of(p)->pending &= ~bit;
		recalc(p);
	}
	return 0;
}

long sys_sigprocmask(int how, uintptr_t uset, uintptr_t uold)
{
	struct proc *p = current;
	uint64_t set = 0, old = sig_of(p)->m.blocked;
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
		sig_of(p)->m.blocked = set & SIG_ALL & ~SIG_UNCATCHABLE;
		recalc(p); /* one unblocked now is delivered on the way out */
	}
	return 0;
}

long sys_sigpending(uintptr_t uset)
{
	uint64_t set = sig_of(current)->pending & sig_of(current)->m.blocked;
	return copyout(&current->mm, uset, &set, sizeof set);
}

long sys_sigsuspend(uintptr_t umask)
{
	struct proc *p = current;
	uint64_t mask;
	int err = copyin(&p->mm, &mask, umask, sizeof mask);
	if (err)
		return err;
	sig_of(p)->saved_mask = sig_of(p)->m.blocked;
	sig_of(p)->suspended = true;
	sig_of(p)->m.blocked = mask & SIG_ALL & ~SIG_UNCATCHABLE;
	recalc(p);
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

static void alarm_cancel(struct proc *p)
{
	list_del(&sig_of(p)->alarm.link);
	p->alarm_armed = false;
}

void signal_exit(struct proc *p)
{
	if (p->alarm_armed)
		alarm_cancel(p);
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
		alarm_cancel(p);
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
