/* The notes' monopolizers cannot keep the CPU: with a `while(1)
 * printf(...)` process and a `while(1);` process running, a worker still
 * finishes its computation (the timer preempts them); then the parent
 * kills both and sees them die of the signals it sent.
 * Run as init: init=/t_monopoly, also with quantum=1. */
#include "t_util.h"

#define WORK 20000000UL /* about 100 ms of CPU on this QEMU */

/* Something the compiler cannot fold: a sum with a known closed form. */
static int worker(void)
{
	long t0 = uptime();
	volatile unsigned long sum = 0;
	for (unsigned long i = 1; i <= WORK; i++)
		sum += i;
	unsigned long want = WORK * (WORK + 1) / 2;
	struct lde_procinfo pi;
	proc_get(0, &pi);
	printf("monopoly: worker: sum 1..%lu = %lu (%s) in %ld ms, cpu %lu us, preempted %lu times\n",
	       WORK, (unsigned long)sum, sum == want ? "right" : "WRONG", uptime() - t0,
	       (unsigned long)(pi.utime_us + pi.stime_us), (unsigned long)pi.ivcsw);
	/* It was preempted again and again: the monopolizers competed. */
	if (pi.ivcsw < 3)
		printf("FAIL: the worker was preempted only %lu times\n", (unsigned long)pi.ivcsw);
	return sum == want && pi.ivcsw >= 3 ? 0 : 1;
}

static pid_t spawn_spin(int print)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "spin", print ? "print" : NULL, NULL };
		exec("/spin", argv);
		printf("FAIL: exec /spin: errno %d\n", errno);
		_exit(127);
	}
	CHECK(pid > 0);
	return pid;
}

int main(void)
{
	pid_t printer = spawn_spin(1);
	pid_t spinner = spawn_spin(0);
	usleep(50000); /* both are on the CPU's books before the worker */
	pid_t work = fork();
	if (work == 0)
		_exit(worker());
	long t0 = uptime();
	/* The monopolizers never exit: the first child to end is the worker. */
	int st = -1;
	pid_t got = wait(&st);
	long took = uptime() - t0;
	CHECK_EQ(got, work);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	struct lde_procinfo pp, ps;
	CHECK_EQ(proc_get(printer, &pp), 0);
	CHECK_EQ(proc_get(spinner, &ps), 0);
	CHECK(!strcmp(pp.name, "spin") && !strcmp(ps.name, "spin"));
	CHECK(pp.state == LDE_P_RUNNABLE && ps.state == LDE_P_RUNNABLE);
	/* Each of them ran, and each was preempted again and again. */
	CHECK(pp.utime_us + pp.stime_us > 0 && ps.utime_us > 0);
	CHECK(pp.ivcsw > 0 && ps.ivcsw > 0);
	CHECK(pp.syscalls > 10); /* printf: one write per line */
	printf("monopoly: worker done after %ld ms; printer cpu %lu us, %lu syscalls, preempted %lu; "
	       "spinner cpu %lu us, preempted %lu\n",
	       took, (unsigned long)(pp.utime_us + pp.stime_us), (unsigned long)pp.syscalls,
	       (unsigned long)pp.ivcsw, (unsigned long)(ps.utime_us + ps.stime_us),
	       (unsigned long)ps.ivcsw);

	CHECK_EQ(kill(printer, SIGTERM), 0);
	CHECK_EQ(kill(spinner, SIGKILL), 0);
	for (int k = 0; k < 2; k++) {
		st = -1;
		got = wait(&st);
		CHECK(got == printer || got == spinner);
		CHECK(WIFSIGNALED(st));
		CHECK_EQ(WTERMSIG(st), got == printer ? SIGTERM : SIGKILL);
	}
	CHECK_EQ(wait(NULL), -1);
	printf("monopoly: both monopolizers killed\n");
	return check_exit("t_monopoly");
}
