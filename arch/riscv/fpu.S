/*
 * The FPU's registers, saved and loaded for the lazy switch (kernel/sched.c
 * decides when). The kernel is built without F and D (-mabi=lp64, no FP
 * code anywhere else), so these two routines are the only kernel code that
 * touches an f register; `.option arch, +d` lets this file alone assemble
 * the instructions.
 *
 * void arch_fpu_save(struct fpstate *s)
 *   f0..f31 and fcsr into *s. sstatus.FS must not be Off (the caller saves
 *   only a Dirty state). Stores do not change FS.
 *
 * void arch_fpu_load(const struct fpstate *s)
 *   f0..f31 and fcsr from *s. Turns the FPU on first (FS Off traps even in
 *   S-mode); the loads leave FS Dirty, and the caller sets what it wants
 *   (arch_fpu_on: Clean, for the registers now match *s).
 *
 * Both clobber only t0.
 */
#include "csr.h"
#include "fpu.h"

	.section .text
	.option push
	.option arch, +d

	.globl arch_fpu_save
arch_fpu_save:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd	f\n, FP_F(\n)(a0)
	.endr
	frcsr	t0
	sd	t0, FP_FCSR(a0)
	ret

	.globl arch_fpu_load
arch_fpu_load:
	li	t0, SSTATUS_FS_CLEAN
	csrs	sstatus, t0
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld	f\n, FP_F(\n)(a0)
	.endr
	ld	t0, FP_FCSR(a0)
	fscsr	t0
	ret

	.option pop
