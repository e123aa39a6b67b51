/* The contract between the portable kernel (kernel/) and the machine: the
 * hooks kernel/ may call, and nothing else. The up-calls arch/ makes into
 * kernel/ are in kernel/hooks.h.
 *
 * kernel/ includes no other arch/riscv header. The inline functions below
 * need three of them (CSR names, the trapframe's layout, KERNEL_OFFSET):
 * they are included at the end, for those bodies only, and kernel/ may not
 * use their names (scripts/check-boundaries.sh). Inline, because these sit
 * on the system-call and page-fault paths, where a call would cost. */
#pragma once
#include "uapi_layout.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trapframe; /* saved user registers; layout private to arch/ */

/* --- context switch (swtch.S) --- */
struct context {
	uint64_t ra, sp;
	uint64_t s[12]; /* s0..s11 */
};
void swtch(struct context *old, struct context *new);
/* Entered by a new process's first swtch, with sp at its trapframe. */
extern char trap_return[];
/* trap_return, recording the return first (the event timeline's). */
extern char trap_return_rec[];

/* --- physical memory --- */
static inline void *pa_to_kva(uint64_t pa);
static inline uint64_t kva_to_pa(const void *va);
/* Physical RAM at or above this address is not reachable until
 * arch_setup has built the kernel's page table (the boot map's end). */
uint64_t arch_boot_ram_end(void);

/* --- interrupts: the kernel runs with them off (see trap.c) --- */
static inline void arch_intr_on(void);
static inline void arch_intr_off(void);
static inline bool arch_intr_enabled(void);
/* Enable interrupts, wait for one, disable them (trap_entry.S): the idle
 * loop's wait, and the only window in which the kernel takes interrupts. */
void arch_idle_wait(void);

/* --- traps (trap.c) --- */
/* Install the recording trap entry (on) or the plain one: the event
 * timeline's (kernel/timeline.h), which costs the plain entry nothing. */
void arch_trap_recording(bool on);
/* ... and swtch's twin, which calls timeline_swtch (hooks.h) just before
 * the registers change: swtch's first instruction is rewritten to jump to
 * it (swtchpatch.c). arch_trap_recording does both. */
void arch_swtch_recording(bool on);

/* --- time (timer.c) --- */
extern uint64_t arch_timebase_hz; /* ticks of arch_now() per second */
static inline uint64_t arch_now(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}
void arch_set_timer(uint64_t when); /* one timer interrupt at arch_now() >= when */
/* Is a timer interrupt waiting to be taken (it arrived in the kernel)? */
static inline bool arch_timer_pending(void);
/* The retired-instruction count (instret; OpenSBI's mcounteren lets
 * S-mode read it). */
static inline uint64_t arch_instret(void)
{
	uint64_t n;
	__asm__ volatile("rdinstret %0" : "=r"(n));
	return n;
}
/* Program the timer through the SBI's legacy call even if TIME exists. */
void arch_timer_use_legacy(void);

/* --- console (ns16550 UART) and power --- */
void arch_console_putc(char c);
int arch_console_getc(void); /* -1 if nothing is waiting */
void arch_poweroff(int status) __attribute__((noreturn));

/* --- processes: kernel stacks, user-mode entry and the system-call ABI --- */
/* Map kernel stacks 0..nslots-1 (boot only; panics if memory runs out). */
void arch_kstacks_init(int nslots);
/* The trapframe at the top of kernel stack slot, below ARCH_SLOT_AREA
 * bytes that kernel/ keeps per slot (arch_slot_area): memory the slot owns
 * from boot, that costs neither .bss nor boot time (signal.h). */
static inline struct trapframe *arch_kstack_frame(int slot);
#define ARCH_SLOT_AREA 1024
static inline void *arch_slot_area(struct trapframe *tf);
/* A fresh U-mode frame: start at entry with stack pointer sp (crt0 finds
 * argc, argv and envp on that stack). */
void arch_user_frame_init(struct trapframe *tf, uint64_t entry, uint64_t sp);
static inline uint64_t arch_syscall_nr(const struct trapframe *tf);
static inline uint64_t arch_syscall_arg(const struct trapframe *tf, int i);
static inline void arch_syscall_ret(struct trapframe *tf, long v);
static inline void arch_fork_child_ret(struct trapframe *tf);

/* --- IPC: messages in registers, and the direct hand-off (ipc_entry.S) ---
 * Register i (0..6: a0..a6) of a frame saved by a system call: IPC moves a
 * message from the sender's frame to the receiver's. */
static inline uint64_t arch_msg_reg(const struct trapframe *tf, int i);
static inline void arch_set_msg_reg(struct trapframe *tf, int i, uint64_t v);
/* Leave for the current process's U-mode context in tf (its result already
 * in place), dropping everything on the kernel stack. */
static inline void arch_return_to_user(struct trapframe *tf) __attribute__((noreturn));
/* Make ctx start ipc_resume(tf) (hooks.h) on the stack below tf when
 * switched to, then return to U-mode: for a process that blocked without
 * keeping its kernel stack. */
static inline void arch_ctx_resume_ipc(struct context *ctx, struct trapframe *tf);
/* From the handler of an interrupt taken in the idle loop: leave for ctx,
 * made by arch_ctx_resume_ipc, at once. The trap's frame and the idle
 * loop's stack are dropped (the idle loop's saved context still resumes
 * it); the return to U-mode at the end of ctx's path is the trap's. */
static inline void arch_idle_trap_resume(struct context *ctx) __attribute__((noreturn));

/* --- signals (kernel/signal.c builds the frames; docs/signals.md) ---
 * A signal frame keeps the U-mode registers as regs[32]: the pc first,
 * then x1..x31. Never sstatus: a frame cannot change the privilege level,
 * the interrupt enable or anything else sret takes from it. */
static inline void arch_sig_save(const struct trapframe *tf, uint64_t regs[32]);
/* regs back into tf, the pc included, if the pc is a user address (below
 * USER_TOP: the kernel half and non-canonical addresses are not); false,
 * and tf unchanged, otherwise. */
static inline bool arch_sig_restore(struct trapframe *tf, const uint64_t regs[32]);
/* Run handler(sig, 0, frame) next, on the stack at frame, returning to
 * restorer. */
static inline void arch_sig_enter(struct trapframe *tf, uint64_t handler, int sig, uint64_t frame,
				  uint64_t restorer);
static inline uint64_t arch_user_sp(const struct trapframe *tf);
/* Was tf saved by a system call whose result is still to be seen by the
 * restart logic? arch_syscall_done forgets that (after the decision, a
 * handler's entry or a sigreturn). */
static inline bool arch_in_syscall(const struct trapframe *tf);
static inline void arch_syscall_done(struct trapframe *tf);
static inline long arch_syscall_result(const struct trapframe *tf);
/* Run the system call again: back to its ecall, with a0 as it was. */
static inline void arch_syscall_restart(struct trapframe *tf, uint64_t a0);

/* --- floating point (fpu.S) ---
 * A process's FP registers, kept by kernel/ in its struct proc; the lazy
 * switch that decides when to save and load them is kernel/sched.c's. The
 * running process's FPU is either off (its next FP instruction traps, and
 * trap.c calls sched_fpu_fault) or on: its registers are in the FPU,
 * clean (they match its struct fpstate) or dirty (written since). */
struct fpstate {
	uint64_t f[32]; /* f0..f31 */
	uint64_t fcsr;	/* rounding mode, exception flags */
};
extern bool arch_fpu_present; /* the CPU has F and D (probed at boot) */
/* The FPU's registers into *s; the FPU must be on. */
void arch_fpu_save(struct fpstate *s);
/* *s into the FPU's registers, turning it on (dirty). */
void arch_fpu_load(const struct fpstate *s);
/* Has the running process written an FP register since arch_fpu_on? */
static inline bool arch_fpu_dirty(void);
/* Let the process of tf (current) use the FPU, its registers clean. */
static inline void arch_fpu_on(struct trapframe *tf);
/* Turn the FPU off for the process of tf (current): its next FP
 * instruction traps. */
static inline void arch_fpu_off(struct trapframe *tf);
/* The same for a process not running: its frame only (fork's child). */
static inline void arch_fpu_frame_off(struct trapframe *tf);
/* What an illegal-instruction fault of current, whose frame is tf, was:
 * ARCH_FP_OFF, an FP instruction with its FPU off (the lazy switch's
 * trap: sched_fpu_fault, then retry); ARCH_FP_NONE, an FP instruction on
 * a CPU without an FPU; ARCH_FP_NOT, something else. */
enum arch_fp_fault { ARCH_FP_NOT, ARCH_FP_OFF, ARCH_FP_NONE };
enum arch_fp_fault arch_fpu_fault_kind(const struct trapframe *tf);

/* --- user address spaces (mmu.c) ---
 * kernel/vm.c builds address spaces with these; the page-table format
 * stays in arch/. va is a user address, a page the kernel address of a
 * physical page (palloc.h). The page-table pages themselves come from
 * palloc too. */
typedef uint64_t *pagetable_t; /* a root page table: a handle to kernel/ */
#define PERM_R 0x2	       /* user page permissions */
#define PERM_W 0x4
#define PERM_X 0x8
#define PERM_U 0x10    /* U-mode may access it: every user page has it */
#define PERM_COW 0x100 /* read-only because shared copy-on-write */
#define PERM_RAM                                                   \
	0x200 /* RAM: every page mapped but device registers       \
	       * (mmu_map_device_page); mmu_lookup reports it, and \
	       * the kernel asks for it to touch a user page */
/* A new, empty user address space; NULL if out of memory. */
pagetable_t mmu_new_user_root(void);
/* Map page at va with perm. 0, -ENOMEM, or -EEXIST if va is mapped. */
int mmu_map_page(pagetable_t pt, uint64_t va, void *page, unsigned perm);
/* The permissions of the page at va (PERM_COW included) and, in *page,
 * the page, in *entry where the mapping is kept (for mmu_remap); 0 if
 * nothing is mapped there, *entry then the empty place for va's mapping
 * (for mmu_fill), or NULL if va lacks tables. */
struct mmu_entry;
unsigned mmu_lookup(pagetable_t pt, uint64_t va, void **page, struct mmu_entry **entry);
/* Allocate the tables va lacks (palloc); where va's mapping is kept, or
 * NULL if out of memory. */
struct mmu_entry *mmu_make_tables(pagetable_t pt, uint64_t va);
/* Map page with perm at the empty entry for va that mmu_lookup or
 * mmu_make_tables gave (the tables unchanged since). Nothing was mapped:
 * no TLB flush. */
void mmu_fill(struct mmu_entry *entry, void *page, unsigned perm);
/* The tables: below the root, ARCH_TABLE_LEVELS levels of them; one at
 * level l maps an aligned span of ARCH_TABLE_SPAN(l) bytes (level 0, the
 * one holding the pages' entries, the smallest). */
#define ARCH_TABLE_LEVELS 2
#define ARCH_TABLE_SHIFT(l) (PGSHIFT + 9 * ((l) + 1))
#define ARCH_TABLE_SPAN(l) (LDE_UL(1) << ARCH_TABLE_SHIFT(l))
/* How many levels of tables below the root exist for va, from the top:
 * 0 (none) to ARCH_TABLE_LEVELS (all, the level-0 one included). */
int mmu_table_depth(pagetable_t pt, uint64_t va);
/* The kernel address of the byte at va if its page has every perm bit,
 * else NULL. With PERM_RAM in perm, NULL for device registers: the
 * kernel's own accesses (any size, byte by byte) could fault there.
 * Inline: copyin, copyout and IPC's lease copies come here.
 */
static inline void *mmu_translate(pagetable_t pt, uint64_t va, unsigned perm);
/* mmu_translate for a va below USER_TOP (the caller checked): a few
 * instructions shorter, for signal delivery and sigreturn. NULL also for
 * a table entry with more than V among its flags (the kernel makes none;
 * the caller's slow path copes). */
static inline void *mmu_translate_user(pagetable_t pt, uint64_t va, unsigned perm);
/* Replace the mapping of va that mmu_lookup found at entry (the tables
 * unchanged since) and flush it from the TLB. */
void mmu_remap(struct mmu_entry *entry, uint64_t va, void *page, unsigned perm);
/* Unmap every page in [start, end), dropping a reference to each (no TLB
 * flush), and subtract their number from *pages. Long: it has preemption
 * points (hooks.h, sched_preempt_pending), where *pages is exact and the
 * tables are whole (pt may be the active table meanwhile). */
void mmu_unmap_range(pagetable_t pt, uint64_t start, uint64_t end, uint64_t *pages);
/* Device registers (not RAM, no page to count references on): map the
 * physical page pa at va (without PERM_RAM). mmu_unmap_window unmaps every
 * page in [start, end), dropping a reference to those that are RAM and
 * only clearing device registers, and subtracts their number from *pages. */
int mmu_map_device_page(pagetable_t pt, uint64_t va, uint64_t pa, unsigned perm);
void mmu_unmap_window(pagetable_t pt, uint64_t start, uint64_t end, uint64_t *pages);
/* The same for only the pages of [start, end) mapping physical memory in
 * [pa, pa + size): a device's registers or DMA pages, revoked. No TLB
 * flush. */
void mmu_unmap_window_phys(pagetable_t pt, uint64_t start, uint64_t end, uint64_t pa, uint64_t size,
			   uint64_t *pages);
/* A device interrupt source the kernel does not handle itself: route irq
 * to dev_interrupt (hooks.h), masked; the PLIC delivers it only while
 * unmasked. When it fires, arch/ masks it, completes the claim, then calls
 * dev_interrupt. */
int arch_irq_route(uint32_t irq); /* 0, or -EINVAL: no PLIC, or irq bad or taken */
void arch_irq_mask(uint32_t irq);
void arch_irq_unmask(uint32_t irq);
/* In a device interrupt's handler: the instruction count (instret) at the
 * first instruction of its trap if the trap was taken in the idle loop,
 * else 0 (traps from U-mode are not stamped, to keep them short). */
uint64_t arch_irq_stamp(void);
/* Map every page of src in [start, end) into dst too, taking a reference;
 * writable pages become read-only and PERM_COW in both. Adds the number of
 * pages shared to *shared. 0 or -ENOMEM (part may be shared by then).
 * Preemption points as in mmu_unmap_range. */
int mmu_share_cow(pagetable_t dst, pagetable_t src, uint64_t start, uint64_t end, uint64_t *shared);
/* Free the table pages that map only addresses inside [start, end), or
 * that straddle its end and are now empty (never one that also maps below
 * start); the pages inside the range must be unmapped already. */
void mmu_free_tables_in(pagetable_t pt, uint64_t start, uint64_t end);
/* An address space with no pages left: free every table page that maps
 * any of the ranges r[0..n) (sorted, disjoint, user addresses), straddling
 * or not, however the ranges share tables, then the root. The caller
 * vouches that no table maps anything outside the ranges: the rest of the
 * user half is not looked at. pt must not be active. No preemption point:
 * a table costs one free, little next to the unmapping of its pages. */
struct va_range {
	uint64_t start, end;
};
void mmu_free_user_tables(pagetable_t pt, const struct va_range *r, int n);
/* Table pages of the user half, the root included. */
uint64_t mmu_table_pages(pagetable_t pt);
void mmu_activate(pagetable_t pt);
/* mmu_activate, inline: the IPC hand-off's address-space switch. */
static inline void arch_activate_inline(pagetable_t pt);
void mmu_activate_kernel(void); /* the kernel's own, with no user half */
static inline void arch_tlb_flush_all(void);

/* --- bring-up (setup.c), from the device tree --- */
struct fdt;
/* Traps, SBI, the timer frequency and the board's devices from the device
 * tree, and the kernel page table over RAM [ram_start, ram_end). */
void arch_setup(uint64_t hartid, const struct fdt *fdt, uint64_t ram_start, uint64_t ram_end);
void arch_describe_firmware(void);

/* --- debugging --- */
void arch_backtrace(uint64_t fp);
static inline uint64_t arch_frame_pointer(void) { return (uint64_t)__builtin_frame_address(0); }

/* ---- private: the inline bodies, and what they need ---- */
#include "context.h"
#include "csr.h"
#include "fpu.h"
#include "memlayout.h"
#include "trapframe.h"

_Static_assert(offsetof(struct context, ra) == CTX_RA && offsetof(struct context, sp) == CTX_SP &&
		       offsetof(struct context, s[0]) == CTX_S(0) &&
		       offsetof(struct context, s[11]) == CTX_S(11) &&
		       sizeof(struct context) == CTX_SIZE,
	       "swtch.S layout");

_Static_assert(offsetof(struct fpstate, f[31]) == FP_F(31) &&
		       offsetof(struct fpstate, fcsr) == FP_FCSR &&
		       sizeof(struct fpstate) == FP_SIZE,
	       "fpu.S layout");

_Static_assert(offsetof(struct fpstate, f[31]) == FP_F(31) &&
		       offsetof(struct fpstate, fcsr) == FP_FCSR &&
		       sizeof(struct fpstate) == FP_SIZE,
	       "fpu.S layout");

static inline void *pa_to_kva(uint64_t pa) { return (void *)(pa + KERNEL_OFFSET); }

/* Sv39, written out level by level (mmu.h has the format's names; mmu.c
 * checks that they agree with these): a table entry is V without R, W or
 * X; an entry's page is its bits 10 and up, shifted to a page number. */
static inline void *mmu_translate(pagetable_t pt, uint64_t va, unsigned perm)
{
	const uint64_t v = 1, rwx = 0xe, leaf = v | (perm & 0x3ff);
	uint64_t pte = pt[(va >> 30) & 511];
	if ((pte & (v | rwx)) != v)
		return NULL; /* not there, or a gigapage */
	pte = ((uint64_t *)pa_to_kva(pte >> 10 << PGSHIFT))[(va >> 21) & 511];
	if ((pte & (v | rwx)) != v)
		return NULL; /* not there, or a megapage */
	pte = ((uint64_t *)pa_to_kva(pte >> 10 << PGSHIFT))[(va >> PGSHIFT) & 511];
	if ((pte & leaf) != leaf)
		return NULL;
	char *p = (char *)pa_to_kva(pte >> 10 << PGSHIFT) + (va & (PGSIZE - 1));
	if (!p)
		__builtin_unreachable(); /* the direct map is far from 0: no NULL test */
	return p;
}
static inline void *mmu_translate_user(pagetable_t pt, uint64_t va, unsigned perm)
{
	const uint64_t v = 1, flags = 0x3ff, leaf = v | (perm & flags);
	/* A table entry with only V is its page number shifted left by 10,
	 * plus 1: shifted left by 2 more, it is the table's physical address
	 * plus 4, so a table's entry needs no shift right and no mask. */
	uint64_t pte = pt[va >> 30];
	if ((pte & flags) != v)
		return NULL; /* not there, a gigapage, or odd flags */
	pte = *(uint64_t *)((char *)pa_to_kva(pte << 2) - 4 + ((va >> 18) & 0xff8));
	if ((pte & flags) != v)
		return NULL;
	pte = *(uint64_t *)((char *)pa_to_kva(pte << 2) - 4 + ((va >> 9) & 0xff8));
	if ((pte & leaf) != leaf)
		return NULL;
	char *p = (char *)pa_to_kva(pte >> 10 << PGSHIFT) + (va & (PGSIZE - 1));
	if (!p)
		__builtin_unreachable(); /* the direct map is far from 0: no NULL test */
	return p;
}
static inline uint64_t kva_to_pa(const void *va) { return (uint64_t)va - KERNEL_OFFSET; }
static inline void arch_intr_on(void) { csr_set(sstatus, SSTATUS_SIE); }
static inline void arch_intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline bool arch_intr_enabled(void) { return csr_read(sstatus) & SSTATUS_SIE; }
static inline bool arch_timer_pending(void) { return csr_read(sip) & SIP_STIP; }
static inline void arch_tlb_flush_all(void) { sfence_vma_all(); }
static inline struct trapframe *arch_kstack_frame(int slot)
{
	uint64_t top = KSTACK_REGION + (uint64_t)slot * KSTACK_SLOT_SIZE + KSTACK_SLOT_SIZE;
	return (struct trapframe *)(top - ARCH_SLOT_AREA - sizeof(struct trapframe));
}
static inline void *arch_slot_area(struct trapframe *tf) { return tf + 1; }
static inline uint64_t arch_syscall_nr(const struct trapframe *tf) { return tf->a7; }
static inline uint64_t arch_syscall_arg(const struct trapframe *tf, int i) { return (&tf->a0)[i]; }
static inline void arch_syscall_ret(struct trapframe *tf, long v) { tf->a0 = (uint64_t)v; }
static inline void arch_fork_child_ret(struct trapframe *tf) { tf->a0 = 0; }
static inline uint64_t arch_msg_reg(const struct trapframe *tf, int i) { return (&tf->a0)[i]; }
static inline void arch_set_msg_reg(struct trapframe *tf, int i, uint64_t v) { (&tf->a0)[i] = v; }
static inline void arch_return_to_user(struct trapframe *tf)
{
	/* trap_entry.S's exit, with sp = the frame. */
	__asm__ volatile("mv sp, %0\n\tj trap_return_fast" ::"r"(tf) : "memory");
	__builtin_unreachable();
}
extern char ipc_resume_entry[];
static inline void arch_ctx_resume_ipc(struct context *ctx, struct trapframe *tf)
{
	ctx->ra = (uint64_t)ipc_resume_entry;
	ctx->sp = (uint64_t)tf;
}
static inline void arch_idle_trap_resume(struct context *ctx)
{
	/* The sret at the end goes to U-mode; SPIE is already 1 (the idle
	 * loop had interrupts on) and SIE 0 (the trap cleared it). */
	csr_clear(sstatus, SSTATUS_SPP);
	__asm__ volatile("mv sp, %0\n\tjr %1" ::"r"(ctx->sp), "r"(ctx->ra) : "memory");
	__builtin_unreachable();
}
static inline void arch_activate_inline(pagetable_t pt)
{
	/* The PPN fits below the mode bits, so | is +, and the direct map's
	 * offset folds into the same constant. */
	csr_write(satp, ((uint64_t)pt >> PGSHIFT) + (SATP_MODE_SV39 - (KERNEL_OFFSET >> PGSHIFT)));
	sfence_vma_all();
}

static inline void arch_sig_save(const struct trapframe *tf, uint64_t regs[32])
{
	regs[0] = tf->sepc;
#pragma GCC unroll 31
	for (int i = 1; i < 32; i++) /* unrolled: signal delivery's main cost */
		regs[i] = (&tf->ra)[i - 1];
}
static inline bool arch_sig_restore(struct trapframe *tf, const uint64_t regs[32])
{
	if (regs[0] >= USER_TOP)
		return false;
	tf->sepc = regs[0];
#pragma GCC unroll 31
	for (int i = 1; i < 32; i++)
		(&tf->ra)[i - 1] = regs[i];
	return true;
}
static inline void arch_sig_enter(struct trapframe *tf, uint64_t handler, int sig, uint64_t frame,
				  uint64_t restorer)
{
	tf->sepc = handler;
	tf->a0 = (uint64_t)sig;
	tf->a1 = 0;
	tf->a2 = frame;
	tf->sp = frame;
	tf->ra = restorer;
}
static inline uint64_t arch_user_sp(const struct trapframe *tf) { return tf->sp; }
/* scause is written by every trap from U-mode; SCAUSE_NONE is no cause
 * the hardware reports. */
#define SCAUSE_NONE (~0ULL)
static inline bool arch_in_syscall(const struct trapframe *tf) { return tf->scause == EXC_ECALL_U; }
static inline void arch_syscall_done(struct trapframe *tf) { tf->scause = SCAUSE_NONE; }
static inline long arch_syscall_result(const struct trapframe *tf) { return (long)tf->a0; }
static inline void arch_syscall_restart(struct trapframe *tf, uint64_t a0)
{
	tf->a0 = a0;
	tf->sepc -= 4; /* ecall has no compressed form */
}

/* FS lives in the sstatus CSR, which the fast system-call exit keeps, and
 * in tf->sstatus, which trap_return reloads: both change together. */
static inline bool arch_fpu_dirty(void)
{
	return (csr_read(sstatus) & SSTATUS_FS_MASK) == SSTATUS_FS_DIRTY;
}
static inline void arch_fpu_on(struct trapframe *tf)
{
	csr_clear(sstatus, SSTATUS_FS_MASK);
	csr_set(sstatus, SSTATUS_FS_CLEAN);
	tf->sstatus = (tf->sstatus & ~SSTATUS_FS_MASK) | SSTATUS_FS_CLEAN;
}
static inline void arch_fpu_off(struct trapframe *tf)
{
	csr_clear(sstatus, SSTATUS_FS_MASK);
	tf->sstatus &= ~SSTATUS_FS_MASK;
}
static inline void arch_fpu_frame_off(struct trapframe *tf) { tf->sstatus &= ~SSTATUS_FS_MASK; }
