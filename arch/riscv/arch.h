/* The hooks through which the portable kernel (kernel/) reaches the
 * machine. Everything RISC-V-specific that kernel/ uses is declared here,
 * so the path from C into assembly is easy to follow. */
#pragma once
#include "csr.h"
#include "memlayout.h"
#include "mmu.h"
#include "trapframe.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- context switch (swtch.S) --- */
struct context {
	uint64_t ra, sp;
	uint64_t s[12];	/* s0..s11 */
};
_Static_assert(sizeof(struct context) == 14 * 8, "swtch.S layout");
void swtch(struct context *old, struct context *new);
/* Entered by a new process's first swtch, with sp at its trapframe. */
extern char trap_return[];

/* --- physical memory --- */
static inline void *pa_to_kva(uint64_t pa) { return (void *)(pa + KERNEL_OFFSET); }
static inline uint64_t kva_to_pa(const void *va) { return (uint64_t)va - KERNEL_OFFSET; }

/* --- interrupts: the kernel runs with them off (see trap.c) --- */
static inline void arch_intr_on(void) { csr_set(sstatus, SSTATUS_SIE); }
static inline void arch_intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline void arch_wait_for_interrupt(void) { __asm__ volatile("wfi" ::: "memory"); }

/* --- time --- */
extern uint64_t arch_timebase_hz;	/* ticks of arch_now() per second */
static inline uint64_t arch_now(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}
void arch_set_timer(uint64_t when);	/* one timer interrupt at arch_now() >= when */
/* Is a timer interrupt waiting to be taken (it arrived in the kernel)? */
static inline bool arch_timer_pending(void) { return csr_read(sip) & SIP_STIP; }

/* --- console (ns16550 UART) and power --- */
void arch_console_putc(char c);
int arch_console_getc(void);	/* -1 if nothing is waiting */
void arch_poweroff(int status) __attribute__((noreturn));

/* --- user-mode entry and the system-call ABI --- */
void arch_user_frame_init(struct trapframe *tf, uint64_t entry, uint64_t sp,
			  uint64_t argc, uint64_t argv);
static inline uint64_t arch_syscall_nr(const struct trapframe *tf) { return tf->a7; }
static inline uint64_t arch_syscall_arg(const struct trapframe *tf, int i) { return (&tf->a0)[i]; }
static inline void arch_syscall_ret(struct trapframe *tf, long v) { tf->a0 = (uint64_t)v; }
static inline void arch_fork_child_ret(struct trapframe *tf) { tf->a0 = 0; }
static inline uint64_t arch_user_pc(const struct trapframe *tf) { return tf->sepc; }
/* Leave for the current process's U-mode context in tf, dropping whatever
 * the kernel stack holds: trap_entry.S's exit, with sp = tf. Inline, so
 * the IPC fast path needs no call. */
extern char trap_return_fast[];
static inline __attribute__((noreturn)) void arch_return_to_user(struct trapframe *tf)
{
	__asm__ volatile("mv sp, %0\n\tj trap_return_fast" ::"r"(tf) : "memory");
	__builtin_unreachable();
}
/* A context that starts ipc_resume(tf) on the stack below tf (ipc_entry.S). */
extern char ipc_resume_entry[];

/* --- address spaces --- */
extern pagetable_t kernel_pagetable;
void arch_vm_init(uint64_t ram_start, uint64_t ram_end);
static inline void arch_tlb_flush_page(uint64_t va)
{
	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}
static inline void arch_tlb_flush_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }
/* mmu_activate, inline, for the IPC hand-off (kernel/sched.h). */
static inline void arch_activate_inline(pagetable_t root)
{
	/* The PPN fits below the mode bits, so | is +, and the direct map's
	 * offset folds into the same constant. */
	csr_write(satp, ((uint64_t)root >> 12) + (SATP_MODE_SV39 - (KERNEL_OFFSET >> 12)));
	sfence_vma_all();
}

/* --- bring-up (arch/riscv/setup.c), from the parsed device tree --- */
struct fdt_info;
void arch_setup(uint64_t hartid, const struct fdt_info *fdt);
void arch_describe_firmware(void);
/* Program the timer through the SBI's legacy call even if TIME exists. */
void arch_timer_use_legacy(void);

/* --- debugging --- */
void arch_backtrace(uint64_t fp);
static inline uint64_t arch_frame_pointer(void) { return (uint64_t)__builtin_frame_address(0); }
