/* kill: a child dies promptly wherever it is (spinning in U-mode, asleep
 * in usleep, in wait, in a pipe read, in a write to a full pipe, or killing
 * itself), and its parent sees WIFSIGNALED with the signal sent; ESRCH,
 * EINVAL, kill(pid, 0) as a probe, and zombies that cannot be killed.
 * Run as init (init=/t_kill) or from the shell (t_kill). */
#include "t_util.h"

static int is_init; /* pid 1: orphans come to us; else to init, which reaps them */

#define PROMPT_MS 2000 /* "promptly": far below the 10 s sleeps, with room for host stalls */

/* Kill pid with sig and reap it: it must die with that signal, soon. */
static void kill_and_reap(pid_t pid, int sig, const char *what)
{
	long t0 = uptime();
	CHECK_EQ(kill(pid, sig), 0);
	int st = reap(pid);
	long took = uptime() - t0;
	CHECK(WIFSIGNALED(st));
	CHECK(!WIFEXITED(st));
	CHECK_EQ(WTERMSIG(st), sig);
	CHECK(took < PROMPT_MS);
	printf("kill: %s died of signal %d after %ld ms\n", what, WTERMSIG(st), took);
}

/* Wait until pid sleeps on the wait queue called wchan. */
static void expect_sleeping(pid_t pid, const char *wchan)
{
	CHECK_EQ(wait_state(pid, LDE_P_SLEEPING, 5000), 0);
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(pid, &pi), 0);
	CHECK_EQ(pi.state, LDE_P_SLEEPING);
	if (strcmp(pi.wchan, wchan))
		printf("FAIL: pid %d sleeps on '%s', expected '%s'\n", pid, pi.wchan, wchan);
}

static void test_spinner(void)
{
	pid_t pid = fork();
	if (pid == 0)
		while (1)
			;
	usleep(50000); /* it has been running, and has been preempted */
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(pid, &pi), 0);
	CHECK_EQ(pi.state, LDE_P_RUNNABLE);
	CHECK(pi.utime_us > 0);
	kill_and_reap(pid, SIGKILL, "a spinning child (while(1);)");

	/* The same with the notes' monopolizer, exec'd. */
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "spin", NULL };
		exec("/spin", argv);
		_exit(127);
	}
	usleep(50000);
	CHECK_EQ(proc_get(pid, &pi), 0);
	CHECK(!strcmp(pi.name, "spin"));
	kill_and_reap(pid, SIGTERM, "/spin");
}

static void test_sleeper(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		usleep(10000000);
		_exit(0); /* not reached: 10 s is past the test's timeout */
	}
	expect_sleeping(pid, "sleep");
	kill_and_reap(pid, SIGINT, "a child in usleep(10 s)");

	/* Killing one sleeper leaves the others on time: the timed queue is
	 * still in order after the removal. */
	pid_t a = fork();
	if (a == 0) {
		usleep(300000);
		_exit(3);
	}
	pid_t b = fork();
	if (b == 0) {
		usleep(10000000);
		_exit(0);
	}
	long t0 = uptime();
	expect_sleeping(b, "sleep");
	kill_and_reap(b, SIGKILL, "a second sleeper");
	int st = reap(a);
	long took = uptime() - t0;
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	CHECK(took >= 250 && took < 3000);
	long t1 = uptime();
	usleep(50000);
	CHECK(uptime() - t1 >= 50);
}

static void test_waiter(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		pid_t gc = fork();
		if (gc == 0) {
			usleep(10000000);
			_exit(0);
		}
		write(fds[1], &gc, sizeof gc);
		wait(NULL); /* blocks: the grandchild sleeps for 10 s */
		_exit(0);
	}
	close(fds[1]);
	pid_t gc = 0;
	CHECK_EQ(read(fds[0], &gc, sizeof gc), (long)sizeof gc);
	close(fds[0]);
	expect_sleeping(pid, "wait");
	kill_and_reap(pid, SIGTERM, "a child blocked in wait()");
	/* Its child is an orphan now, handed to init (pid 1): us, when we are
	 * init; else the system's init, which reaps it once it dies. */
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(gc, &pi), 0);
	CHECK_EQ(pi.ppid, 1);
	if (is_init) {
		kill_and_reap(gc, SIGKILL, "the orphaned grandchild");
		return;
	}
	long t0 = uptime();
	CHECK_EQ(kill(gc, SIGKILL), 0);
	CHECK_EQ(wait_state(gc, -1, PROMPT_MS), 0); /* dead, and reaped by init */
	long took = uptime() - t0;
	errno = 0;
	CHECK_EQ(kill(gc, 0), -1);
	CHECK_EQ(errno, ESRCH);
	printf("kill: the orphaned grandchild (init's now) died and init reaped it after %ld ms\n",
	       took);
}

static void test_pipe_reader(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		read(fds[0], &c, 1); /* nobody writes; we keep a write end */
		_exit(0);
	}
	expect_sleeping(pid, "pipe read");
	kill_and_reap(pid, SIGKILL, "a child blocked reading a pipe");
	close(fds[0]);
	close(fds[1]);
}

static void test_pipe_writer(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		static char buf[65536];
		close(fds[0]);
		write(fds[1], buf, sizeof buf); /* fills the pipe, then blocks */
		_exit(0);
	}
	close(fds[1]);
	expect_sleeping(pid, "pipe write");
	kill_and_reap(pid, SIGTERM, "a child blocked writing a full pipe");
	/* What it wrote before dying is still there, then end-of-file. */
	static char buf[65536];
	long n = read_all(fds[0], buf, sizeof buf);
	CHECK(n > 0 && n < (long)sizeof buf);
	CHECK_EQ(read(fds[0], buf, 1), 0);
	close(fds[0]);
}

static void test_self(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGTERM);
		_exit(0); /* not reached: it dies on the way back from kill */
	}
	int st = reap(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGTERM);
}

static void test_errors(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		usleep(300000);
		_exit(5);
	}
	/* kill(pid, 0) probes: it exists, and it is not harmed. */
	CHECK_EQ(kill(pid, 0), 0);
	/* Invalid signals: EINVAL, and no effect. */
	int bad[] = { -1, 32, 64, 1000, -9 };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		CHECK_EQ(kill(pid, bad[i]), -1);
		CHECK_EQ(errno, EINVAL);
	}
	CHECK_EQ(kill(pid, 0), 0);
	int st = reap(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 5);
	/* Now it is gone. */
	errno = 0;
	CHECK_EQ(kill(pid, 0), -1);
	CHECK_EQ(errno, ESRCH);
	errno = 0;
	CHECK_EQ(kill(pid, SIGKILL), -1);
	CHECK_EQ(errno, ESRCH);
	errno = 0;
	CHECK_EQ(kill(99999, SIGKILL), -1);
	CHECK_EQ(errno, ESRCH);

	/* A zombie still exists (kill succeeds) but cannot die twice: its exit
	 * status stays the one it chose. */
	pid = fork();
	if (pid == 0)
		_exit(7);
	CHECK_EQ(wait_state(pid, LDE_P_ZOMBIE, 5000), 0);
	CHECK_EQ(kill(pid, 0), 0);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	st = reap(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 7);
}

/* Several spinners killed at once all die, each with its own signal. */
static void test_many(void)
{
	enum { N = 6 };
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			for (;;)
				;
	}
	usleep(30000);
	for (int i = 0; i < N; i++)
		CHECK_EQ(kill(pids[i], 1 + i), 0);
	for (int k = 0; k < N; k++) {
		int st;
		pid_t got = wait(&st);
		int idx = -1;
		for (int i = 0; i < N; i++)
			if (pids[i] == got)
				idx = i;
		CHECK(idx >= 0);
		CHECK(WIFSIGNALED(st));
		CHECK_EQ(WTERMSIG(st), 1 + idx);
	}
	CHECK_EQ(wait(NULL), -1);
}

int main(void)
{
	is_init = getppid() == 0;
	if (is_init)
		CHECK_EQ(getpid(), 1);
	warm_up();
	long before = free_pages();
	test_spinner();
	test_sleeper();
	test_waiter();
	test_pipe_reader();
	test_pipe_writer();
	test_self();
	test_errors();
	test_many();
	CHECK_EQ(wait(NULL), -1);
	CHECK_EQ(errno, ECHILD);
	CHECK_EQ(free_pages(), before);
	return check_exit("t_kill");
}
