/*
 * The one trap entry, installed in stvec (direct mode, so 4-byte aligned).
 *
 * sscratch protocol: while a process runs in U-mode, sscratch holds its
 * trapframe pointer (the top of its kernel stack); while the kernel runs,
 * sscratch is 0. The first instruction swaps sp and sscratch, so a non-zero
 * sp means "came from U-mode, and sp is now my trapframe".
 *
 * From U-mode: save x1..x31, sepc and scause into the trapframe, set
 * sscratch = 0, and call C with the stack growing down from just below the
 * trapframe (fp keeps the user's value: the backtrace code only follows
 * frame pointers inside the current kernel stack):
 *   - a system call (scause 8) goes straight to syscall_entry(tf), with sepc
 *     already advanced past the ecall. It needs neither stval nor sstatus:
 *     sstatus's SPP = 0 and SPIE = 1 hold whenever the kernel is outside a
 *     trap handler (every sret sets them), so the fast exit leaves sstatus
 *     alone.
 *   - anything else also saves sstatus and stval and calls trap_user(tf);
 *     its exit (trap_return) reloads sstatus from the trapframe, which is
 *     also how a new process gets its first U-mode sstatus.
 *
 * From S-mode (a kernel fault, or an interrupt taken in the idle loop, the
 * only place the kernel enables interrupts): push a trapframe on the trap
 * stack, a stack of its own, call trap_kernel(tf), restore and sret. Not on
 * the interrupted stack: if that one is full (a kernel stack overflow into
 * its guard page), the push itself would fault, again and again. No S-mode
 * trap nests in another that returns (trap_kernel runs with interrupts
 * off, and a fault there is fatal), so the trap stack is always empty on
 * entry. trap_kernel decides, from the interrupted sp, what happened.
 *
 * The kernel is built without gp relaxation and does not use tp, so the
 * user's values need no replacement while the kernel runs.
 */
#include "csr.h"
#include "memlayout.h"
#include "trapframe.h"

#define KTRAP_STAMP_OFFSET 36

.macro SAVE_GPRS_EXCEPT_SP
	sd	x1, TF_X(1)(sp)
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, TF_X(\n)(sp)
	.endr
.endm

.macro RESTORE_GPRS_EXCEPT_SP
	ld	x1, TF_X(1)(sp)
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, TF_X(\n)(sp)
	.endr
.endm

/* The entry from U-mode, twice: `trap_entry` calls syscall_entry and
 * trap_user; `trap_entry_rec`, installed instead while the event timeline
 * records (arch_trap_recording), reads the instruction count right after
 * the registers are saved (a fixed TRAP_STAMP_OFFSET instructions into
 * the trap: the first csrrw, the beqz, 30 stores) and passes it, and
 * scause, to their recording twins. Two copies rather than a test: the
 * plain entry stays exactly as fast as it was. */
.macro USER_ENTRY name, syscall_fn, trap_fn, stamp
	.balign 4
	.globl \name
\name:
	csrrw	sp, sscratch, sp
	.if \stamp
	beqz	sp, trap_from_kernel_rec
	.else
	beqz	sp, trap_from_kernel
	.endif
	SAVE_GPRS_EXCEPT_SP
	.if \stamp
	csrr	a1, instret
	.endif
	csrrw	t0, sscratch, zero
	sd	t0, TF_X(2)(sp)
	csrr	t0, sepc
	csrr	t2, scause
	sd	t2, TF_SCAUSE(sp)
	li	t1, EXC_ECALL_U
	bne	t2, t1, 1f
	addi	t0, t0, 4		/* resume after the ecall */
	sd	t0, TF_SEPC(sp)
	mv	a0, sp
	.if \stamp
	mv	a2, t2
	.endif
	call	\syscall_fn
	j	trap_return_fast
1:
	csrr	t1, sstatus
	csrr	t3, stval
	sd	t0, TF_SEPC(sp)
	sd	t1, TF_SSTATUS(sp)
	sd	t3, TF_STVAL(sp)
	mv	a0, sp
	call	\trap_fn
	j	trap_return
.endm

	.section .text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	beqz	sp, trap_from_kernel
	SAVE_GPRS_EXCEPT_SP
	csrrw	t0, sscratch, zero
	sd	t0, TF_X(2)(sp)
	csrr	t0, sepc
	csrr	t2, scause
	sd	t2, TF_SCAUSE(sp)
	li	t1, EXC_ECALL_U
	bne	t2, t1, trap_slow
	addi	t0, t0, 4		/* resume after the ecall */
	sd	t0, TF_SEPC(sp)
	mv	a0, sp
	call	syscall_entry
	/* fall through */
	.globl	trap_return_fast	/* also kernel/ipc.c's way out (arch/riscv/ipc_entry.S) */
trap_return_fast:
	csrw	sscratch, sp
	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	RESTORE_GPRS_EXCEPT_SP
	ld	sp, TF_X(2)(sp)
	sret

trap_slow:
	csrr	t1, sstatus
	csrr	t3, stval
	sd	t0, TF_SEPC(sp)
	sd	t1, TF_SSTATUS(sp)
	sd	t3, TF_STVAL(sp)
	mv	a0, sp
	call	trap_user
	/* fall through: back to U-mode with this stack's trapframe */

/* Enter U-mode from the trapframe at sp (which must be the top of the
 * current process's kernel stack). New processes start here, via swtch. */
	.globl trap_return
trap_return:
	ld	t1, TF_SSTATUS(sp)
	csrw	sstatus, t1
	j	trap_return_fast

.macro KERNEL_ENTRY name, trap_fn, stamp
\name:
	csrrw	sp, sscratch, sp	/* sp back; sscratch = 0 again */
	csrw	sscratch, sp		/* parked while sp moves to the trap stack */
	la	sp, __trap_stack_top - TF_SIZE
	SAVE_GPRS_EXCEPT_SP
	/* The instruction count at the trap's first instruction (the 36
	 * before this read: two shared, four here, 30 stores), for
	 * arch_irq_stamp: the interrupt of a device whose driver waits is
	 * taken here, in the idle loop, and this path is in no other
	 * benchmark, so the stamp costs them nothing. */
	csrr	t0, instret
	addi	t0, t0, -KTRAP_STAMP_OFFSET
	la	t1, ktrap_stamp
	sd	t0, 0(t1)
	.if \stamp
	csrr	a1, instret
	.endif
	csrrw	t0, sscratch, zero	/* the interrupted sp; sscratch = 0 again */
	sd	t0, TF_X(2)(sp)
	csrr	t0, sepc
	csrr	t1, sstatus
	csrr	t2, scause
	csrr	t3, stval
	sd	t0, TF_SEPC(sp)
	sd	t1, TF_SSTATUS(sp)
	sd	t2, TF_SCAUSE(sp)
	sd	t3, TF_STVAL(sp)
	mv	a0, sp
	call	\trap_fn
	ld	t0, TF_SEPC(sp)
	ld	t1, TF_SSTATUS(sp)
	csrw	sepc, t0
	csrw	sstatus, t1
	RESTORE_GPRS_EXCEPT_SP
	ld	sp, TF_X(2)(sp)
	sret
.endm

	KERNEL_ENTRY trap_from_kernel, trap_kernel, 0
/* The recording entry's: trap_kernel_rec records an interrupt taken in
 * the idle loop, with the instruction count read after the saves. */
	KERNEL_ENTRY trap_from_kernel_rec, trap_kernel_rec, 1

/* The idle loop's wait for an interrupt, the one window in which the
 * kernel takes interrupts: one taken in S-mode must have been taken at the
 * wfi or just after it (sepc in [idle_window, idle_window_end]), as
 * trap_kernel asserts. */
	.globl arch_idle_wait, idle_window, idle_window_end
arch_idle_wait:
	csrsi	sstatus, SSTATUS_SIE
idle_window:
	wfi
idle_window_end:
	csrci	sstatus, SSTATUS_SIE
	ret

	USER_ENTRY trap_entry_rec, syscall_entry_rec, trap_user_rec, 1

/* A new process's first return to U-mode while the timeline records:
 * trap_return, with the event. sp is the trapframe, the top of the
 * kernel stack, where C may start its frames. */
	.globl trap_return_rec
trap_return_rec:
	call	timeline_returning
	j	trap_return
