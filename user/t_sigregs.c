/* A handler that runs at every timer tick (a periodic alarm) while the
 * main loop checks every register: each of x1..x31 but sp, f0..f31 and
 * fcsr holds a known value the loop compares again and again. The
 * handlers clobber all of them; the kernel's frame must put back every one.
 * Two handlers: one in assembly that overwrites every register and calls
 * sigreturn itself, and one in C that computes in double (the FP part of
 * the frame, through the lazy FPU). Run at quantum=1 as well. */
#include "t_util.h"

#define TICKS 60

volatile long ticks;
volatile long bad_reg = -1; /* the register the loop found changed */

/* regcheck(want, &ticks): set the patterns, loop comparing until ticks
 * reaches want; returns 0, or 1 + the register number that changed (FP
 * registers as 32 + n, fcsr 64). Callee-saved registers, ra, gp and tp
 * are saved on the stack and put back. x5 and x6 serve as scratch in
 * turn, each reloaded with its pattern at once. */
long regcheck(long want, volatile long *counter);
#define PAT(n) (0x5a5a000000000000 + (n)*0x0101010101)
__asm__(".text\n"
	".globl regcheck\n"
	"regcheck:\n"
	"	addi sp, sp, -224\n"
	"	sd ra, 0(sp)\n"
	"	sd gp, 8(sp)\n"
	"	sd tp, 16(sp)\n"
	"	sd a0, 24(sp)\n" /* want */
	"	sd a1, 32(sp)\n" /* counter */
	"	.irp n, 8,9,18,19,20,21,22,23,24,25,26,27\n"
	"	sd x\\n, (\\n * 8)(sp)\n" /* 64..216 */
	"	.endr\n"
	"	frcsr t0\n"
	"	sd t0, 40(sp)\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	li t0, 0x3ff0000000000000 + \\n * 0x100000001\n"
	"	fmv.d.x f\\n, t0\n"
	"	.endr\n"
	"	li t0, 0x41\n" /* rounding mode RDN, flag NX */
	"	fscsr t0\n"
	"	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	li x\\n, 0x5a5a000000000000 + \\n * 0x0101010101\n"
	"	.endr\n"
	"1:\n"
	/* x5 and x6 kept in memory, then scratch for the others */
	"	sd x5, 48(sp)\n"
	"	sd x6, 56(sp)\n"
	"	.irp n, 5,6\n"
	"	ld x5, (48 + (\\n - 5) * 8)(sp)\n"
	"	li x6, 0x5a5a000000000000 + \\n * 0x0101010101\n"
	"	bne x5, x6, 7\\n\\()f\n"
	"	.endr\n"
	"	.irp n, 1,3,4,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	li x5, 0x5a5a000000000000 + \\n * 0x0101010101\n"
	"	bne x\\n, x5, 7\\n\\()f\n"
	"	.endr\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	fmv.x.d x5, f\\n\n"
	"	li x6, 0x3ff0000000000000 + \\n * 0x100000001\n"
	"	bne x5, x6, 6\\n\\()f\n"
	"	.endr\n"
	"	frcsr x5\n"
	"	li x6, 0x41\n"
	"	bne x5, x6, 4f\n"
	/* done when *counter >= want */
	"	ld x5, 32(sp)\n"
	"	ld x5, 0(x5)\n"
	"	ld x6, 24(sp)\n"
	"	li a0, 0\n"
	"	bge x5, x6, 5f\n"
	"	li a0, 0x5a5a000000000000 + 10 * 0x0101010101\n"
	"	li x5, 0x5a5a000000000000 + 5 * 0x0101010101\n"
	"	li x6, 0x5a5a000000000000 + 6 * 0x0101010101\n"
	"	j 1b\n"
	"	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"7\\n:\n"
	"	li a0, 1 + \\n\n"
	"	j 5f\n"
	"	.endr\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"6\\n:\n"
	"	li a0, 33 + \\n\n"
	"	j 5f\n"
	"	.endr\n"
	"4:\n"
	"	li a0, 65\n"
	"5:\n"
	"	ld ra, 0(sp)\n"
	"	ld gp, 8(sp)\n"
	"	ld tp, 16(sp)\n"
	"	.irp n, 8,9,18,19,20,21,22,23,24,25,26,27\n"
	"	ld x\\n, (\\n * 8)(sp)\n"
	"	.endr\n"
	"	ld t0, 40(sp)\n"
	"	fscsr t0\n"
	"	addi sp, sp, 224\n"
	"	ret\n");

/* The assembly handler: counts, overwrites every register but sp, and
 * returns through sigreturn directly, sp still at the kernel's frame. */
__attribute__((naked)) void clobber_handler(int sig)
{
	__asm__ volatile(
		"la t0, ticks\n"
		"ld t1, 0(t0)\n"
		"addi t1, t1, 1\n"
		"sd t1, 0(t0)\n"
		".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,"
		"26,27,28,29,30,31\n"
		"fmv.d.x f\\n, t1\n"
		".endr\n"
		"fscsr zero\n"
		".irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,18,19,20,21,22,23,24,25,26,27,"
		"28,29,30,31\n"
		"li x\\n, 0xbad0000000000000 + \\n\n"
		".endr\n"
		"li a7, %0\n"
		"ecall\n" ::"i"(SYS_sigreturn));
}

/* The C handler: a computation in double, which the compiler keeps in
 * FP registers, and a change of rounding mode. */
volatile double sink;
static void fp_handler(int sig)
{
	double x = 1.0;
	for (int i = 1; i < 20; i++)
		x = x * 1.25 + (double)i / 3.0;
	__asm__ volatile("fsrmi 1" ::: "memory");
	sink = x;
	ticks++;
}

static void run(const char *what, void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler };
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGALRM, &sa, NULL), 0);
	ticks = 0;
	/* Every millisecond: every tick at quantum=1, ten a quantum else. */
	ualarm(1000, 1000);
	long r = regcheck(TICKS, &ticks);
	ualarm(0, 0);
	if (r)
		printf("FAIL: %s: register %s%ld changed under the handler\n", what,
		       r > 64	? "fcsr"
		       : r > 32 ? "f"
				: "x",
		       r > 64	? 0
		       : r > 32 ? r - 33
				: r - 1);
	CHECK_EQ(r, 0);
	CHECK(ticks >= TICKS);
	printf("sigregs: %s: %ld handlers, every register intact\n", what, (long)ticks);
}

int main(void)
{
	run("assembly handler", clobber_handler);
	run("C handler in double", fp_handler);
	return check_exit("t_sigregs");
}
