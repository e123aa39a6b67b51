/*
 * void swtch(struct context *old, struct context *new)
 *
 * Kernel-to-kernel context switch: save the callee-saved registers (ra, sp,
 * s0-s11) of the caller into *old and load them from *new, then return on
 * the new stack to wherever the new context last called swtch (or to the
 * ra a new process was given: trap_return). Caller-saved registers need no
 * saving: the C caller already assumes swtch clobbers them.
 */
#include "context.h"

	.section .text
	.globl swtch
swtch:
	sd	ra, CTX_RA(a0)
	sd	sp, CTX_SP(a0)
	sd	s0, CTX_S(0)(a0)
	sd	s1, CTX_S(1)(a0)
	sd	s2, CTX_S(2)(a0)
	sd	s3, CTX_S(3)(a0)
	sd	s4, CTX_S(4)(a0)
	sd	s5, CTX_S(5)(a0)
	sd	s6, CTX_S(6)(a0)
	sd	s7, CTX_S(7)(a0)
	sd	s8, CTX_S(8)(a0)
	sd	s9, CTX_S(9)(a0)
	sd	s10, CTX_S(10)(a0)
	sd	s11, CTX_S(11)(a0)
swtch_load:
	ld	ra, CTX_RA(a1)
	ld	sp, CTX_SP(a1)
	ld	s0, CTX_S(0)(a1)
	ld	s1, CTX_S(1)(a1)
	ld	s2, CTX_S(2)(a1)
	ld	s3, CTX_S(3)(a1)
	ld	s4, CTX_S(4)(a1)
	ld	s5, CTX_S(5)(a1)
	ld	s6, CTX_S(6)(a1)
	ld	s7, CTX_S(7)(a1)
	ld	s8, CTX_S(8)(a1)
	ld	s9, CTX_S(9)(a1)
	ld	s10, CTX_S(10)(a1)
	ld	s11, CTX_S(11)(a1)
	ret

/*
 * swtch while the event timeline records: arch_trap_recording(true)
 * replaces swtch's first instruction with a jump here (swtchpatch.c), so
 * that the plain swtch pays nothing. Saves the old context exactly as
 * swtch does, then calls timeline_swtch(old, new) (kernel/hooks.h) on the
 * old stack, its last instruction before the registers change, and
 * finishes in swtch's second half. s0 is free to keep new in: it is
 * saved in *old already and reloaded from *new.
 */
	.globl swtch_rec, swtch_load
swtch_rec:
	sd	ra, CTX_RA(a0)
	sd	sp, CTX_SP(a0)
	sd	s0, CTX_S(0)(a0)
	sd	s1, CTX_S(1)(a0)
	sd	s2, CTX_S(2)(a0)
	sd	s3, CTX_S(3)(a0)
	sd	s4, CTX_S(4)(a0)
	sd	s5, CTX_S(5)(a0)
	sd	s6, CTX_S(6)(a0)
	sd	s7, CTX_S(7)(a0)
	sd	s8, CTX_S(8)(a0)
	sd	s9, CTX_S(9)(a0)
	sd	s10, CTX_S(10)(a0)
	sd	s11, CTX_S(11)(a0)
	mv	s0, a1
	call	timeline_swtch
	mv	a1, s0
	j	swtch_load
