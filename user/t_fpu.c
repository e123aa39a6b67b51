/* Floating point is part of a process's context (kernel/sched.c, the lazy
 * FPU switch). Run as init, with quantum=1 so that the processes are
 * preempted in the middle of their FP work:
 *   t_fpu compute  four processes computing in double, each in its own
 *                  rounding mode, get bit for bit what each got alone
 *   t_fpu regs     f0..f31 and fcsr, set by hand, survive many preemptions
 *                  by processes that use the FPU meanwhile
 *   t_fpu fork     a child starts with the parent's FP registers as they
 *                  were at fork (written just before it: dirty)
 *   t_fpu exec     a program exec'd by one that used the FPU starts with
 *                  f0..f31 and fcsr zero ("t_fpu zero" is that program)
 *   t_fpu nofpu    on a CPU without F and D: a child's FP instruction kills
 *                  it with SIGILL, and this program, which does not use
 *                  the FPU itself, runs */
#include <math.h>
#include "t_util.h"

#define NPROCS 4
#define FRM_RNE 0 /* round to nearest, ties to even */
#define FRM_RTZ 1
#define FRM_RDN 2
#define FRM_RUP 3

static void fp_fill(const uint64_t v[32])
{
	__asm__ volatile(".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,"
			 "24,25,26,27,28,29,30,31\n"
			 "fld f\\n, \\n*8(%0)\n"
			 ".endr" ::"r"(v)
			 : "memory");
}

static void fp_dump(uint64_t v[32])
{
	__asm__ volatile(".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,"
			 "24,25,26,27,28,29,30,31\n"
			 "fsd f\\n, \\n*8(%0)\n"
			 ".endr" ::"r"(v)
			 : "memory");
}

static uint64_t fcsr_read(void)
{
	uint64_t v;
	__asm__ volatile("frcsr %0" : "=r"(v));
	return v;
}

static void fcsr_write(uint64_t v) { __asm__ volatile("fscsr %0" ::"r"(v) : "memory"); }

static uint64_t frm_read(void)
{
	uint64_t v;
	__asm__ volatile("frrm %0" : "=r"(v));
	return v;
}

static void frm_write(uint64_t v) { __asm__ volatile("fsrm %0" ::"r"(v) : "memory"); }

/* 32 values no other process uses: seed picks the set. */
static void pattern(uint64_t v[32], unsigned seed)
{
	for (int i = 0; i < 32; i++)
		v[i] = 0x9e3779b97f4a7c15ull * (seed * 64 + i + 1) ^ ((uint64_t)seed << 56);
}

/* Reap the n children in pids, in whatever order they end: each must
 * exit 0. */
static void reap_all(const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++) {
		int st = -1;
		pid_t got = wait(&st);
		int mine = 0;
		for (int k = 0; k < n; k++)
			mine |= got == pids[k];
		CHECK(mine);
		CHECK_EQ(st, 0);
	}
}

static uint64_t ivcsw_now(void)
{
	struct lde_procinfo pi;
	return proc_get(0, &pi) == 0 ? pi.ivcsw : 0;
}

/* Timer ticks that found this process running. The waiting loops below
 * count ticks, not preemptions: a tick comes every quantum whether or not
 * another process is runnable, while a preemption needs a competitor, and
 * the last of the processes to finish has none (a loop on preemptions
 * hung whenever a child had been preempted once before reading its
 * starting count, so that its partner finished first). */
static uint64_t ticks_now(void)
{
	struct lde_procinfo pi;
	return proc_get(0, &pi) == 0 ? pi.ticks : 0;
}

/* Double and float arithmetic and libm whose last bits depend on the
 * rounding mode; long enough for many ticks at quantum=1. */
static __attribute__((noinline)) double work(unsigned seed, long n)
{
	double x = 1.0 + seed / 10.0, acc = 0.0;
	float f = 0.5f;
	for (long i = 0; i < n; i++) {
		x = x * 1.0000001 + 1.0 / (3.0 + (double)(i & 1023));
		acc += sqrt(x) / 7.0;
		f = f * 0.999f + (float)acc * 1e-7f;
		if ((i & 4095) == 0)
			acc = fmod(acc, 1000.0) + exp(-x);
	}
	return acc + f;
}

#define WORK_N 300000

static uint64_t bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

static void test_compute(void)
{
	/* Alone first: init is the only process. */
	uint64_t alone[NPROCS];
	for (int k = 0; k < NPROCS; k++) {
		frm_write((uint64_t)k);
		alone[k] = bits(work((unsigned)k, WORK_N));
	}
	frm_write(FRM_RNE);
	for (int k = 1; k < NPROCS; k++)
		CHECK(alone[k] != alone[0]); /* the modes do matter */

	/* Double formatting through picolibc's stdio. */
	char buf[32];
	snprintf(buf, sizeof buf, "%.3f %g", 2.0 / 3.0, 1e-5);
	CHECK(strcmp(buf, "0.667 1e-05") == 0);

	pid_t pids[NPROCS];
	for (int k = 0; k < NPROCS; k++) {
		pids[k] = fork();
		if (pids[k] == 0) {
			frm_write((uint64_t)k);
			uint64_t iv = ivcsw_now();
			uint64_t got = 0;
			for (int round = 0; round < 3; round++) {
				got = bits(work((unsigned)k, WORK_N));
				if (got != alone[k])
					printf("FAIL: process %d, round %d: %016lx, alone %016lx\n",
					       k, round, (unsigned long)got,
					       (unsigned long)alone[k]);
				CHECK_EQ(frm_read(), k);
			}
			uint64_t preempted = ivcsw_now() - iv;
			CHECK(preempted > 0);
			double d;
			memcpy(&d, &got, sizeof d);
			printf("fpu: process %d (rounding mode %d): %.17g, bit-identical, "
			       "preempted %lu times\n",
			       k, k, d, (unsigned long)preempted);
			child_done();
		}
	}
	reap_all(pids, NPROCS);
	CHECK_EQ(frm_read(), FRM_RNE);
}

/* Each child runs 20 ticks with its registers set (preempted along the
 * way), checks them, and reports ('y' or 'n') on a pipe; then it keeps
 * computing until the parent has every report, so that the others are
 * still preempted for someone until they are done. */
static void test_regs(void)
{
	pid_t pids[NPROCS];
	int done[2];
	CHECK_EQ(pipe(done), 0);
	for (int k = 0; k < NPROCS; k++) {
		pids[k] = fork();
		if (pids[k] == 0) {
			close(done[0]);
			uint64_t want[32], got[32];
			pattern(want, (unsigned)k + 1);
			uint64_t fcsr = (uint64_t)(k << 5 | (0x1f >> k)); /* frm, fflags */
			uint64_t iv = ivcsw_now(), t0 = ticks_now();
			fp_fill(want);
			fcsr_write(fcsr);
			while (ticks_now() - t0 < 20)
				burn(20000); /* integer only: the f registers wait */
			fp_dump(got);
			uint64_t got_fcsr = fcsr_read();
			for (int i = 0; i < 32; i++)
				if (got[i] != want[i])
					printf("FAIL: process %d: f%d = %016lx, want %016lx\n", k,
					       i, (unsigned long)got[i], (unsigned long)want[i]);
			CHECK_EQ(got_fcsr, fcsr);
			printf("fpu: process %d: f0..f31 and fcsr intact across %lu preemptions\n",
			       k, (unsigned long)(ivcsw_now() - iv));
			fflush(stdout);
			char verdict = check_failures ? 'n' : 'y';
			write(done[1], &verdict, 1);
			for (;;)
				burn(20000);
		}
	}
	close(done[1]);
	for (int k = 0; k < NPROCS; k++) {
		char verdict = 0;
		CHECK_EQ(read(done[0], &verdict, 1), 1);
		CHECK_EQ(verdict, 'y');
	}
	close(done[0]);
	for (int k = 0; k < NPROCS; k++)
		CHECK_EQ(kill(pids[k], SIGKILL), 0);
	for (int k = 0; k < NPROCS; k++) {
		int st = -1;
		CHECK(wait(&st) > 0);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	}
}

static void test_fork(void)
{
	uint64_t before[32], mine[32], got[32];
	pattern(before, 11);
	pattern(mine, 12);
	fp_fill(before);
	fcsr_write(FRM_RUP << 5 | 0x3);
	pid_t pid = fork(); /* nothing in between uses the FPU */
	if (pid == 0) {
		uint64_t t0 = ticks_now();
		while (ticks_now() - t0 < 10)
			burn(20000);
		fp_dump(got);
		CHECK(memcmp(got, before, sizeof got) == 0);
		CHECK_EQ(fcsr_read(), FRM_RUP << 5 | 0x3);
		printf("fpu: the child has its parent's f0..f31 and fcsr as at fork\n");
		child_done();
	}
	/* The parent changes its own meanwhile: the child's copy stays. */
	fp_fill(mine);
	fcsr_write(0);
	uint64_t t0 = ticks_now();
	while (ticks_now() - t0 < 10)
		burn(20000);
	fp_dump(got);
	CHECK(memcmp(got, mine, sizeof got) == 0);
	CHECK_EQ(fcsr_read(), 0);
	CHECK_EQ(reap(pid), 0);
}

static void test_exec(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		uint64_t v[32];
		pattern(v, 21);
		fp_fill(v);
		fcsr_write(FRM_RDN << 5 | 0x1f);
		char *argv[] = { "t_fpu", "zero", NULL };
		exec("/t_fpu", argv);
		printf("FAIL: exec /t_fpu zero: errno %d\n", errno);
		_exit(1);
	}
	CHECK_EQ(reap(pid), 0);
}

/* The program exec'd by test_exec: nothing has touched the FPU before. */
static int zero(void)
{
	uint64_t got[32];
	fp_dump(got);
	uint64_t fcsr = fcsr_read();
	for (int i = 0; i < 32; i++)
		if (got[i])
			printf("FAIL: after exec, f%d = %016lx\n", i, (unsigned long)got[i]);
	CHECK_EQ(fcsr, 0);
	printf("fpu: after exec, f0..f31 and fcsr are zero\n");
	return check_failures ? 1 : 0;
}

static void test_nofpu(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		volatile double d = 3.0;
		d = d / 7.0; /* must not return */
		printf("FAIL: an FP division ran on a CPU without an FPU\n");
		_exit(1);
	}
	int st = reap(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL);
}

/* IPC hands the CPU straight from one process to the other (docs/ipc.md,
 * the fast path): the FP registers must follow each process all the same.
 * A server and its client, each with its own dirty f0..f31 and fcsr, pass
 * 200 calls and replies; each checks its registers after every one. */
static int fp_differs(const uint64_t want[32])
{
	uint64_t got[32];
	fp_dump(got);
	for (int i = 0; i < 32; i++)
		if (got[i] != want[i])
			return 1;
	return 0;
}

static void test_ipc(void)
{
	int ep = ep_create();
	CHECK(ep >= 0);
	pid_t srv = fork();
	if (srv == 0) {
		uint64_t mine[32];
		pattern(mine, 21);
		fp_fill(mine);
		fcsr_write(0x41);
		struct lde_msg m;
		long r = ipc_recv(ep, &m);
		int bad = 0;
		while (r >= 0 && LDE_MSG_LABEL(m.info) != 2) {
			bad += fp_differs(mine) || fcsr_read() != 0x41;
			fp_fill(mine); /* dirty again before the hand-off */
			m.info = LDE_MSG_INFO(1, 0, -1);
			r = ipc_reply_recv(ep, &m);
		}
		CHECK_EQ(bad, 0);
		m.info = LDE_MSG_INFO(1, 0, -1);
		CHECK_EQ(ipc_reply(&m), 0);
		child_done();
	}
	uint64_t mine[32];
	pattern(mine, 22);
	fp_fill(mine);
	fcsr_write(0x82);
	int bad = 0;
	for (int i = 0; i < 200; i++) {
		struct lde_msg m = { .info = LDE_MSG_INFO(1, 0, -1) };
		CHECK_EQ(ipc_call(ep, &m, NULL), 1);
		bad += fp_differs(mine) || fcsr_read() != 0x82;
		fp_fill(mine);
	}
	CHECK_EQ(bad, 0);
	struct lde_msg m = { .info = LDE_MSG_INFO(2, 0, -1) };
	CHECK_EQ(ipc_call(ep, &m, NULL), 1);
	reap_all(&srv, 1);
	printf("fpu: client and server kept their own f0..f31 and fcsr across 200 IPC hand-offs\n");
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	if (strcmp(what, "zero") == 0)
		return zero();
	if (strcmp(what, "compute") == 0)
		test_compute();
	else if (strcmp(what, "regs") == 0)
		test_regs();
	else if (strcmp(what, "fork") == 0)
		test_fork();
	else if (strcmp(what, "exec") == 0)
		test_exec();
	else if (strcmp(what, "nofpu") == 0)
		test_nofpu();
	else if (strcmp(what, "ipc") == 0)
		test_ipc();
	else {
		printf("FAIL: usage: t_fpu compute|regs|fork|exec|nofpu|ipc\n");
		return 1;
	}
	return check_exit("t_fpu");
}
