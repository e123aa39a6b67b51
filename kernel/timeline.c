/* The event timeline: a ring buffer of fixed-size records, and its dump.
 * docs/timeline.md has the format and what each event means. */
#include "timeline.h"
#include "arch.h"
#include "console.h"
#include "errno.h"
#include "kstring.h"
#include "palloc.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "hooks.h"
#include "ipc.h"
#include "vm.h"

/* Up to 4096 records of 64 bytes, one boot's worth of a few programs'
 * work, in pages taken when recording starts: a kernel that never records
 * neither holds them nor zeroes them at boot. */
#define TL_MAX 4096
#define TL_PER_PAGE (PGSIZE / sizeof(struct tl_event))
_Static_assert(PGSIZE % sizeof(struct tl_event) == 0, "records straddle pages");

/* In .data, not .bss: the boot zeroes .bss an instruction at a time, and
 * these would make it a page longer (boot_to_init, make bench). */
#define TL_DATA __attribute__((section(".data")))
static struct tl_event *ring[TL_MAX / TL_PER_PAGE] TL_DATA;
static uint32_t capacity = TL_MAX; /* timeline=N may make it smaller */
static uint32_t next_slot TL_DATA; /* where the next record goes */
static uint64_t recorded TL_DATA;  /* ever, the overwritten included */
static int last_pid = -1;	   /* whose events came last: a change is a switch */
/* Each slot's state as last recorded, to record changes (timeline.h). */
static struct {
	int pid;
	uint8_t state;
	bool recorded;
} shown[NPROC] TL_DATA;
/* Who has the CPU as far as swtch knows (NULL: idle): the old context
 * of a switch that drops its stack is no process's. */
static struct proc *on_cpu TL_DATA;
/* The states were looked at since the last trap's entry: a return to
 * U-mode right after a system call's end need not look again. */
static bool scanned TL_DATA;
static int top_slot TL_DATA; /* the highest slot record_states has seen in use */
bool timeline_active TL_DATA;
bool timeline_all TL_DATA;

/* Start recording: the ring's pages, then the recording trap entry. With
 * fewer pages free than wanted, a smaller ring (none: -ENOMEM). */
static int arm(void)
{
	if (!timeline_active) {
		uint32_t pages = (capacity + TL_PER_PAGE - 1) / TL_PER_PAGE, got = 0;
		while (got < pages && (ring[got] = palloc()))
			got++;
		if (!got)
			return -ENOMEM;
		if (got < pages)
			capacity = got * TL_PER_PAGE;
		timeline_active = true;
		arch_trap_recording(true);
		proc_start_pc = trap_return_rec;
	}
	return 0;
}

int timeline_param(const char *value)
{
	uint64_t n = TL_MAX;
	if (strcmp(value, "all")) {
		n = 0;
		for (const char *c = value; *c; c++) {
			if (*c < '0' || *c > '9' || n > TL_MAX)
				return -EINVAL;
			n = n * 10 + (uint64_t)(*c - '0');
		}
		if (n < 2 || n > TL_MAX)
			return -EINVAL;
	}
	capacity = (uint32_t)n;
	int err = arm();
	if (err)
		return err;
	timeline_all = true;
	syscall_trace_all |= TRACE_TIMELINE;
	timeline_record(TL_BOOT, 1, 0, 0, 0, 0, 0);
	return 0;
}

static void put(uint64_t icount, enum tl_kind kind, int pid, uint32_t a, uint64_t x0, uint64_t x1,
		uint64_t x2, uint64_t x3, uint64_t x4)
{
	struct tl_event *e = &ring[next_slot / TL_PER_PAGE][next_slot % TL_PER_PAGE];
	if (++next_slot == capacity)
		next_slot = 0;
	recorded++;
	e->icount = icount;
	e->time = arch_now();
	e->kind = (uint16_t)kind;
	e->pid = (uint16_t)pid;
	e->a = a;
	e->x[0] = x0;
	e->x[1] = x1;
	e->x[2] = x2;
	e->x[3] = x3;
	e->x[4] = x4;
}

/* p's name in 4 words, NUL-padded (the dump shows them little-endian). */
static void name_words(const struct proc *p, uint64_t w[4])
{
	size_t n = strlen(p->name);
	w[0] = w[1] = w[2] = w[3] = 0;
	memcpy(w, p->name, n < 4 * sizeof *w ? n : 4 * sizeof *w - 1);
}

static bool is_recorded(const struct proc *p)
{
	return p ? (p->trace & TRACE_TIMELINE) != 0 : timeline_all;
}

/* Take the slots' states as recorded without recording them (turning on
 * for one process: what the others did before is not news). */
static void sync_states(void)
{
	for (int i = 0; i < NPROC; i++) {
		const struct proc *p = &proc_table[i];
		shown[i].pid = p->pid;
		shown[i].state = (uint8_t)p->state;
		shown[i].recorded = p->state != P_UNUSED && is_recorded(p);
		if (p->state != P_UNUSED)
			top_slot = i;
	}
}

/* Record what changed in slot i since the last look (timeline.h): a new
 * process (TL_FORK), a state change, if the process is recorded; as by
 * pid. */
static void record_slot(int i, uint64_t icount, int pid)
{
	const struct proc *p = &proc_table[i];
	if (p->state != P_UNUSED && i > top_slot)
		top_slot = i;
	if (p->state == shown[i].state && p->pid == shown[i].pid)
		return;
	if (p->state != P_UNUSED && p->pid != shown[i].pid) {
		shown[i].pid = p->pid;
		shown[i].state = P_UNUSED;
		shown[i].recorded = is_recorded(p);
		if (shown[i].recorded)
			put(icount, TL_FORK, pid, (uint32_t)p->pid,
			    p->parent ? (uint64_t)p->parent->pid : 0, 0, 0, 0, 0);
	}
	if (p->state == shown[i].state)
		return;
	if (shown[i].recorded) {
		uint64_t w[3] = { 0, 0, 0 };
		if (p->state == P_SLEEPING && p->waiting_on && p->waiting_on->name) {
			size_t n = strlen(p->waiting_on->name);
			memcpy(w, p->waiting_on->name, n < sizeof w ? n : sizeof w - 1);
		}
		put(icount, TL_STATE, pid, (uint32_t)p->state, (uint64_t)shown[i].pid,
		    shown[i].state, w[0], w[1], w[2]);
	}
	shown[i].state = (uint8_t)p->state;
}

/* Every slot's changes but skip's; first's first (a switch's prev). */
static void record_states(uint64_t icount, int pid, const struct proc *first,
			  const struct proc *skip)
{
	if (first)
		record_slot((int)(first - proc_table), icount, pid);
	/* The loop is most of a recorded event's cost, so it stops past the
	 * highest slot ever seen in use: proc_alloc takes the lowest free
	 * slot, so a process new since the last look is in a slot at most one
	 * past a slot in use then or new too, which the loop finds first. */
	for (int i = 0; i < NPROC && i <= top_slot + 1; i++) {
		if (proc_table[i].state != P_UNUSED && i > top_slot)
			top_slot = i;
		if ((proc_table[i].state != shown[i].state || proc_table[i].pid != shown[i].pid) &&
		    &proc_table[i] != skip)
			record_slot(i, icount, pid);
	}
	scanned = true;
}

/* Kernel events with no process (boot, the idle loop) have pid 0. A
 * switch is recorded in swtch (timeline_swtch); one that bypassed it (the
 * IPC hand-off of a process not recorded) or came before recording did is
 * inferred: the first event of a process after another's is preceded by
 * a switch with a = 0 and this event's count. */
void timeline_record_at(uint64_t icount, enum tl_kind kind, uint32_t a, uint64_t x0, uint64_t x1,
			uint64_t x2, uint64_t x3, uint64_t x4)
{
	struct proc *p = current;
	if (p && !(p->trace & TRACE_TIMELINE))
		return;
	int pid = p ? p->pid : 0;
	if (pid != last_pid && p) {
		uint64_t w[4];
		name_words(p, w);
		put(icount, TL_SWITCH, pid, 0, last_pid < 0 ? 0 : (uint64_t)last_pid, w[0], w[1],
		    w[2], w[3]);
		last_pid = pid;
	}
	if (kind == TL_TRAP)
		scanned = false;
	else if (kind == TL_SYSCALL || kind == TL_FAULT_FATAL || (kind == TL_RETURN && !scanned))
		record_states(icount, pid, NULL, NULL);
	put(icount, kind, pid, a, x0, x1, x2, x3, x4);
}

void timeline_record(enum tl_kind kind, uint32_t a, uint64_t x0, uint64_t x1, uint64_t x2,
		     uint64_t x3, uint64_t x4)
{
	timeline_record_at(arch_instret(), kind, a, x0, x1, x2, x3, x4);
}

/* The process whose context ctx is, if it is a slot's. */
static struct proc *owner_of(const struct context *ctx)
{
	const char *c = (const char *)ctx, *table = (const char *)proc_table;
	if (c < table || c >= table + sizeof proc_table)
		return NULL;
	struct proc *p = &proc_table[(size_t)(c - table) / sizeof *p];
	return &p->ctx == ctx ? p : NULL;
}

void timeline_swtch(struct context *old, struct context *new)
{
	uint64_t stamp = arch_instret();
	struct proc *prev = owner_of(old), *next = current;
	if (!prev)
		prev = on_cpu;
	on_cpu = next;
	(void)new; /* next's: current already says whose */
	if (!is_recorded(prev) && !is_recorded(next))
		return;
	int prev_pid = prev ? prev->pid : 0, next_pid = next ? next->pid : 0;
	/* prev's change first, next's after the switch: the order they are
	 * told in. */
	record_states(stamp, prev_pid, prev, next);
	if (prev && prev->state == P_ZOMBIE && is_recorded(prev))
		put(stamp, TL_EXIT, prev_pid, (uint32_t)prev->exit_status,
		    prev->parent ? (uint64_t)prev->parent->pid : 0, 0, 0, 0, 0);
	uint64_t w[4] = { 0, 0, 0, 0 };
	if (next)
		name_words(next, w);
	else
		memcpy(w, "idle", 5);
	put(stamp, TL_SWITCH, next_pid, 1, (uint64_t)prev_pid, w[0], w[1], w[2], w[3]);
	last_pid = next_pid;
	if (next)
		record_slot((int)(next - proc_table), stamp, next_pid);
}

void timeline_idle_trap_done(void)
{
	if (!current)
		record_states(arch_instret(), 0, NULL, NULL);
}

void timeline_init_exit(int status)
{
	struct proc *p = current;
	if (is_recorded(p)) {
		uint64_t stamp = arch_instret();
		record_states(stamp, p->pid, NULL, NULL);
		put(stamp, TL_EXIT, p->pid, (uint32_t)status, 0, 0, 0, 0, 0);
	}
	if (timeline_all)
		timeline_dump();
}

void timeline_call_begin(uint64_t nr, const uint64_t args[6], uint64_t keep[4])
{
	struct trapframe *tf = current->tf;
	switch (nr) {
	case SYS_ipc_call:
		timeline_record(TL_IPC_CALL, (uint32_t)ipc_endpoint_of((long)args[0]), args[1],
				args[2], args[3], args[4], args[5]);
		break;
	case SYS_ipc_reply_recv:
		/* reply_recv with no caller to answer (token 0) only receives */
		if (LDE_TOKEN_PID(arch_msg_reg(tf, 6)))
			timeline_record(TL_IPC_REPLY, 0, LDE_TOKEN_PID(arch_msg_reg(tf, 6)),
					args[1], args[2], args[3], args[4]);
		break;
	case SYS_exec:
		keep[0] = keep[1] = keep[2] = keep[3] = 0;
		/* A bad path fails exec itself: then nothing is recorded. */
		if (copyinstr(&current->mm, (char *)keep, args[0], 4 * sizeof *keep) < 0)
			keep[0] = 0;
		break;
	}
}

void timeline_call_end(uint64_t nr, const uint64_t args[6], long ret, const uint64_t keep[4])
{
	struct trapframe *tf = current->tf;
	switch (nr) {
	case SYS_ipc_reply:
		if (ret == 0 && LDE_TOKEN_PID(args[0]))
			timeline_record(TL_IPC_REPLY, 0, LDE_TOKEN_PID(args[0]), args[1], args[2],
					args[3], args[4]);
		break;
	case SYS_ipc_recv:
	case SYS_ipc_reply_recv:
		if (ret >= 0 && !((uint64_t)ret & LDE_MSG_NTFN))
			timeline_record(TL_IPC_RECV, (uint32_t)ipc_endpoint_of((long)args[0]),
					LDE_TOKEN_PID(arch_msg_reg(tf, 6)), (uint64_t)ret,
					arch_msg_reg(tf, 2), arch_msg_reg(tf, 3),
					arch_msg_reg(tf, 4));
		break;
	case SYS_exec:
		if (ret >= 0)
			timeline_record(TL_EXEC, 1, keep[0], keep[1], keep[2], keep[3], 0);
		break;
	}
}

void timeline_record_exec(void)
{
	uint64_t w[4];
	name_words(current, w);
	timeline_record(TL_EXEC, 0, w[0], w[1], w[2], w[3], 0);
}

long timeline_control(long op, long arg)
{
	switch (op) {
	case LDE_TL_OP_OFF: current->trace &= ~TRACE_TIMELINE; return 0;
	case LDE_TL_OP_ON: {
		int err = arm();
		if (err)
			return err;
		if (!(current->trace & TRACE_TIMELINE))
			sync_states();
		current->trace |= TRACE_TIMELINE;
		on_cpu = current;
		timeline_record_exec();
		return 0;
	}
	case LDE_TL_OP_DUMP: timeline_dump(); return 0;
	case LDE_TL_OP_MARK: timeline_record(TL_MARK, 0, (uint64_t)arg, 0, 0, 0, 0); return 0;
	}
	return -EINVAL;
}

void timeline_dump(void)
{
	uint64_t kept = recorded < capacity ? recorded : capacity;
	uint32_t first = recorded < capacity ? 0 : next_slot;
	kprintf("\n=== lde timeline begin: version 1, %lu events, %lu lost, capacity %u, "
		"timebase %lu Hz ===\n",
		kept, recorded - kept, capacity, arch_timebase_hz);
	for (uint64_t i = 0; i < kept; i++) {
		uint64_t slot = (first + i) % capacity;
		const struct tl_event *e = &ring[slot / TL_PER_PAGE][slot % TL_PER_PAGE];
		kprintf("T %lu %lu %u %u %u %lx %lx %lx %lx %lx\n", e->icount, e->time, e->pid,
			e->kind, e->a, e->x[0], e->x[1], e->x[2], e->x[3], e->x[4]);
	}
	kprintf("=== lde timeline end ===\n");
}

/* The recording trap entry's hooks (hooks.h). */
void timeline_trap(uint64_t scause, uint64_t stval, uint64_t stamp)
{
	timeline_record_at(stamp, TL_TRAP, (uint32_t)scause | (uint32_t)(scause >> 32), stval, 0, 0,
			   0, 0);
}

void timeline_interrupt(bool timer)
{
	timeline_record(timer ? TL_TIMER : TL_DEVICE, 0, 0, 0, 0, 0, 0);
}

/* Reads the page table as vm_fault will: a present copy-on-write page
 * written is a copy, a missing page a fresh one. A fault that turns out
 * fatal never reaches timeline_fault_resolved (proc_fault records it). */
unsigned timeline_fault_how(enum user_fault kind, uint64_t addr)
{
	if (kind != FAULT_PAGE_READ && kind != FAULT_PAGE_WRITE && kind != FAULT_PAGE_EXEC)
		return TL_FAULT_FPU;
	if (addr >= USER_TOP)
		return TL_FAULT_PRESENT;
	void *page;
	struct mmu_entry *entry;
	unsigned perm = mmu_lookup(current->mm.pt, addr, &page, &entry);
	if (!perm)
		return TL_FAULT_LAZY;
	if (kind == FAULT_PAGE_WRITE && (perm & (PERM_COW | PERM_U)) == (PERM_COW | PERM_U))
		return TL_FAULT_COW;
	return TL_FAULT_PRESENT;
}

void timeline_fault_resolved(uint64_t scause, uint64_t addr, uint64_t pc, unsigned how)
{
	timeline_record(TL_FAULT, (uint32_t)scause, addr, pc, how, 0, 0);
}

void timeline_returning(void) { timeline_record(TL_RETURN, 0, 0, 0, 0, 0, 0); }
