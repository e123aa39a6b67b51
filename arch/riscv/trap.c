/* Trap decoding, in C. trap_entry.S saves the registers and calls
 * trap_user for traps from U-mode and trap_kernel for traps from S-mode.
 * This file only decodes (what trapped, at which address): what to do
 * about it is kernel/'s decision, reached through the hooks of hooks.h
 * (proc_user_fault, sched_timer_tick, return_to_user).
 *
 * Interrupt rule: sstatus.SIE is 0 whenever the kernel runs, from trap
 * entry (the hardware clears it) to sret, except inside the idle loop
 * (kernel/sched.c). An interrupt that arrives during a system call stays
 * pending until sret drops to U-mode, where it is taken at once, or until
 * a long call's preemption point handles the timer's (sched_preempt_point). */
#include "arch.h"
#include "console.h"
#include "csr.h"
#include "hooks.h"
#include "kassert.h"
#include "plic.h"

extern char trap_entry[], trap_entry_rec[];

bool arch_fpu_present;

void trap_init(void)
{
	csr_write(stvec, (uint64_t)trap_entry); /* direct mode */
	csr_write(sscratch, 0);
	csr_set(sie, SIE_STIE | SIE_SEIE);
	/* S-mode cannot read misa; FS, though, is read-only Off without F:
	 * whether a write sticks tells. The kernel then runs with it Off. */
	csr_set(sstatus, SSTATUS_FS_INITIAL);
	arch_fpu_present = csr_read(sstatus) & SSTATUS_FS_MASK;
	csr_clear(sstatus, SSTATUS_FS_MASK);
}

/* Is insn (the bits stval gives for an illegal instruction) one of F or D:
 * an FP load, store, arithmetic or fused multiply-add, compressed or not,
 * or a CSR instruction on fflags, frm or fcsr? 0 (stval unknown) is not. */
static bool is_fp_insn(uint64_t insn)
{
	if ((insn & 3) != 3) { /* compressed: C.FLD, C.FSD, C.FLDSP, C.FSDSP */
		uint64_t funct3 = (insn >> 13) & 7;
		return (insn & 3) != 1 && (funct3 == 1 || funct3 == 5);
	}
	switch (insn & 0x7f) {
	case 0x07: /* LOAD-FP */
	case 0x27: /* STORE-FP */
	case 0x43: /* FMADD, FMSUB, FNMSUB, FNMADD */
	case 0x47:
	case 0x4b:
	case 0x4f:
	case 0x53: return true; /* OP-FP */
	case 0x73: {		/* SYSTEM: csrr* on CSRs 1..3 */
		uint64_t csr = (insn >> 20) & 0xfff;
		return ((insn >> 12) & 7) != 0 && csr >= 1 && csr <= 3;
	}
	default: return false;
	}
}

void arch_trap_recording(bool on)
{
	csr_write(stvec, (uint64_t)(on ? trap_entry_rec : trap_entry));
	arch_swtch_recording(on);
}

static const char *exception_name(uint64_t code)
{
	switch (code) {
	case EXC_INST_MISALIGNED: return "instruction address misaligned";
	case EXC_INST_ACCESS: return "instruction access fault";
	case EXC_ILLEGAL_INST: return "illegal instruction";
	case EXC_BREAKPOINT: return "breakpoint";
	case EXC_LOAD_MISALIGNED: return "load address misaligned";
	case EXC_LOAD_ACCESS: return "load access fault";
	case EXC_STORE_MISALIGNED: return "store address misaligned";
	case EXC_STORE_ACCESS: return "store access fault";
	case EXC_ECALL_U: return "ecall from U-mode";
	case EXC_ECALL_S: return "ecall from S-mode";
	case EXC_INST_PAGE_FAULT: return "instruction page fault";
	case EXC_LOAD_PAGE_FAULT: return "load page fault";
	case EXC_STORE_PAGE_FAULT: return "store page fault";
	default: return "unknown exception";
	}
}

static void interrupt(uint64_t code, bool from_user)
{
	switch (code) {
	case IRQ_S_TIMER: sched_timer_tick(from_user); break;
	case IRQ_S_EXT: plic_handle(); break;
	default: panic("trap: unexpected interrupt %lu", code);
	}
}

/* The kernel's name for a U-mode exception. */
static enum user_fault fault_kind(uint64_t code)
{
	switch (code) {
	case EXC_INST_PAGE_FAULT: return FAULT_PAGE_EXEC;
	case EXC_LOAD_PAGE_FAULT: return FAULT_PAGE_READ;
	case EXC_STORE_PAGE_FAULT: return FAULT_PAGE_WRITE;
	case EXC_ILLEGAL_INST: return FAULT_ILLEGAL;
	case EXC_BREAKPOINT: return FAULT_BREAKPOINT;
	case EXC_INST_MISALIGNED: return FAULT_FETCH_MISALIGNED;
	case EXC_LOAD_MISALIGNED: return FAULT_LOAD_MISALIGNED;
	case EXC_STORE_MISALIGNED: return FAULT_STORE_MISALIGNED;
	case EXC_INST_ACCESS: return FAULT_FETCH_ACCESS;
	case EXC_LOAD_ACCESS: return FAULT_LOAD_ACCESS;
	case EXC_STORE_ACCESS: return FAULT_STORE_ACCESS;
	default: return FAULT_UNKNOWN;
	}
}

enum arch_fp_fault arch_fpu_fault_kind(const struct trapframe *tf)
{
	if (tf->sstatus & SSTATUS_FS_MASK)
		return ARCH_FP_NOT; /* the FPU was on: truly illegal */
	if (!arch_fpu_present)
		return is_fp_insn(tf->stval) ? ARCH_FP_NONE : ARCH_FP_NOT;
	/* Where the hardware does not say which instruction it was (stval
	 * 0), the retry with the FPU on does: a truly illegal one traps
	 * again, with FS on, and is fatal then. */
	return is_fp_insn(tf->stval) || !tf->stval ? ARCH_FP_OFF : ARCH_FP_NOT;
}

/* From U-mode, for everything but system calls (trap_entry.S sends those
 * straight to syscall_entry); tf is the current process's trapframe.
 * Returns to trap_entry.S, which restores tf and srets. */
__attribute__((optimize("omit-frame-pointer"))) void trap_user(struct trapframe *tf)
{
	uint64_t cause = tf->scause;
	if (cause & SCAUSE_INTR)
		interrupt(SCAUSE_CODE(cause), true);
	else
		proc_user_fault(fault_kind(cause), tf->sepc, tf->stval);
	return_to_user();
}

/* trap_user's twin in the recording entry (trap_entry_rec): the same
 * work, with its events (hooks.h); stamp is the instruction count read
 * at entry. */
void trap_user_rec(struct trapframe *tf, uint64_t stamp)
{
	uint64_t cause = tf->scause;
	timeline_trap(cause, tf->stval, stamp);
	if (cause & SCAUSE_INTR) {
		timeline_interrupt(SCAUSE_CODE(cause) == IRQ_S_TIMER);
		interrupt(SCAUSE_CODE(cause), true);
	} else {
		/* Told apart before the fault changes the page table. */
		unsigned how = timeline_fault_how(fault_kind(cause), tf->stval);
		proc_user_fault(fault_kind(cause), tf->sepc, tf->stval);
		timeline_fault_resolved(cause, tf->stval, tf->sepc, how);
	}
	timeline_returning();
	return_to_user();
}

extern char __boot_stack_guard[], __boot_stack_bottom[];
extern int kstack_slots; /* kvm.c */
extern char idle_window[], idle_window_end[];

/* Written by trap_entry.S at every trap from S-mode (the idle loop's
 * interrupts); cleared when its handler is done, so that it is never
 * stale for an interrupt taken from U-mode, which does not stamp. */
uint64_t ktrap_stamp;

uint64_t arch_irq_stamp(void)
{
	/* Taken: a handler that leaves the trap for good (a process run
	 * straight from the idle loop's interrupt) never comes back to
	 * clear it. */
	uint64_t s = ktrap_stamp;
	ktrap_stamp = 0;
	return s;
}

/* The unmapped page below a kernel stack (a process slot's or the boot
 * stack) that holds a, or 0. */
static uint64_t guard_page_of(uint64_t a)
{
	if (a >= (uint64_t)__boot_stack_guard && a < (uint64_t)__boot_stack_bottom)
		return (uint64_t)__boot_stack_guard;
	if (a < KSTACK_REGION || a >= KSTACK_REGION + (uint64_t)kstack_slots * KSTACK_SLOT_SIZE)
		return 0;
	uint64_t slot = a - (a - KSTACK_REGION) % KSTACK_SLOT_SIZE;
	return a < slot + PGSIZE ? slot : 0;
}

/* From S-mode: an interrupt in the idle loop, or a kernel bug. tf is on
 * the trap stack (trap_entry.S); tf->sp is where the kernel was. */
void trap_kernel(struct trapframe *tf)
{
	uint64_t cause = tf->scause;
	if (cause & SCAUSE_INTR) {
		/* The interrupt rule: the kernel takes interrupts only in the
		 * idle loop's wait. */
		KASSERT(tf->sepc >= (uint64_t)idle_window && tf->sepc <= (uint64_t)idle_window_end);
		interrupt(SCAUSE_CODE(cause), false);
		ktrap_stamp = 0;
		return;
	}
	kprintf("\nkernel trap: %s, sepc=%016lx stval=%016lx\n", exception_name(cause), tf->sepc,
		tf->stval);
	arch_backtrace(tf->s0);
	/* A function's frame that ran into the guard page: sp is there, or
	 * the faulting store was (sp already below, a big frame). */
	uint64_t guard = guard_page_of(tf->sp);
	if (!guard && (cause == EXC_STORE_PAGE_FAULT || cause == EXC_LOAD_PAGE_FAULT))
		guard = guard_page_of(tf->stval);
	if (guard)
		panic("trap_kernel: kernel stack overflow (sp=%016lx, guard page %016lx)", tf->sp,
		      guard);
	panic("trap_kernel: %s in S-mode", exception_name(cause));
}

/* trap_kernel's twin in the recording entry (trap_from_kernel_rec): an
 * interrupt taken in the idle loop is recorded, with no process (pid 0,
 * the idle loop), before its handler. */
void trap_kernel_rec(struct trapframe *tf, uint64_t stamp)
{
	uint64_t cause = tf->scause;
	if (cause & SCAUSE_INTR) {
		timeline_trap(cause, tf->stval, stamp);
		timeline_interrupt(SCAUSE_CODE(cause) == IRQ_S_TIMER);
	}
	trap_kernel(tf);
	timeline_idle_trap_done();
}

void arch_user_frame_init(struct trapframe *tf, uint64_t entry, uint64_t sp)
{
	for (uint64_t *r = &tf->ra; r <= &tf->t6; r++)
		*r = 0;
	tf->sepc = entry;
	tf->sp = sp;
	/* sret drops to U-mode (SPP = 0) with interrupts on (SPIE = 1) and
	 * the FPU off (FS = 0): the first FP instruction traps, and the lazy
	 * switch (kernel/sched.c) loads the process's registers then. */
	tf->sstatus =
		(csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_FS_MASK | SSTATUS_SIE | SSTATUS_SUM)) |
		SSTATUS_SPIE;
}
