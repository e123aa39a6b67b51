/*
 * User program entry. The kernel enters here in U-mode with sp at the
 * System V initial stack: argc at 0(sp), then argv[], NULL, envp[] (empty),
 * and the auxiliary vector. gp and tp are the program's own (the kernel
 * never reads them): tp points at the static TLS block (user.ld), where
 * picolibc keeps errno; fp = 0 ends backtraces.
 */
	.section .text.init, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	tp, __tls_base
	li	fp, 0
	ld	a0, 0(sp)
	addi	a1, sp, 8
	call	__lde_start
1:	j	1b
