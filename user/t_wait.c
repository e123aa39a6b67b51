/* wait and exit: every exit status 0..255, a killed child's status,
 * ECHILD, a NULL status pointer, both orders of exit and wait, and the
 * zombie: exit frees everything but the process-table slot, which is listed
 * as LDE_P_ZOMBIE until the parent waits.
 * Run as init: init=/t_wait */
#include "t_util.h"

static void test_no_children(void)
{
	int st = 12345;
	errno = 0;
	CHECK_EQ(wait(&st), -1);
	CHECK_EQ(errno, ECHILD);
	CHECK_EQ(st, 12345); /* untouched */
	errno = 0;
	CHECK_EQ(wait(NULL), -1);
	CHECK_EQ(errno, ECHILD);
}

/* All 256 exit codes, 32 children at a time; each pid is reaped once with
 * its own code. exit() keeps only the low 8 bits (256 -> 0, -1 -> 255). */
static void test_all_statuses(void)
{
	enum { BATCH = 32 };
	int bad = 0;
	for (int base = 0; base < 256; base += BATCH) {
		pid_t pids[BATCH];
		for (int i = 0; i < BATCH; i++) {
			pids[i] = fork();
			if (pids[i] == 0)
				_exit(base + i);
			CHECK(pids[i] > 0);
		}
		for (int k = 0; k < BATCH; k++) {
			int st;
			pid_t got = wait(&st);
			int idx = -1;
			for (int i = 0; i < BATCH; i++)
				if (pids[i] == got) {
					idx = i;
					pids[i] = -2; /* reaped */
				}
			if (idx < 0 || !WIFEXITED(st) || WIFSIGNALED(st) ||
			    WEXITSTATUS(st) != base + idx) {
				bad++;
				printf("FAIL: wait got pid %d status 0x%x (batch %d)\n", got, st,
				       base);
			}
		}
	}
	CHECK_EQ(bad, 0);
	struct {
		int code, want;
	} wrap[] = { { 256, 0 }, { -1, 255 }, { 0x1234, 0x34 } };
	for (unsigned i = 0; i < sizeof wrap / sizeof wrap[0]; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(wrap[i].code);
		int st = reap(pid);
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), wrap[i].want);
	}
	/* Returning from main is exit() too. */
	printf("wait: exit statuses 0..255 each reaped with the right pid\n");
}

static void test_killed_status(void)
{
	int sigs[] = { SIGKILL, SIGTERM, SIGINT, 31, 1 };
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		pid_t pid = fork();
		if (pid == 0)
			for (;;)
				;
		CHECK_EQ(kill(pid, sigs[i]), 0);
		int st = reap(pid);
		CHECK(WIFSIGNALED(st));
		CHECK(!WIFEXITED(st));
		CHECK_EQ(WTERMSIG(st), sigs[i]);
	}
}

static void test_null_status(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	CHECK_EQ(wait(NULL), pid);
	CHECK_EQ(proc_state(pid), -1); /* reaped, even without a status */
	CHECK_EQ(wait(NULL), -1);
	CHECK_EQ(errno, ECHILD);
	/* A bad status pointer is an error for the caller, not a crash; the
	 * child stays to be reaped properly. */
	pid = fork();
	if (pid == 0)
		_exit(4);
	CHECK_EQ(wait_state(pid, LDE_P_ZOMBIE, 5000), 0);
	errno = 0;
	CHECK_EQ(wait((int *)8), -1);
	CHECK_EQ(errno, EFAULT);
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);
}

static void test_order(void)
{
	/* The child exits first: wait returns at once with the zombie. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(21);
	CHECK_EQ(wait_state(pid, LDE_P_ZOMBIE, 5000), 0);
	long t0 = uptime();
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 21);
	CHECK(uptime() - t0 < 1000); /* no sleep: room for host stalls only */

	/* The parent waits first: wait blocks until the child exits. */
	pid = fork();
	if (pid == 0) {
		usleep(200000);
		_exit(22);
	}
	t0 = uptime();
	st = reap(pid);
	long took = uptime() - t0;
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 22);
	CHECK(took >= 150);
	CHECK(took < 5000);
	printf("wait: blocked %ld ms for a child sleeping 200 ms\n", took);

	/* A child of a child is not ours to wait for. */
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		pid_t gc = fork();
		if (gc == 0)
			_exit(1);
		CHECK_EQ(write(fds[1], &gc, sizeof gc), (long)sizeof gc);
		int s;
		CHECK_EQ(wait(&s), gc); /* the grandchild goes to its parent */
		_exit(check_failures ? 1 : 23);
	}
	close(fds[1]);
	pid_t gc = 0;
	CHECK_EQ(read(fds[0], &gc, sizeof gc), (long)sizeof gc);
	close(fds[0]);
	st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 23);
	CHECK_EQ(wait(NULL), -1);
	CHECK_EQ(errno, ECHILD);
}

/* exit frees the address space, the open files and the pipes at once; the
 * zombie keeps only its slot, and wait frees that. */
static void test_zombie(void)
{
	long base = free_pages();
	int fds[2];
	pid_t pid = fork();
	if (pid == 0) {
		char *p = sbrk(64 * 4096);
		if (p != (char *)-1)
			for (int i = 0; i < 64; i++)
				p[i * 4096] = 1;
		CHECK_EQ(pipe(fds), 0); /* a pipe only this process holds */
		CHECK_EQ(write(fds[1], "x", 1), 1);
		_exit(check_failures ? 1 : 9);
	}
	CHECK_EQ(wait_state(pid, LDE_P_ZOMBIE, 5000), 0);
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(pid, &pi), 0);
	CHECK_EQ(pi.state, LDE_P_ZOMBIE);
	CHECK_EQ(pi.ppid, getpid());
	CHECK_EQ(pi.pages, 0);
	CHECK(proc_listed(pid));
	long zombie_free = free_pages();
	CHECK_EQ(zombie_free, base); /* only the slot is left */
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
	CHECK(!proc_listed(pid));
	errno = 0;
	CHECK_EQ(procinfo(pid, &pi, 1), -1);
	CHECK_EQ(errno, ESRCH);
	CHECK_EQ(free_pages(), base);
	printf("wait: zombie listed with 0 pages, free pages %ld before fork, %ld as zombie, %ld after wait\n",
	       base, zombie_free, free_pages());

	/* Many zombies at once, then reaped: all slots and pages come back. */
	enum { Z = 20 };
	pid_t z[Z];
	for (int i = 0; i < Z; i++) {
		z[i] = fork();
		if (z[i] == 0)
			_exit(i);
	}
	for (int i = 0; i < Z; i++)
		CHECK_EQ(wait_state(z[i], LDE_P_ZOMBIE, 5000), 0);
	CHECK_EQ(free_pages(), base);
	for (int i = 0; i < Z; i++) {
		int s;
		pid_t got = wait(&s);
		CHECK(got > 0);
	}
	for (int i = 0; i < Z; i++)
		CHECK(!proc_listed(z[i]));
	CHECK_EQ(wait(NULL), -1);
	CHECK_EQ(free_pages(), base);
}

int main(void)
{
	warm_up();
	long before = free_pages();
	test_no_children();
	test_all_statuses();
	test_killed_status();
	test_null_status();
	test_order();
	test_zombie();
	CHECK_EQ(free_pages(), before);
	return check_exit("t_wait");
}
