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

/* Kernel events with no process (boot) have pid 0. The first event of a
 * process after another's is preceded by the switch that put it there:
 * every switch between recorded processes shows, at the first moment the
 * new one's own kernel code records anything (swtch itself is not
 * instrumented: it is on the benchmarked path). */
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
	put(icount, kind, pid, a, x0, x1, x2, x3, x4);
}

void timeline_record(enum tl_kind kind, uint32_t a, uint64_t x0, uint64_t x1, uint64_t x2,
		     uint64_t x3, uint64_t x4)
{
	timeline_record_at(arch_instret(), kind, a, x0, x1, x2, x3, x4);
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
		current->trace |= TRACE_TIMELINE;
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
