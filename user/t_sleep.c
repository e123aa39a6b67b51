/* usleep, sleep and uptime: uptime increases; a sleep takes at least what
 * was asked and not much more, also while other processes spin; sleepers
 * wake in deadline order; a sleeping process is listed as sleeping and is
 * not charged CPU time.
 *
 * Lower bounds are exact in any case. Upper bounds are tight with "tight",
 * for runs under -icount, where the guest's clock is its instruction count;
 * in real time a busy host can stall QEMU for a few hundred milliseconds
 * at any moment (measured: a 20 ms sleep took 213 ms with four QEMUs on two
 * CPUs), so there every upper bound gets a second of extra slack.
 * With a long quantum (say quantum=1000), sleeps on an idle machine must
 * still end on time (the timer is programmed for the earliest deadline,
 * not only for the end of the quantum); beside spinners, a woken sleeper
 * may wait for up to two quanta.
 * Run as init: init=/t_sleep [tight] [QUANTUM_MS] */
#include "t_util.h"

static long extra = 1000; /* ms of slack for host stalls; 0 with "tight" */
static long quantum = 10; /* the kernel's quantum=, if not the default */

static void test_uptime(void)
{
	long u0 = uptime();
	CHECK(u0 >= 0);
	long prev = u0;
	int backwards = 0;
	/* Spin (bounded) until uptime moves, checking it never goes back. */
	for (long i = 0; i < 50000000 && uptime() <= u0 + 5; i++) {
		long u = uptime();
		backwards += u < prev;
		prev = u;
	}
	CHECK_EQ(backwards, 0);
	CHECK(uptime() > u0);
}

/* usleep(us) must take [us, us + slack] ms of uptime. */
static void check_sleep(long us, long slack_ms)
{
	long t0 = uptime();
	CHECK_EQ(usleep((useconds_t)us), 0);
	long took = uptime() - t0;
	if (took < us / 1000 || took > us / 1000 + slack_ms + extra)
		printf("FAIL: usleep(%ld) took %ld ms, expected %ld..%ld\n", us, took, us / 1000,
		       us / 1000 + slack_ms + extra);
	printf("sleep: usleep(%ld) took %ld ms\n", us, took);
}

static void test_durations(void)
{
	check_sleep(200000, 200); /* 200..400 ms */
	check_sleep(50000, 100);
	for (int i = 0; i < 5; i++)
		check_sleep(20000, 100);
	long t0 = uptime();
	CHECK_EQ(sleep(1), 0);
	long took = uptime() - t0;
	CHECK(took >= 1000 && took <= 1400 + extra);
	printf("sleep: sleep(1) took %ld ms\n", took);
	t0 = uptime();
	CHECK_EQ(usleep(0), 0);
	CHECK(uptime() - t0 < 50 + extra);
}

/* With two spinners around, a sleeper still wakes about on time: the
 * timer fires for its deadline, and it runs within a quantum or two. */
static void test_with_spinners(void)
{
	pid_t s[2];
	for (int i = 0; i < 2; i++) {
		s[i] = fork();
		if (s[i] == 0)
			for (;;)
				;
	}
	check_sleep(200000, 200 + 2 * quantum);
	check_sleep(30000, 100 + 2 * quantum);
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(kill(s[i], SIGKILL), 0);
		reap(s[i]);
	}
}

/* Sleepers wake in deadline order, whatever order they went to sleep in:
 * each writes its mark on waking. */
static void test_order(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	long delays[] = { 300, 100, 400, 200, 100 }; /* ms */
	enum { N = 5 };
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(fds[0]);
			usleep((useconds_t)(delays[i] * 1000));
			char c = (char)('a' + i);
			write(fds[1], &c, 1);
			_exit(0);
		}
	}
	close(fds[1]);
	char seq[N + 1] = { 0 };
	CHECK_EQ(read_all(fds[0], seq, N), N);
	close(fds[0]);
	/* 100 ms: b and e (either order), then d (200), a (300), c (400). */
	CHECK((seq[0] == 'b' && seq[1] == 'e') || (seq[0] == 'e' && seq[1] == 'b'));
	CHECK(!strcmp(seq + 2, "dac"));
	printf("sleep: woke in order %s\n", seq);
	for (int i = 0; i < N; i++)
		wait(NULL);
}

/* A sleeping process is listed as such, and sleeping costs no CPU time. */
static void test_accounting(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		usleep(500000);
		struct lde_procinfo pi;
		CHECK_EQ(proc_get(0, &pi), 0);
		/* Half a second asleep, almost nothing charged. */
		if (pi.utime_us + pi.stime_us > 50000 + (uint64_t)extra * 1000)
			printf("FAIL: a sleeper was charged %lu us\n",
			       (unsigned long)(pi.utime_us + pi.stime_us));
		child_done();
	}
	CHECK_EQ(wait_state(pid, LDE_P_SLEEPING, 1000), 0);
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(pid, &pi), 0);
	CHECK(!strcmp(pi.wchan, "sleep"));
	CHECK_EQ(reap(pid), 0);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "tight"))
			extra = 0;
		else if (atoi(argv[i]) > 0)
			quantum = atoi(argv[i]);
	}
	printf("sleep: upper bounds with %ld ms of extra slack, quantum %ld ms\n", extra, quantum);
	warm_up();
	test_uptime();
	test_durations();
	test_with_spinners();
	test_order();
	test_accounting();
	return check_exit("t_sleep");
}
