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

static inline long raw_syscall2(long nr, long a0v, long a1v)
{
	register long a0 __asm__("a0") = a0v;
	register long a1 __asm__("a1") = a1v;
	register long a7 __asm__("a7") = nr;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
	return a0;
}

static inline long raw_syscall0(long nr)
{
	register long a0 __asm__("a0");
	register long a7 __asm__("a7") = nr;
	__asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
	return a0;
}

#define TIMEBASE_HZ 10000000UL /* QEMU virt; ns per tick = 100 */

struct sample {
	unsigned long insns, ticks;
};

static struct sample begin(void) { return (struct sample){ instret(), now_ticks() }; }

static unsigned long loop_cost; /* instructions of one empty iteration */

static __attribute__((noinline)) void report(const char *name, struct sample s, unsigned long n,
					     unsigned long ops_per_iter, int subtract_loop)
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
	write(ab[1], &c, 1); /* warm up */
	read(ba[0], &c, 1);
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++) {
		write(ab[1], &c, 1);
		read(ba[0], &c, 1);
	}
	unsigned long di = instret() - s.insns, dt = now_ticks() - s.ticks;
	printf("BENCH pipe_roundtrip %lu %lu %lu\n", (di - n * loop_cost) / n, n, dt * 100 / n);
	printf("BENCH pipe_hop %lu %lu %lu\n", (di - n * loop_cost) / (2 * n), 2 * n,
	       dt * 100 / (2 * n));
	wait(NULL);
	close(ab[0]), close(ab[1]), close(ba[0]), close(ba[1]);
}

/* IPC with the message in registers, as the kernel's fast path takes it:
 * a0 = fd (or token), a1 = info, a2..a5 = words, a6 = leases or token.
 * Returns a0; *w0 gets a2 back, *tok a6. */
static inline long raw_ipc6(long nr, long a0v, unsigned long info, unsigned long w0v,
			    unsigned long a6v, unsigned long *w0, unsigned long *tok)
{
	register long a0 __asm__("a0") = a0v;
	register unsigned long a1 __asm__("a1") = info;
	register unsigned long a2 __asm__("a2") = w0v;
	register unsigned long a3 __asm__("a3") = 0;
	register unsigned long a4 __asm__("a4") = 0;
	register unsigned long a5 __asm__("a5") = 0;
	register unsigned long a6 __asm__("a6") = a6v;
	register long a7 __asm__("a7") = nr;
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6)
			 : "r"(a7)
			 : "memory");
	*w0 = a2;
	*tok = a6;
	(void)a1, (void)a3, (void)a4, (void)a5;
	return a0;
}

static inline long raw_ipc(long nr, long a0v, unsigned long info, unsigned long w0v,
			   unsigned long a6v, unsigned long *w0)
{
	unsigned long tok;
	return raw_ipc6(nr, a0v, info, w0v, a6v, w0, &tok);
}

/* The server's loop: each message is answered with the instret at which
 * its recv returned in w0, after reading read_lease bytes of lease 0.
 * Label 1 ends it. Without leases the reply token stays in a6 from one
 * call to the next, as a server written in assembly would keep it. */
/* A page-aligned 4 KiB buffer from the heap: static ones would add pages
 * to every fork the other benchmarks measure. */
static char *page_buffer(void)
{
	char *p = sbrk(0);
	sbrk((long)(-(unsigned long)p & 4095) + 4096);
	return (char *)(((unsigned long)p + 4095) & ~4095UL);
}

static void ipc_server(int ep, size_t read_lease)
{
	char *buf = read_lease ? page_buffer() : NULL;
	unsigned long w0, tok;
	long info = raw_ipc6(SYS_ipc_recv, ep, 0, 0, 0, &w0, &tok);
	while (read_lease) {
		unsigned long t = instret();
		if (info == 1)
			_exit(0);
		lde_syscall(SYS_lease_read, (long)tok, 0, 0, (long)buf, (long)read_lease, 0);
		info = raw_ipc6(SYS_ipc_reply_recv, ep, 0, t, tok, &w0, &tok);
	}
	register long a0 __asm__("a0");
	register unsigned long a1 __asm__("a1"), a2 __asm__("a2"), a3 __asm__("a3");
	register unsigned long a4 __asm__("a4"), a5 __asm__("a5"), a6 __asm__("a6") = tok;
	register long a7 __asm__("a7") = SYS_ipc_reply_recv; /* the kernel leaves a7 alone */
	for (;;) {
		unsigned long t = instret();
		if (info == 1)
			_exit(0);
		a0 = ep, a1 = 0, a2 = t;
		__asm__ volatile("ecall"
				 : "+r"(a0), "+r"(a1), "+r"(a2), "=r"(a3), "=r"(a4), "=r"(a5),
				   "+r"(a6)
				 : "r"(a7)
				 : "memory");
		info = a0;
	}
}

/* A call with a register message whose reply's words are not looked at. */
/* ipc_call leaves a1, a6 and a7 as they were (kernel/uapi.h), so a loop
 * of calls sets them once, as a client in assembly would. */
static inline void call_only(long ep, unsigned long info, unsigned long leases)
{
	register long a0 __asm__("a0") = ep;
	register unsigned long a1 __asm__("a1") = info;
	register unsigned long a2 __asm__("a2"), a3 __asm__("a3"), a4 __asm__("a4");
	register unsigned long a5 __asm__("a5"), a6 __asm__("a6") = leases;
	register long a7 __asm__("a7") = SYS_ipc_call;
	__asm__ volatile("ecall"
			 : "+r"(a0), "=r"(a2), "=r"(a3), "=r"(a4), "=r"(a5)
			 : "r"(a1), "r"(a6), "r"(a7)
			 : "memory");
}

static void bench_ipc(unsigned long n)
{
	int ep = ep_create();
	pid_t pid = fork();
	if (pid == 0)
		ipc_server(ep, 0);
	unsigned long w0, oneway = 0;
	raw_ipc(SYS_ipc_call, ep, 0, 0, 0, &w0); /* warm up: the server now waits */
	for (unsigned long i = 0; i < n; i++) {
		unsigned long t0 = instret();
		raw_ipc(SYS_ipc_call, ep, 0, 0, 0, &w0);
		oneway += w0 - t0;
	}
	/* From one rdinstret to the other: the second's own cost is excluded
	 * by the difference, the first's is one instruction. */
	printf("BENCH ipc_call %lu %lu %lu\n", (oneway + n / 2) / n, n, 0UL);
	struct sample s = begin();
	{
		register unsigned long a1 __asm__("a1") = 0, a6 __asm__("a6") = 0;
		register long a7 __asm__("a7") = SYS_ipc_call;
		for (unsigned long i = 0; i < n; i++) {
			register long a0 __asm__("a0") = ep;
			register unsigned long a2 __asm__("a2"), a3 __asm__("a3");
			register unsigned long a4 __asm__("a4"), a5 __asm__("a5");
			__asm__ volatile("ecall"
					 : "+r"(a0), "=r"(a2), "=r"(a3), "=r"(a4), "=r"(a5)
					 : "r"(a1), "r"(a6), "r"(a7)
					 : "memory");
		}
	}
	report("ipc_roundtrip", s, n, 1, 1);
	raw_ipc(SYS_ipc_call, ep, 1, 0, 0, &w0);
	wait(NULL);
	close(ep);
}

static void bench_ipc_lease(unsigned long n)
{
	char *buf = page_buffer();
	memset(buf, 1, 4096);
	int ep = ep_create();
	pid_t pid = fork();
	if (pid == 0)
		ipc_server(ep, 4096);
	struct lde_lease lease = { (uint64_t)buf, 4096, LDE_LEASE_READ };
	unsigned long w0, info = LDE_MSG_INFO(0, 1, -1);
	raw_ipc(SYS_ipc_call, ep, info, 0, (unsigned long)&lease, &w0);
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++)
		call_only(ep, info, (unsigned long)&lease);
	report("ipc_lease_4k", s, n, 1, 1);
	raw_ipc(SYS_ipc_call, ep, 1, 0, 0, &w0);
	wait(NULL);
	close(ep);
}

/* signal to a process blocked in ntfn_wait, until that process runs: the
 * waiter adds up the instret at which each wait returned, the signaller
 * the instret before each signal; bit 1 asks for the sum and ends it. */
static void bench_ntfn(unsigned long n)
{
	int nt = ntfn_create();
	int out[2];
	pipe(out);
	pid_t pid = fork();
	if (pid == 0) {
		unsigned long sum = 0;
		for (;;) {
			long bits = raw_syscall2(SYS_ntfn_wait, nt, 0);
			unsigned long t = instret();
			if (bits & 2)
				break;
			sum += t;
		}
		write(out[1], &sum, sizeof sum);
		_exit(0);
	}
	/* Let the waiter block first. */
	struct lde_procinfo pi;
	while (procinfo(pid, &pi, 1) == 1 && pi.state != LDE_P_SLEEPING)
		yield();
	unsigned long sum = 0;
	for (unsigned long i = 0; i < n; i++) {
		/* Only a blocked waiter counts: a timer tick may have preempted
		 * it on its way back to ntfn_wait. */
		while (procinfo(pid, &pi, 1) == 1 && pi.state != LDE_P_SLEEPING)
			yield();
		sum += instret();
		raw_syscall2(SYS_ntfn_signal, nt, 1);
	}
	lde_syscall(SYS_ntfn_signal, nt, 2, 0, 0, 0, 0);
	unsigned long theirs = 0;
	read(out[0], &theirs, sizeof theirs);
	printf("BENCH ntfn_wake %lu %lu %lu\n", (theirs - sum + n / 2) / n, n, 0UL);
	wait(NULL);
	close(nt), close(out[0]), close(out[1]);
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

/* Whether exec of path works: a child tries it (0 if it exits 127). */
static int execs(const char *path, char *argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		exec(path, argv);
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return pid > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 127);
}

/* /true from the initrd, as make bench's has it; from the shell of make
 * run, whose initrd holds only what brings the disk up, the disk's. */
static void bench_fork_exec_wait(unsigned long n)
{
	char *argv[] = { "true", NULL };
	const char *path = "/true";
	if (!execs(path, argv)) {
		path = "/bin/true";
		if (!execs(path, argv)) {
			printf("BENCH-FAIL fork_exec_wait: neither /true nor /bin/true runs\n");
			return;
		}
		printf("BENCH-NOTE fork_exec_wait execs /bin/true\n");
	}
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			exec(path, argv);
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
/* A signal to oneself and back: kill(getpid(), SIGUSR1) delivers it on
 * the way out of the call (the frame pushed on the stack), the handler
 * runs and returns through sigreturn (the frame taken back). The raw
 * calls, not sigaction(), and nothing more: bench's text stays within its
 * pages, which fork_exit_wait shares (its parent_pages note). Last: the
 * handler stays set. */
static void on_usr1(int sig) {}

static void bench_signal(unsigned long n)
{
	extern void __lde_sigreturn(void);
	struct lde_sigaction sa = { .handler = (uint64_t)on_usr1 };
	lde_sys_sigaction(SIGUSR1, &sa, NULL, (const void *)__lde_sigreturn);
	long me = getpid();
	struct sample s = begin();
	for (unsigned long i = 0; i < n; i++) {
		raw_syscall2(SYS_kill, me, SIGUSR1);
		__asm__ volatile("" ::: "memory");
	}
	report("signal_roundtrip", s, n, 1, 1);
}

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
		printf("BENCH-FAIL timer_tick no ticks in the window\n");
		return;
	}
	printf("BENCH timer_tick %lu %lu %lu\n", (di - n * loop_cost) / ticks, ticks,
	       dt * 100 / ticks);
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
			{ "getpid", bench_getpid, 100 },
			{ "yield_self", bench_yield_self, 100 },
			{ "yield_switch", bench_yield_switch, 100 },
			{ "yield_switch_fp", bench_yield_switch_fp, 100 },
			{ "pipe", bench_pipe, 100 },
			{ "fork_exit_wait", bench_fork_exit_wait, 100 },
			{ "fork_exec_wait", bench_fork_exec_wait, 100 },
			{ "sbrk_page", bench_sbrk, 100 },
			{ "timer_tick", bench_timer_tick, 20000000 },
			{ "ipc", bench_ipc, 100 },
			{ "ipc_lease", bench_ipc_lease, 100 },
			{ "ntfn", bench_ntfn, 100 },
			{ "signal", bench_signal, 100 },
		};
		measure_empty_loop();
		legend();
		if (!strcmp(argv[2], "none")) /* the baseline: everything but the loop */
			return 0;
		if (!strcmp(argv[2], "boot")) { /* run as init: boot_to_init alone */
			printf("BENCH boot_to_init %lu 1 %lu\n", boot, 0UL);
			return 0;
		}
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
	bench_ipc(20000 * scale);
	bench_ipc_lease(5000 * scale);
	bench_ntfn(20000 * scale);
	bench_signal(20000 * scale);
	if (getpid() == 1) {
		printf("BENCH boot_to_init %lu 1 %lu\n", boot, 0UL);
		/* The device row's driver is t_dev's (its bench mode): here
		 * its code would make every fork above a page bigger. */
		char *irq[] = { "t_dev", "bench", NULL };
		exec("/t_dev", irq);
	}
	return 0;
}
