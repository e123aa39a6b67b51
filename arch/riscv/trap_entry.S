/*
 * The one trap entry, installed in stvec (direct mode, so 4-byte aligned).
 *
 * sscratch protocol: while a process runs in U-mode, sscratch holds its
 * trapframe pointer (the top of its kernel stack); while the kernel runs,
 * sscratch is 0. The first instruction swaps sp and sscratch, so a non-zero
 * sp means "came from U-mode, and sp is now my trapframe".
 *
 * From U-mode: save x1..x31 and the trap CSRs into the trapframe, set
 * sscratch = 0, call trap_user(tf) with the stack growing down from just
 * below the trapframe, then leave through trap_return.
 *
 * From S-mode (a kernel fault, or an interrupt taken in the idle loop, the
 * only place the kernel enables interrupts): push a trapframe on the
 * current kernel stack, call trap_kernel(tf), restore and sret.
 *
 * The kernel is built without gp relaxation and does not use tp, so the
 * user's values need no replacement while the kernel runs.
 */
#include "trapframe.h"

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
	csrr	t1, sstatus
	csrr	t2, scause
	csrr	t3, stval
	sd	t0, TF_SEPC(sp)
	sd	t1, TF_SSTATUS(sp)
	sd	t2, TF_SCAUSE(sp)
	sd	t3, TF_STVAL(sp)
	mv	a0, sp
	li	fp, 0		/* end of the backtrace chain */
	call	trap_user
	/* fall through: back to U-mode with this stack's trapframe */

/* Enter U-mode from the trapframe at sp (which must be the top of the
 * current process's kernel stack). New processes start here, via swtch. */
	.globl trap_return
trap_return:
	csrw	sscratch, sp
	ld	t0, TF_SEPC(sp)
	ld	t1, TF_SSTATUS(sp)
	csrw	sepc, t0
	csrw	sstatus, t1
	RESTORE_GPRS_EXCEPT_SP
	ld	sp, TF_X(2)(sp)
	sret

trap_from_kernel:
	csrrw	sp, sscratch, sp	/* sp back; sscratch = 0 again */
	addi	sp, sp, -TF_SIZE
	SAVE_GPRS_EXCEPT_SP
	addi	t0, sp, TF_SIZE
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
	call	trap_kernel
	ld	t0, TF_SEPC(sp)
	ld	t1, TF_SSTATUS(sp)
	csrw	sepc, t0
	csrw	sstatus, t1
	RESTORE_GPRS_EXCEPT_SP
	addi	sp, sp, TF_SIZE
	sret
