/* The kernel's side of a trap from U-mode other than a system call:
 * arch/riscv/trap.c has decoded it into an enum user_fault, and this file
 * decides what follows: a page appears (heap or stack growth, copy on
 * write), the handler the process set for the signal the fault stands for
 * runs, or the process dies of that signal. */
#include "errno.h"
#include "hooks.h"
#include "sched.h"
#include "signal.h"
#include "trap.h"

static const char *fault_name(enum user_fault kind)
{
	switch (kind) {
	case FAULT_PAGE_READ: return "load page fault";
	case FAULT_PAGE_WRITE: return "store page fault";
	case FAULT_PAGE_EXEC: return "instruction page fault";
	case FAULT_ILLEGAL: return "illegal instruction";
	case FAULT_NO_FPU: return "floating-point instruction, but this CPU has no FPU";
	case FAULT_BREAKPOINT: return "breakpoint";
	case FAULT_FETCH_MISALIGNED: return "instruction address misaligned";
	case FAULT_LOAD_MISALIGNED: return "load address misaligned";
	case FAULT_STORE_MISALIGNED: return "store address misaligned";
	case FAULT_FETCH_ACCESS: return "instruction access fault";
	case FAULT_LOAD_ACCESS: return "load access fault";
	case FAULT_STORE_ACCESS: return "store access fault";
	case FAULT_UNKNOWN: break;
	}
	return "unknown exception";
}

static int signal_for(enum user_fault kind)
{
	switch (kind) {
	case FAULT_ILLEGAL:
	case FAULT_NO_FPU: return LDE_SIGILL;
	case FAULT_BREAKPOINT: return LDE_SIGTRAP;
	case FAULT_FETCH_MISALIGNED:
	case FAULT_LOAD_MISALIGNED:
	case FAULT_STORE_MISALIGNED: return LDE_SIGBUS;
	default: return LDE_SIGSEGV;
	}
}

/* A fault the process cannot go on from as it is: the handler it set for
 * the signal the fault stands for runs (returning to pc faults again), or, if it has none or blocks
 * sig, it dies with one line. */
static __attribute__((noinline)) void fault_signal(enum user_fault kind, uint64_t pc, uint64_t addr)
{
	int sig = signal_for(kind);
	if (signal_fault(sig))
		return;
	proc_fault(fault_name(kind), sig, pc, addr);
}

/* Fatal, but for an FP instruction that found its FPU off (the lazy FPU
 * switch: sched.c): that one is retried. Out of line, so that the page
 * faults' path stays as short as it was. */
static __attribute__((noinline)) void not_a_page_fault(enum user_fault kind, uint64_t pc,
						       uint64_t addr)
{
	if (kind == FAULT_ILLEGAL) {
		switch (arch_fpu_fault_kind(current->tf)) {
		case ARCH_FP_OFF: sched_fpu_fault(); return;
		case ARCH_FP_NONE: kind = FAULT_NO_FPU; break;
		case ARCH_FP_NOT: break;
		}
	}
	fault_signal(kind, pc, addr);
}

/* On the page-fault path (demand paging, copy on write): no frame pointer
 * of its own, as syscall_entry. */
__attribute__((optimize("omit-frame-pointer"))) void proc_user_fault(enum user_fault kind,
								     uint64_t pc, uint64_t addr)
{
	enum vm_access access;
	switch (kind) {
	case FAULT_PAGE_EXEC: access = VM_EXEC; break;
	case FAULT_PAGE_READ: access = VM_READ; break;
	case FAULT_PAGE_WRITE: access = VM_WRITE; break;
	default: not_a_page_fault(kind, pc, addr); return;
	}
	int err = vm_fault(&current->mm, addr, access);
	if (err == 0)
		return;
	if (err == -ENOMEM) {
		proc_out_of_memory(pc, addr);
		return; /* retry the access */
	}
	fault_signal(kind, pc, addr); /* a page fault: SIGSEGV */
}

void return_to_user(void) { return_to_user_of(current); }
