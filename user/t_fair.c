/* Fairness of the round-robin scheduler: N identical CPU-bound children
 * (while(1);) share the CPU for 2 seconds of uptime while the parent
 * sleeps. Over that window each one's CPU time (utime + stime, from
 * procinfo) must be within 15% of the mean share, and together they must
 * have had most of the window. Preemption is the only way a spinner ever
 * leaves the CPU, so this also proves the timer works.
 *
 * CPU time is measured with the guest's clock. Without -icount that clock
 * is the host's: when the host deschedules QEMU (a busy machine, tests run
 * in parallel), the whole stall is charged to whichever child was running,
 * and the utime figures drift by tens of percent although every child got
 * the same number of quanta. So the utime verdict is for runs under
 * -icount (the guest's time is its instruction count: exact and
 * repeatable); "t_fair N quanta" instead judges the number of quanta each
 * child got (its involuntary switches; within 15% too), which host stalls
 * cannot skew, and still prints the utime figures.
 * Run as init: init=/t_fair N [quanta]   (N = 2..8, default 3) */
#include "t_util.h"

#define MAX_N 8
#define WINDOW_MS 2000
#define TOLERANCE_PCT 15

static uint64_t cpu_us(const struct lde_procinfo *pi) { return pi->utime_us + pi->stime_us; }

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	int by_quanta = argc > 2 && !strcmp(argv[2], "quanta");
	if (n < 2 || n > MAX_N) {
		printf("FAIL: t_fair: N must be 2..%d\n", MAX_N);
		return 2;
	}
	pid_t pids[MAX_N];
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			for (;;)
				;
		CHECK(pids[i] > 0);
	}
	/* Let every child start, then measure over a window of uptime. */
	usleep(100000);
	struct lde_procinfo a[MAX_N], b[MAX_N];
	for (int i = 0; i < n; i++)
		CHECK_EQ(proc_get(pids[i], &a[i]), 0);
	long t0 = uptime();
	usleep(WINDOW_MS * 1000);
	for (int i = 0; i < n; i++)
		CHECK_EQ(proc_get(pids[i], &b[i]), 0);
	long window = uptime() - t0;

	uint64_t share[MAX_N], quanta[MAX_N], sum = 0, qsum = 0;
	for (int i = 0; i < n; i++) {
		share[i] = cpu_us(&b[i]) - cpu_us(&a[i]);
		quanta[i] =
			b[i].ivcsw - a[i].ivcsw; /* a spinner leaves only when its quantum ends */
		sum += share[i];
		qsum += quanta[i];
	}
	uint64_t mean = sum / (uint64_t)n;
	uint64_t qmean = qsum / (uint64_t)n;
	printf("fair: %d spinners, window %ld ms, total CPU %lu us (%lu%% of the window), mean %lu us, "
	       "verdict on %s\n",
	       n, window, (unsigned long)sum,
	       (unsigned long)(sum / 10 / (uint64_t)(window ? window : 1)), (unsigned long)mean,
	       by_quanta ? "quanta" : "cpu time");
	for (int i = 0; i < n; i++) {
		long dev = (long)share[i] - (long)mean;
		long pm = mean ? (dev < 0 ? -dev : dev) * 1000 / (long)mean : 0;
		printf("fair: pid %d: cpu %lu us (user %lu, sys %lu), %c%ld.%ld%% from the mean, "
		       "quanta %lu, timer ticks %lu, yielded %lu\n",
		       pids[i], (unsigned long)share[i],
		       (unsigned long)(b[i].utime_us - a[i].utime_us),
		       (unsigned long)(b[i].stime_us - a[i].stime_us), dev < 0 ? '-' : '+', pm / 10,
		       pm % 10, (unsigned long)quanta[i], (unsigned long)(b[i].ticks - a[i].ticks),
		       (unsigned long)(b[i].vcsw - a[i].vcsw));
		if (by_quanta) {
			long qdev = (long)quanta[i] - (long)qmean;
			if ((qdev < 0 ? -qdev : qdev) * 100 > (long)qmean * TOLERANCE_PCT)
				printf("FAIL: pid %d got %lu quanta, more than %d%% away from the mean %lu\n",
				       pids[i], (unsigned long)quanta[i], TOLERANCE_PCT,
				       (unsigned long)qmean);
		} else if ((dev < 0 ? -dev : dev) * 100 > (long)mean * TOLERANCE_PCT) {
			printf("FAIL: pid %d got %lu us, more than %d%% away from the mean %lu us\n",
			       pids[i], (unsigned long)share[i], TOLERANCE_PCT,
			       (unsigned long)mean);
		}
		/* Only the timer takes a spinner off the CPU. */
		CHECK(b[i].ivcsw > a[i].ivcsw);
		CHECK_EQ(b[i].vcsw, a[i].vcsw);
	}
	CHECK(qmean >= 5); /* enough quanta for 15% to mean something */
	/* The parent slept: the spinners had nearly all the CPU. */
	CHECK(sum >= (uint64_t)window * 1000 * 80 / 100);
	CHECK(window >= WINDOW_MS);

	for (int i = 0; i < n; i++)
		CHECK_EQ(kill(pids[i], SIGKILL), 0);
	for (int i = 0; i < n; i++) {
		int st;
		CHECK(wait(&st) > 0);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	}
	return check_exit("t_fair");
}
