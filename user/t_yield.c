/* yield, the cooperative approach of the notes: a process that yields
 * alone keeps the CPU (and each yield counts as a voluntary switch);
 * processes that yield in turn alternate strictly, A B A B (or A B C A B C),
 * except where the timer preempted one of them, which procinfo's ivcsw
 * counts. A process that only yields does not stop the others.
 * Run as init: init=/t_yield */
#include "t_util.h"

#define ROUNDS 600 /* per process; all the marks fit in one pipe page */

static void test_alone(void)
{
	struct lde_procinfo a, b;
	CHECK_EQ(proc_get(0, &a), 0);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(yield(), 0);
	CHECK_EQ(proc_get(0, &b), 0);
	/* Every yield is a voluntary switch, even with no one to switch to. */
	CHECK_EQ(b.vcsw - a.vcsw, 100);
	printf("yield: alone, 100 yields -> vcsw +%lu, ivcsw +%lu\n",
	       (unsigned long)(b.vcsw - a.vcsw), (unsigned long)(b.ivcsw - a.ivcsw));
}

struct result {
	char id;
	uint64_t vcsw, ivcsw;
};

/* n processes, started together, each writes its letter then yields,
 * ROUNDS times. The parent is asleep in wait(), so only they run. */
static void test_alternate(int n)
{
	int go[2], marks[2], res[2];
	CHECK_EQ(pipe(go), 0);
	CHECK_EQ(pipe(marks), 0);
	CHECK_EQ(pipe(res), 0);
	pid_t pids[3];
	for (int k = 0; k < n; k++) {
		pids[k] = fork();
		if (pids[k] == 0) {
			char id = (char)('A' + k);
			close(go[1]);
			close(marks[0]);
			close(res[0]);
			char c;
			CHECK_EQ(read(go[0], &c, 1), 1); /* all start together */
			struct lde_procinfo a, b;
			proc_get(0, &a);
			for (int i = 0; i < ROUNDS; i++) {
				write(marks[1], &id, 1);
				yield();
			}
			proc_get(0, &b);
			struct result r = { id, b.vcsw - a.vcsw, b.ivcsw - a.ivcsw };
			write(res[1], &r, sizeof r);
			child_done();
		}
	}
	close(go[0]);
	close(marks[1]);
	close(res[1]);
	/* Wait until every one is blocked on the go pipe, then release all. */
	for (int k = 0; k < n; k++)
		CHECK_EQ(wait_state(pids[k], LDE_P_SLEEPING, 5000), 0);
	char gobuf[3] = { 'g', 'g', 'g' };
	CHECK_EQ(write(go[1], gobuf, (size_t)n), n);
	for (int k = 0; k < n; k++) {
		int st;
		pid_t got = wait(&st);
		CHECK(got > 0);
		CHECK_EQ(st, 0);
	}
	static char seq[ROUNDS * 3 + 1];
	long len = read_all(marks[0], seq, sizeof seq);
	CHECK_EQ(len, (long)ROUNDS * n);
	uint64_t ivcsw = 0;
	for (int k = 0; k < n; k++) {
		struct result r;
		CHECK_EQ(read_all(res[0], &r, sizeof r), (long)sizeof r);
		/* Exactly one voluntary switch per yield: nothing else blocked. */
		CHECK_EQ(r.vcsw, ROUNDS);
		ivcsw += r.ivcsw;
	}
	/* After the first mark, each must be the successor of the one before:
	 * A B A B ... Each preemption can break the pattern in at most two
	 * places (the preempted one and the one that runs in its stead). */
	long breaks = 0;
	for (long i = 1; i < len; i++) {
		int prev = seq[i - 1] - 'A', cur = seq[i] - 'A';
		if (cur != (prev + 1) % n)
			breaks++;
	}
	printf("yield: %d processes x %d yields: %ld breaks in the alternation, %lu preemptions\n",
	       n, ROUNDS, breaks, (unsigned long)ivcsw);
	printf("yield: sequence starts %.24s\n", seq);
	CHECK(breaks <= 2 * (long)ivcsw);
	close(go[1]);
	close(marks[0]);
	close(res[0]);
}

/* A process that yields forever does not stop a worker from finishing,
 * nor take much of its CPU: each time the worker is preempted, the yielder
 * gives the CPU straight back. */
static void test_yielder_and_worker(void)
{
	pid_t y = fork();
	if (y == 0)
		for (;;)
			yield();
	pid_t w = fork();
	if (w == 0) {
		burn(5000000);
		_exit(0);
	}
	CHECK_EQ(wait_state(w, LDE_P_ZOMBIE, 20000), 0);
	struct lde_procinfo pw, py;
	CHECK_EQ(proc_get(w, &pw), 0);
	CHECK_EQ(proc_get(y, &py), 0);
	int st = reap(w);
	CHECK_EQ(st, 0);
	uint64_t wcpu = pw.utime_us + pw.stime_us, ycpu = py.utime_us + py.stime_us;
	printf("yield: a worker finished beside a yielder: worker cpu %lu us, preempted %lu; "
	       "yielder cpu %lu us, %lu yields\n",
	       (unsigned long)wcpu, (unsigned long)pw.ivcsw, (unsigned long)ycpu,
	       (unsigned long)py.vcsw);
	CHECK(py.vcsw >= 1);
	CHECK(ycpu * 4 < wcpu);
	CHECK_EQ(kill(y, SIGKILL), 0);
	st = reap(y);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

int main(void)
{
	warm_up();
	long before = free_pages();
	test_alone();
	test_alternate(2);
	test_alternate(3);
	test_yielder_and_worker();
	CHECK_EQ(free_pages(), before);
	return check_exit("t_yield");
}
