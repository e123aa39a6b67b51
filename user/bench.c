/* bench: retired instructions per operation, read with rdinstret in U-mode.
 *
 * Under `qemu -icount shift=0,sleep=off` (make bench) instret counts every
 * instruction the machine retires, firmware and kernel included, and a run
 * repeats to the instruction. Each figure is (instret after N operations -
 * instret before - N * the empty loop's cost) / N. Without icount instret
 * is not meaningful, but the time figures are: each line also carries the
 * rdtime-based nanoseconds per operation.
 *
 * Output, one line per operation (scripts/bench.py parses it), after a
 * legend on lines starting with '#':
 *   BENCH <name> <instructions_per_op> <iterations> <ns_per_op>
 * Run as init (APPEND="init=/bench") the boot_to_init row is meaningful:
 * it is init's instret at its first instruction (crt0 records it).
 */
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lde.h"

extern unsigned long __lde_start_instret;

static inline unsigned long instret(void)
{
	unsigned long v;
	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static inline unsigned long now_ticks(void)
{
	unsigned long v;
	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

static inline long raw_syscall0(long nr)
{
	register long a0 __asm__("a0");
	register long a7 __asm__("a7") = nr;
	__asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
	return a0;
}

#define TIMEBASE_HZ 10000000UL	/* QEMU virt; ns per tick = 100 */

struct sample {
	unsigned long insns, ticks;
};

static struct sample begin(void)
{
	return (struct sample){ instret(), now_ticks() };
}

static unsigned long loop_cost;	/* instructions of one empty iteration */

static void report(const char *name, struct sample s, unsigned long n, unsigned long ops_per_iter,
		   int subtract_loop)
{
	unsigned long di = instret() - s.insns, dt = now_ticks() - s.ticks;
	if (subtract_loop)
		di -= n * loop_cost;
	unsigned long ops = n * ops_per_iter;
	printf("BENCH %s %lu %lu %lu\n", name, (di + ops / 2) / ops, ops,
	       dt * (1000000000UL / TIMEBASE_HZ) / ops);
}

static void measure_empty_loop(void)
{
	const unsigned long n = 100000;
	unsigned long t = instret();
	for (unsigned long i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
	loop_cost = (instret() - t) / n;
}

/* n round trips of a system call that takes no arguments. */
static void bench_call(const char *name, long nr, unsigned long n)
{
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++) {
		raw_syscall0(nr);
		__asm__ volatile("" ::: "memory");
	}
	report(name, s, n, 1, 1);
}

static void bench_getpid(unsigned long n) { bench_call("getpid", SYS_getpid, n); }
static void bench_yield_self(unsigned long n) { bench_call("yield_self", SYS_yield, n); }

static void bench_yield_switch(unsigned long n)
{
	int go[2];
	pipe(go);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		read(go[0], &c, 1);
		for (;;)
			raw_syscall0(SYS_yield);
	}
	/* The child is now blocked on the pipe; release it, then both yield. */
	write(go[1], "x", 1);
	raw_syscall0(SYS_yield);
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++) {
		raw_syscall0(SYS_yield);
		__asm__ volatile("" ::: "memory");
	}
	/* Each of our yields switches to the child and its yield back. */
	report("yield_switch", s, n, 2, 1);
	kill(pid, 9);
	wait(NULL);
	close(go[0]);
	close(go[1]);
}

/* Write an FP register: the process's FPU state becomes dirty. */
static inline void fp_dirty(void) { __asm__ volatile("fadd.d ft0, ft0, ft1" ::: "ft0"); }

/* yield_switch between two processes that each write an FP register
 * before every yield: each switch saves the dirty registers of the one
 * leaving, and the first FP instruction of the one arriving traps to load
 * its own (kernel/sched.c, the lazy FPU switch). Less yield_switch: the
 * FPU's share. */
static void yield_switch_fp(unsigned long n)
{
	int go[2];
	pipe(go);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		read(go[0], &c, 1);
		for (;;) {
			fp_dirty();
			raw_syscall0(SYS_yield);
		}
	}
	write(go[1], "x", 1);
	fp_dirty();
	raw_syscall0(SYS_yield);
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++) {
		fp_dirty();
		raw_syscall0(SYS_yield);
		__asm__ volatile("" ::: "memory");
	}
	report("yield_switch_fp", s, n, 2, 1);
	kill(pid, 9);
	wait(NULL);
	close(go[0]);
	close(go[1]);
}

/* In a child of its own: bench itself never touches the FPU, so that its
 * later forks copy no FP state and cost what they did before. */
static void bench_yield_switch_fp(unsigned long n)
{
	pid_t runner = fork();
	if (runner == 0) {
		yield_switch_fp(n);
		fflush(stdout);
		_exit(0);
	}
	wait(NULL);
}

static void bench_pipe(unsigned long n)
{
	int ab[2], ba[2];
	pipe(ab);
	pipe(ba);
	pid_t pid = fork();
	char c = 'x';
	if (pid == 0) {
		for (unsigned long i = 0; i < n + 1; i++) {
			read(ab[0], &c, 1);
			write(ba[1], &c, 1);
		}
		_exit(0);
	}
	write(ab[1], &c, 1);	/* warm up */
	read(ba[0], &c, 1);
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++) {
		write(ab[1], &c, 1);
		read(ba[0], &c, 1);
	}
	unsigned long di = instret() - s.insns, dt = now_ticks() - s.ticks;
	printf("BENCH pipe_roundtrip %lu %lu %lu\n", (di - n * loop_cost) / n, n, dt * 100 / n);
	printf("BENCH pipe_hop %lu %lu %lu\n", (di - n * loop_cost) / (2 * n), 2 * n, dt * 100 / (2 * n));
	wait(NULL);
	close(ab[0]), close(ab[1]), close(ba[0]), close(ba[1]);
}

static void bench_fork_exit_wait(unsigned long n)
{
	struct lde_procinfo me;
	procinfo(0, &me, 1);
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		wait(NULL);
	}
	report("fork_exit_wait", s, n, 1, 1);
	printf("BENCH-NOTE fork_exit_wait parent_pages %lu\n", (unsigned long)me.pages);
}

static void bench_fork_exec_wait(unsigned long n)
{
	char *argv[] = { "true", NULL };
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			exec("/true", argv);
			_exit(127);
		}
		wait(NULL);
	}
	report("fork_exec_wait", s, n, 1, 1);
}

static void bench_sbrk(unsigned long n)
{
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++) {
		char *p = sbrk(4096);
		*(volatile char *)p = 1;
		sbrk(-4096);
	}
	report("sbrk_page", s, n, 1, 1);
}

/* Kernel instructions per timer interrupt while one CPU-bound process runs:
 * spin for a fixed number of loop iterations, count what the loop itself
 * retires, and charge the rest to the interrupts that arrived meanwhile
 * (the process's tick count). Run with quantum=1 to get many ticks. */
static void bench_timer_tick(unsigned long n)
{
	struct lde_procinfo a, b;
	procinfo(0, &a, 1);
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
	unsigned long di = instret() - s.insns, dt = now_ticks() - s.ticks;
	procinfo(0, &b, 1);
	unsigned long ticks = b.ticks - a.ticks;
	if (!ticks) {
		printf("BENCH-NOTE timer_tick no ticks in the window\n");
		return;
	}
	printf("BENCH timer_tick %lu %lu %lu\n", (di - n * loop_cost) / ticks, ticks, dt * 100 / ticks);
}

/* Run from the shell, the lines need their legend; scripts/bench.py and
 * scripts/profile.py read only the BENCH lines. */
static void legend(void)
{
	printf("# BENCH NAME INSTRUCTIONS/OP ITERATIONS NS/OP\n"
	       "# instruction counts are exact only under qemu -icount (make bench);\n"
	       "# without it they vary from run to run, and only NS/OP means much\n");
}

int main(int argc, char **argv)
{
	unsigned long boot = __lde_start_instret;
	/* bench only NAME: one benchmark, 100 iterations (scripts/profile.py). */
	if (argc > 2 && !strcmp(argv[1], "only")) {
		static const struct {
			const char *name;
			void (*fn)(unsigned long);
			unsigned long n;
		} one[] = {
			{ "getpid", bench_getpid, 100 }, { "yield_self", bench_yield_self, 100 },
			{ "yield_switch", bench_yield_switch, 100 },
			{ "yield_switch_fp", bench_yield_switch_fp, 100 }, { "pipe", bench_pipe, 100 },
			{ "fork_exit_wait", bench_fork_exit_wait, 100 },
			{ "fork_exec_wait", bench_fork_exec_wait, 100 }, { "sbrk_page", bench_sbrk, 100 },
			{ "timer_tick", bench_timer_tick, 20000000 },
		};
		measure_empty_loop();
		legend();
		if (!strcmp(argv[2], "none"))	/* the baseline: everything but the loop */
			return 0;
		for (unsigned i = 0; i < sizeof one / sizeof one[0]; i++)
			if (!strcmp(argv[2], one[i].name)) {
				one[i].fn(one[i].n);
				return 0;
			}
		fprintf(stderr, "bench: no benchmark '%s'\n", argv[2]);
		return 2;
	}
	unsigned long scale = argc > 1 ? strtoul(argv[1], NULL, 10) : 1;
	if (!scale)
		scale = 1;
	measure_empty_loop();
	legend();
	printf("BENCH-NOTE empty_loop %lu\n", loop_cost);
	bench_getpid(100000 * scale);
	bench_yield_self(100000 * scale);
	bench_yield_switch(20000 * scale);
	bench_yield_switch_fp(20000 * scale);
	bench_pipe(10000 * scale);
	bench_fork_exit_wait(1000 * scale);
	bench_fork_exec_wait(500 * scale);
	bench_sbrk(10000 * scale);
	bench_timer_tick(20000000 * scale);
	if (getpid() == 1)
		printf("BENCH boot_to_init %lu 1 %lu\n", boot, 0UL);
	return 0;
}
