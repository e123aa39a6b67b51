/* The scheduler. See sched.h for the interrupt rule that makes this code
 * lock-free. The context switch goes directly from the process that gives
 * up the CPU to the next one on the run queue: one swtch, one satp write.
 * The idle context exists only for when the run queue is empty.
 *
 * The policy (docs/scheduling.md) decides only at the end of a quantum,
 * when another process is runnable: sched=rr sends current to the back of
 * the queue (round robin); sched=fair, the default, runs the runnable
 * process with the least virtual time (weighted fair sharing, weights from
 * the nice values). Between decisions every path is the round robin's
 * (yield, block and wake-up are FIFO, IPC hands the CPU over directly), so
 * the policy costs them nothing. */
#include "sched.h"
#include "console.h"
#include "errno.h"
#include "hooks.h"
#include "kassert.h"
#include "kstring.h"
#include "signal.h"

uint64_t sched_quantum;
enum sched_policy sched_policy = SCHED_FAIR;
/* The run queue and the timed queue (sorted by deadline), together: one
 * base address for both, which the hot paths' code can share. */
static struct {
	struct list run, timed;
} queues = { LIST_INIT(queues.run), LIST_INIT(queues.timed) };
#define run_queue (queues.run)
#define timed_queue (queues.timed)
static struct context idle_ctx;
uint64_t sched_idle_instret;
static uint64_t next_tick;	/* end of the current quantum */
static uint64_t timer_deadline; /* when the timer is programmed to fire */
static uint64_t starve_limit;	/* fair_pick's starvation guard (sched_init) */

static void timer_start(uint64_t when)
{
	timer_deadline = when;
	arch_set_timer(when);
}

/* Make sure the timer fires no later than when. */
static void timer_request(uint64_t when)
{
	if (when < timer_deadline)
		timer_start(when);
}

void sched_init(uint64_t quantum_ms)
{
	sched_quantum = arch_timebase_hz / 1000 * quantum_ms;
	if (!sched_quantum)
		sched_quantum = 1;
	/* fair_pick's starvation guard: a second less a quantum, or two quanta
	 * when quanta are a third of a second or more. */
	starve_limit = arch_timebase_hz > 3 * sched_quantum ? arch_timebase_hz - sched_quantum
							    : 2 * sched_quantum;
}

int sched_param(const char *policy)
{
	if (!strcmp(policy, "fair"))
		sched_policy = SCHED_FAIR;
	else if (!strcmp(policy, "rr"))
		sched_policy = SCHED_RR;
	else
		return -EINVAL;
	return 0;
}

void sched_make_runnable(struct proc *p)
{
	KASSERT(p->state != P_RUNNABLE && p->state != P_UNUSED && p->state != P_ZOMBIE);
	p->state = P_RUNNABLE;
	/* waiting_on stays: fair_pick's mark that p slept (proc.h). */
	list_push_back(&run_queue, &p->link);
}

/* ---- the fair policy ----
 * Each process's virtual time grows with its CPU time divided by its
 * weight; at the end of a quantum the runnable process with the least
 * virtual time runs next, so over time each gets the CPU in proportion to
 * its weight. Nice 0 weighs 1024 and each step is a factor 1.25 (about
 * 10% of the CPU between two neighbours): weight = 1024 / 1.25^nice,
 * rounded. */
#define NICE0_WEIGHT 1024
static const uint32_t nice_weight[LDE_NICE_MAX - LDE_NICE_MIN + 1] = {
	88818, 71054, 56843, 45475, 36380, 29104, 23283, 18626, 14901, 11921, /* -20..-11 */
	9537,  7629,  6104,  4883,  3906,  3125,  2500,	 2000,	1600,  1280,  /* -10..-1 */
	1024,  819,   655,   524,   419,   336,	  268,	 215,	172,   137,   /* 0..9 */
	110,   88,    70,    56,    45,	   36,	  29,	 23,	18,    15,    /* 10..19 */
};
/* The virtual clock: the least virtual time among the processes that
 * competed at the last decision. Never goes back. */
static uint64_t vclock;

/* p's CPU time so far (its current run included), at its weight. runtime
 * is exact already (measured at every switch), so virtual time needs no
 * bookkeeping of its own on the switch paths: only vbase, which moves
 * when the policy places p or its weight changes. */
static uint64_t weighted_runtime(const struct proc *p, uint64_t now)
{
	uint64_t rt = p->runtime + (p == current ? now - p->run_start : 0);
	return rt * NICE0_WEIGHT / nice_weight[p->nice - LDE_NICE_MIN];
}

static uint64_t vtime_of(const struct proc *p, uint64_t now)
{
	return p->vbase + weighted_runtime(p, now);
}

static void set_vtime(struct proc *p, uint64_t vtime, uint64_t now)
{
	p->vbase = vtime - weighted_runtime(p, now);
}

void sched_set_nice(struct proc *p, int nice)
{
	/* The CPU time so far counts at the old weight. */
	uint64_t now = arch_now();
	uint64_t v = vtime_of(p, now);
	p->nice = nice;
	if (p->vplaced)
		set_vtime(p, v, now);
}

uint64_t sched_vtime(struct proc *p) { return p->vplaced ? vtime_of(p, arch_now()) : 0; }

/* Whether p slept, or is new, since the policy last saw it. */
static bool newcomer(const struct proc *p) { return p->waiting_on || !p->vplaced; }

/* A newcomer gets into the competition at the virtual clock less one
 * quantum, or at its own virtual time if that is later: it may run before
 * those that did not sleep, which is what gives a woken interactive
 * process the CPU at the next decision, but its sleep earns it no more
 * than one quantum's lead. Its wait for a turn starts now (the starvation
 * guard below). */
static void place(struct proc *p, uint64_t floor, uint64_t now)
{
	/* current has run since it woke: that run counts, from the floor, up
	 * to one quantum. More would be time it ran alone, with nobody to
	 * share with: charging it would let the others, placed at the floor,
	 * keep the CPU from it for as long. */
	if (p == current) {
		uint64_t run = now - p->run_start;
		if (run > sched_quantum)
			run = sched_quantum;
		floor += run * NICE0_WEIGHT / nice_weight[p->nice - LDE_NICE_MIN];
	}
	if (!p->vplaced || vtime_of(p, now) < floor)
		set_vtime(p, floor, now);
	p->vplaced = true;
	p->waiting_on = NULL;
	if (p != current)
		p->run_start = now;
}

/* The decision at the end of current's quantum, with processes waiting in
 * the run queue: moves the one to run next to the front of the queue and
 * returns true, or returns false if current keeps the CPU. The queue
 * holds at most NPROC processes; this is the only walk of it.
 *
 * Starvation guard: weights 1.25^39 apart (nice -20 against 19) would give
 * the lighter process one quantum in about 6,000; a process that has not
 * started a turn for a second (less one quantum, the longest it can wait
 * for the next decision) runs next regardless, the one that has waited
 * longest first. With quanta of a third of a second or more, a turn every
 * second is out of reach anyway, and the guard waits two quanta instead:
 * shorter, it would take every turn from the fair choice (a woken
 * process included), and make the policy a round robin. */
static bool fair_pick(void)
{
	uint64_t now = arch_now();
	struct proc *cur = current;
	struct proc *only = container_of(run_queue.next, struct proc, link);
	if (only->link.next == &run_queue && !newcomer(cur) && !newcomer(only)) {
		/* The common case, one process waiting (an IPC partner, a second
		 * spinner), neither new: the same decision, without the walks.
		 * It is first in the queue already. */
		uint64_t vc = vtime_of(cur, now), vo = vtime_of(only, now);
		uint64_t vmin = vc < vo ? vc : vo;
		if (vmin > vclock)
			vclock = vmin;
		return now - only->run_start >= starve_limit || vc + sched_quantum >= vo;
	}
	uint64_t vmin = newcomer(cur) ? UINT64_MAX : vtime_of(cur, now);
	for (struct list *n = run_queue.next; n != &run_queue; n = n->next) {
		struct proc *p = container_of(n, struct proc, link);
		if (!newcomer(p)) {
			uint64_t v = vtime_of(p, now);
			if (v < vmin)
				vmin = v;
		}
	}
	/* The newcomers do not hold the clock back: a process that ran alone
	 * for a minute leaves a sleeper a minute behind it, not ahead. */
	if (vmin != UINT64_MAX && vmin > vclock)
		vclock = vmin;
	uint64_t floor = vclock > sched_quantum ? vclock - sched_quantum : 0;
	bool cur_woke = newcomer(cur);
	if (cur_woke)
		place(cur, floor, now);
	struct proc *best = NULL, *starved = NULL;
	uint64_t best_v = 0;
	for (struct list *n = run_queue.next; n != &run_queue; n = n->next) {
		struct proc *p = container_of(n, struct proc, link);
		if (newcomer(p))
			place(p, floor, now);
		uint64_t v = vtime_of(p, now);
		if (!best || v < best_v)
			best = p, best_v = v;
		if (now - p->run_start >= starve_limit &&
		    (!starved || p->run_start < starved->run_start))
			starved = p;
	}
	/* current keeps the CPU only if it is more than a quantum behind: so
	 * equals take turns, as in a round robin, rather than trade extra
	 * quanta over the microseconds by which two quanta differ (the tick
	 * is a little late or early); the shares stay within a quantum of
	 * their weights. A current that woke since the last decision (an IPC
	 * partner handed the CPU, a process that got it from the queue's
	 * head) keeps it if it is behind at all: its burst goes on rather than
	 * wait for a turn it is owed anyway. */
	if (!starved && vtime_of(cur, now) + (cur_woke ? 0 : sched_quantum) < best_v)
		return false;
	struct proc *next = starved ? starved : best;
	list_del(&next->link);
	list_insert_before(run_queue.next, &next->link);
	return true;
}

/* The lazy FPU switch. A process starts with its FPU off; its first FP
 * instruction traps (sched_fpu_fault), which loads its registers and turns
 * the FPU on. When it leaves the CPU, its registers are saved only if it
 * wrote them (dirty), and its FPU goes off again. So a process that never
 * uses floating point costs one test of fp_on per switch (the IPC fast
 * paths fold it into their test of trace: proc.h, slow_ipc) and one of
 * fp_used per fork and exec; one that computes alone, nothing more.
 * fpu_owner is the pid whose registers the FPU holds (they equal its fp
 * whenever its FPU is off): if it is the next to touch the FPU, nothing
 * is loaded. A pid, not a slot: pids are not reused, so the owner's exit
 * needs no bookkeeping. A signal frame saves fp the same way
 * (sched_fpu_to_frame: save if fp_on and dirty, then turn the FPU off)
 * and, after writing fp back, sets fpu_owner to 0 (sched_fpu_from_frame). */
static int fpu_owner;

__attribute__((noinline)) void sched_fpu_switch_out(struct proc *prev)
{
	if (arch_fpu_dirty())
		arch_fpu_save(&prev->fp);
	arch_fpu_off(prev->tf);
	prev->fp_on = false;
}

void sched_fpu_fault(void)
{
	struct proc *p = current;
	if (!p->fp_used) { /* a new process's registers: zero */
		memset(&p->fp, 0, sizeof p->fp);
		p->fp_used = true;
		fpu_owner = 0;
	}
	if (fpu_owner != p->pid) {
		arch_fpu_load(&p->fp);
		fpu_owner = p->pid;
	}
	arch_fpu_on(p->tf);
	p->fp_on = true;
}

void sched_fpu_fork(struct proc *child)
{
	struct proc *p = current;
	if (p->fp_on && arch_fpu_dirty())
		arch_fpu_save(&p->fp);
	child->fp = p->fp;
	child->fp_used = true;
	if (fpu_owner == child->pid) /* only if pids ever wrap: load the copy */
		fpu_owner = 0;
	arch_fpu_frame_off(child->tf); /* the copy of p's frame may say on */
}

bool sched_fpu_to_frame(struct fpstate *out)
{
	struct proc *p = current;
	if (!p->fp_used)
		return false;
	/* The FPU keeps the registers (fpu_owner stays p): a handler that
	 * computes reloads nothing. */
	if (p->fp_on)
		sched_fpu_switch_out(p);
	*out = p->fp;
	return true;
}

void sched_fpu_from_frame(const struct fpstate *in)
{
	struct proc *p = current;
	if (p->fp_on) {
		arch_fpu_off(p->tf);
		p->fp_on = false;
	}
	if (!in) { /* the interrupted code had not used the FPU */
		p->fp_used = false;
		return;
	}
	p->fp = *in;
	p->fp_used = true;
	fpu_owner = 0; /* the FPU no longer holds p's registers */
}

void sched_fpu_exec(struct proc *p)
{
	if (p->fp_on) {
		arch_fpu_off(p->tf);
		p->fp_on = false;
	}
	p->fp_used = false;
}

/* Switch from current (already off the CPU's books: runnable on the queue,
 * sleeping or zombie) to the next runnable process, or to idle. Returns
 * when current is scheduled again. */
static void switch_away(void)
{
	/* The interrupt rule (arch/riscv/trap.c): off in the kernel but for
	 * the idle loop's wait. Every sleep, yield and exit comes here. */
	KASSERT(!arch_intr_enabled());
	struct proc *prev = current;
	uint64_t now = arch_now();
	prev->runtime += now - prev->run_start;
	struct list *n = list_pop_front(&run_queue);
	if (!n) {
		current = NULL;
		if (prev->fp_on)
			sched_fpu_switch_out(prev);
		swtch(&prev->ctx, &idle_ctx);
		return;
	}
	/* Whether next is P_RUNNABLE, as everything queued must be, is left
	 * to sched_check_invariants (every tick): this path pays for the
	 * interrupt rule's check above instead. */
	struct proc *next = container_of(n, struct proc, link);
	next->state = P_RUNNING;
	next->run_start = now;
	current = next;
	if (next != prev) {
		/* The FPU goes with the CPU: prev's registers stay put if it
		 * runs again at once. */
		if (prev->fp_on)
			sched_fpu_switch_out(prev);
		/* Two processes never share a page table (no threads). */
		mmu_activate(next->mm.pt);
		swtch(&prev->ctx, &next->ctx);
	}
}

void sched_switch_to(struct proc *next)
{
	struct proc *prev = current;
	sched_hand_over(next);
	swtch(&prev->ctx, &next->ctx);
}

void sched_block_dropped(void)
{
	static struct context dropped;
	current->vcsw++;
	struct proc *prev = current;
	/* switch_away, with the context saved where nobody looks. */
	uint64_t now = arch_now();
	prev->runtime += now - prev->run_start;
	struct list *n = list_pop_front(&run_queue);
	if (!n) {
		current = NULL;
		if (prev->fp_on)
			sched_fpu_switch_out(prev);
		swtch(&dropped, &idle_ctx);
	} else {
		struct proc *next = container_of(n, struct proc, link);
		KASSERT(next->state == P_RUNNABLE);
		next->state = P_RUNNING;
		next->run_start = now;
		current = next;
		/* next != prev: prev is asleep. The FPU goes with the CPU, as in
		 * switch_away, and two processes never share a page table. */
		if (prev->fp_on)
			sched_fpu_switch_out(prev);
		mmu_activate(next->mm.pt);
		swtch(&dropped, &next->ctx);
	}
	panic("sched_block_dropped: a dropped context ran");
}

void sched_queue_front(struct proc *p)
{
	p->state = P_RUNNABLE;
	list_insert_before(run_queue.next, &p->link);
}

void sched_yield_to(struct proc *next)
{
	sched_queue_front(current);
	sched_switch_to(next);
}

void sched_yield(void)
{
	current->vcsw++;
	/* Alone on the CPU: nothing to switch to, no work to do. */
	if (list_empty(&run_queue))
		return;
	sched_make_runnable(current);
	switch_away();
}

void sched_preempt(void)
{
	if (list_empty(&run_queue))
		return;
	if (sched_policy == SCHED_FAIR && !fair_pick())
		return;
	current->ivcsw++;
	sched_make_runnable(current);
	switch_away();
}

void sched_exit(void)
{
	KASSERT(current->state == P_ZOMBIE);
	switch_away();
	panic("sched_exit: zombie ran again");
}

void sched_run_from_idle(struct proc *p)
{
	KASSERT(!current && p->state == P_SLEEPING && p->ipc_resume);
	p->state = P_RUNNING;
	p->waiting_on = NULL;
	current = p;
	p->run_start = arch_now();
	next_tick = p->run_start + sched_quantum;
	mmu_activate(p->mm.pt);
	arch_idle_trap_resume(&p->ctx);
}

/* The idle loop, on the boot stack. Interrupts are enabled only here,
 * around wfi: the hart sleeps until the timer or a device needs it. */
void sched_start(void)
{
	timer_start(arch_now() + sched_quantum);
	for (;;) {
		struct list *n;
		while (!(n = list_pop_front(&run_queue))) {
			/* A wait after which nothing can run (a timer tick
			 * while idle) is idle time; the one that made a process
			 * runnable (a device's interrupt, say) is counted as
			 * work. The count is how make bench leaves out the
			 * guest's waiting for a device (meminfo, idle_instret). */
			uint64_t t = arch_instret();
			arch_idle_wait();
			if (list_empty(&run_queue))
				sched_idle_instret += arch_instret() - t;
		}
		struct proc *next = container_of(n, struct proc, link);
		KASSERT(next->state == P_RUNNABLE);
		next->state = P_RUNNING;
		current = next;
		next->run_start = arch_now();
		next_tick = next->run_start + sched_quantum;
		mmu_activate(next->mm.pt);
		swtch(&idle_ctx, &next->ctx);
	}
}

void waitq_init(struct waitq *q, const char *name)
{
	list_init(&q->sleepers);
	q->name = name;
}

static int block(void)
{
	current->vcsw++;
	switch_away();
	if (current->attention) {
		signal_note_eintr(current);
		return -EINTR;
	}
	return 0;
}

/* Already killed, or a signal to deliver: no sleep (-EINTR). */
static int interrupted(void)
{
	signal_note_eintr(current);
	return -EINTR;
}

int sleep_on(struct waitq *q)
{
	if (current->attention)
		return interrupted();
	current->state = P_SLEEPING;
	current->waiting_on = q;
	list_push_back(&q->sleepers, &current->link);
	return block();
}

struct proc *wake_one(struct waitq *q)
{
	struct list *n = list_pop_front(&q->sleepers);
	if (!n)
		return NULL;
	struct proc *p = container_of(n, struct proc, link);
	sched_make_runnable(p);
	return p;
}

void wake_sleepers(struct waitq *q)
{
	struct list *n;
	while ((n = list_pop_front(&q->sleepers)))
		sched_make_runnable(container_of(n, struct proc, link));
}

static struct waitq timed_wait = { .name = "sleep" };

static inline uint64_t timed_at(const struct list *n) { return ((const struct timed *)n)->at; }
_Static_assert(offsetof(struct proc, wake_at) == offsetof(struct proc, link) + sizeof(struct list),
	       "a sleeping process is a timed-queue entry");

void sched_timed_add(struct timed *t)
{
	struct list *pos = timed_queue.next;
	while (pos != &timed_queue && timed_at(pos) <= t->at)
		pos = pos->next;
	list_insert_before(pos, &t->link);
	timer_request(t->at);
}

int sleep_until(uint64_t when)
{
	/* Set first: a usleep a signal interrupts restarts with the rest of
	 * it (signal.c), even one interrupted before it slept. */
	current->wake_at = when;
	if (current->attention)
		return interrupted();
	if (arch_now() >= when)
		return 0;
	current->state = P_SLEEPING;
	current->waiting_on = &timed_wait;
	sched_timed_add((struct timed *)&current->link);
	return block();
}

void sched_interrupt_sleep(struct proc *p)
{
	/* Stopped: only SIGKILL calls this for it; it runs to its death. */
	if (p->state == P_STOPPED) {
		sched_make_runnable(p);
		return;
	}
	/* Sleeping on nothing: a child fork is still building (its parent
	 * may be preempted meanwhile); it must not run before it is whole. */
	if (p->state != P_SLEEPING || !p->waiting_on)
		return;
	signal_note_eintr(p);
	list_del(&p->link);
	sched_make_runnable(p);
}

void sched_stop(void)
{
	current->state = P_STOPPED;
	current->vcsw++;
	switch_away();
}

void sched_continue(struct proc *p)
{
	if (p->state == P_STOPPED)
		sched_make_runnable(p);
}

/* The scheduler's invariants, checked on every timer tick (the kernel's
 * self-checks are always on: docs/performance.md gives their cost):
 *  - the run queue holds exactly the RUNNABLE processes, each once;
 *  - at most one process is RUNNING, and it is current;
 *  - a SLEEPING process names what it waits on; a ZOMBIE owns no memory. */
static inline __attribute__((always_inline)) void sched_check_invariants(void)
{
	int queued = 0;
	for (struct list *n = run_queue.next; n != &run_queue; n = n->next) {
		struct proc *p = container_of(n, struct proc, link);
		KASSERT(p->state == P_RUNNABLE && n->next->prev == n && ++queued <= NPROC);
	}
	int runnable = 0;
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &proc_table[i];
		switch (p->state) {
		case P_RUNNABLE: runnable++; break;
		case P_RUNNING: KASSERT(p == current); break;
		case P_SLEEPING: KASSERT(p->waiting_on || list_empty(&p->link)); break;
		case P_ZOMBIE: KASSERT(!p->mm.pt && list_empty(&p->link)); break;
		case P_UNUSED:
		case P_STOPPED: /* on no list, as SLEEPING on nothing (not checked:
				 * the tick's budget) */
			break;
		}
	}
	KASSERT(runnable == queued);
	KASSERT(!current || current->state == P_RUNNING);
}

/* The timed queue at a tick: the expired entries come off (sleepers
 * wake, alarms fire); returns the earlier of next and the first deadline
 * still to come. Out of line: the tick with an empty queue (a CPU-bound
 * process alone) keeps its frame small. */
static __attribute__((noinline)) uint64_t timed_next(uint64_t now, uint64_t next)
{
	while (!list_empty(&timed_queue)) {
		struct list *n = timed_queue.next;
		uint64_t at = timed_at(n);
		if (at > now)
			return at < next ? at : next;
		list_del(n);
		if (__builtin_expect(signal_is_alarm(n), 0))
			signal_alarm_expired(n, now);
		else
			sched_make_runnable(container_of(n, struct proc, link));
	}
	return next;
}

/* The tick's work; preempt: current may be preempted if its quantum is
 * over. */
static inline __attribute__((always_inline)) void tick(bool from_user, bool preempt)
{
	sched_check_invariants();
	uint64_t now = arch_now();
	bool quantum_over = now >= next_tick;
	/* Keep the ticks on a fixed grid, so that the interrupt's own lateness
	 * does not lengthen every quantum; after a long idle spell, restart
	 * the grid from now. */
	if (quantum_over)
		next_tick = next_tick + sched_quantum > now ? next_tick + sched_quantum
							    : now + sched_quantum;
	uint64_t next = next_tick;
	if (!list_empty(&timed_queue))
		next = timed_next(now, next);
	timer_start(next);
	if (current) {
		/* A tick that became pending while the kernel worked for this
		 * process is charged to S-mode even though it is taken in U. */
		if (from_user && !current->tick_in_kernel)
			current->uticks++;
		else
			current->sticks++;
		current->tick_in_kernel = false;
		if (preempt && quantum_over && !list_empty(&run_queue))
			sched_preempt();
	}
}

void sched_timer_tick(bool from_user) { tick(from_user, from_user); }

void sched_preempt_pending(void)
{
	/* At boot, init's exec runs before anything is scheduled: the tick
	 * waits for the idle loop. */
	if (current && current->state == P_RUNNING)
		tick(false, true);
}
