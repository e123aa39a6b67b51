/* The up-calls: every function arch/ calls in kernel/, and nothing else.
 * arch/riscv decodes a trap (what happened, at which address, which call)
 * and hands it here; kernel/ decides what to do about it (kill, grow the
 * stack, copy on write, schedule). Besides these hooks, arch/ uses only the
 * kernel's services: console.h, kassert.h, palloc.h, errno.h, ksyms.h,
 * kstring.h and fdt.h (scripts/check-boundaries.sh enforces the list). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct trapframe;

/* Boot: entry.S calls it on the boot stack, MMU on, with the firmware's
 * hart id and the physical address of the device tree. */
void kmain(uint64_t hartid, uint64_t dtb_pa);

/* A system call from U-mode: trap_entry.S calls this directly, with the
 * registers saved in tf and the pc already past the call instruction.
 * Decodes the call (number and arguments through arch.h's accessors), runs
 * it, puts the result back into tf and does return_to_user's work. */
void syscall_entry(struct trapframe *tf);

/* syscall_entry's twin in the recording trap entry (kernel/timeline.h):
 * stamp is the instruction count trap_entry read right after saving the
 * registers, scause the trap's cause (the system call's). Records the trap
 * (its x0 is the call number), the call and the return for a recorded
 * process. */
void syscall_entry_rec(struct trapframe *tf, uint64_t stamp, uint64_t scause);

/* The recording trap entry's events for the other traps from U-mode: the
 * trap (scause, stval, stamp as above), the interrupt handled (timer or
 * device; recorded before its handler, which may switch), a page fault
 * resolved, and the return to U-mode. */
void timeline_trap(uint64_t scause, uint64_t stval, uint64_t stamp);
void timeline_interrupt(bool timer);
void timeline_fault_resolved(uint64_t scause, uint64_t addr, uint64_t pc, unsigned how);
void timeline_returning(void); /* also a new process's first (trap_return_rec) */
/* After an interrupt taken in the idle loop (recorded by the recording
 * entry's trap_kernel_rec): the wake-ups it made. */
void timeline_idle_trap_done(void);
/* The recording swtch's (arch_swtch_recording): called on the old
 * context's stack, its registers saved in *old, current already the
 * process that *new belongs to (NULL: the idle loop). Records the state
 * changes since the last event, an exit, and the switch. */
struct context;
void timeline_swtch(struct context *old, struct context *new);

/* What a U-mode exception was, in the kernel's terms. */
enum user_fault {
	FAULT_PAGE_READ,  /* a load found no page, or one it may not read */
	FAULT_PAGE_WRITE, /* a store: no page, read-only or copy-on-write */
	FAULT_PAGE_EXEC,  /* an instruction fetch: no page, or not executable */
	FAULT_ILLEGAL,	  /* illegal instruction */
	FAULT_NO_FPU,	  /* FP on a CPU without F/D (kernel/trap.c tells) */
	FAULT_BREAKPOINT,
	FAULT_FETCH_MISALIGNED,
	FAULT_LOAD_MISALIGNED,
	FAULT_STORE_MISALIGNED,
	FAULT_FETCH_ACCESS, /* the physical access was refused (PMP, bus) */
	FAULT_LOAD_ACCESS,
	FAULT_STORE_ACCESS,
	FAULT_UNKNOWN, /* an exception the kernel has no name for */
};

/* The current process took exception kind at pc (the faulting instruction)
 * touching addr (0 where the kind has no address). Returns if the access is
 * to be retried (the page is there now); otherwise the process is killed
 * and this does not return. */
void proc_user_fault(enum user_fault kind, uint64_t pc, uint64_t addr);

/* The recording trap entry, before proc_user_fault: how a fault of kind at
 * addr will be resolved if it is (kernel/timeline.h, enum tl_fault_how);
 * timeline_fault_resolved records it after. */
unsigned timeline_fault_how(enum user_fault kind, uint64_t addr);

/* Last thing before every return to U-mode, after a fault or an interrupt
 * (system calls do the same inside syscall_entry): acts on a pending kill,
 * notes a timer tick that arrived while the kernel worked. */
void return_to_user(void);

/* The timer interrupt: account, wake timed sleepers, preempt. from_user
 * says whether the current process was in U-mode. */
void sched_timer_tick(bool from_user);

/* A preemption point's slow path (sched.h, sched_preempt_point): a timer
 * interrupt is pending (arch_timer_pending) inside a long system call;
 * handle the tick, and give up the CPU if current's quantum is over.
 * arch/ calls it between the steps of a long page-table walk (mmu.c), at
 * a point where the tables are whole. */
void sched_preempt_pending(void);

/* A process that blocked in IPC without keeping its kernel stack
 * (arch_ctx_resume_ipc) runs again: finish the system call it blocked in,
 * its result into tf, and return_to_user's work (kernel/ipc.c). */
void ipc_resume(struct trapframe *tf);

/* Device interrupt: one byte received on the console. */
void tty_input(int c);

/* A routed device interrupt (arch_irq_route) fired: its source is masked
 * and its claim completed. May switch to the driver it wakes. */
void dev_interrupt(uint32_t irq);
