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
	/* First instruction: how many instructions the machine retired
	 * before this program began (bench's boot_to_init under icount). */
	rdinstret	t0
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	t1, __lde_start_instret
	sd	t0, 0(t1)
	la	tp, __tls_base
	li	fp, 0
	ld	a0, 0(sp)
	addi	a1, sp, 8
	call	__lde_start
1:	j	1b

	.section .bss
	.balign 8
	.globl __lde_start_instret
__lde_start_instret:
	.quad 0
