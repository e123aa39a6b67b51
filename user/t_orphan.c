/* getpid/getppid, orphans and zombies. This program must be init (pid 1):
 * orphans are re-parented to it, and it reaps them, including zombies whose
 * parent dies before waiting for them.
 * Run as init: init=/t_orphan */
#include "t_util.h"

static pid_t read_pid(int fd)
{
	pid_t pid = 0;
	CHECK_EQ(read_all(fd, &pid, sizeof pid), (long)sizeof pid);
	return pid;
}

/* A child forks a grandchild and exits; the grandchild sees its parent
 * become init, and init reaps it. */
static void test_orphan(void)
{
	int fds[2], sync[2];
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(pipe(sync), 0);
	pid_t c = fork();
	if (c == 0) {
		close(fds[0]);
		pid_t me = getpid();
		pid_t g = fork();
		if (g == 0) {
			close(sync[0]);
			CHECK_EQ(getppid(), me);
			write(sync[1], "s", 1);	/* checked: the parent may go */
			close(sync[1]);
			/* Wait (bounded) until the parent is gone. */
			long end = uptime() + 3000;
			while (getppid() != 1 && uptime() < end)
				usleep(1000);
			CHECK_EQ(getppid(), 1);
			struct lde_procinfo pi;
			CHECK_EQ(proc_get(0, &pi), 0);
			CHECK_EQ(pi.ppid, 1);
			_exit(check_failures ? 1 : 42);
		}
		write(fds[1], &g, sizeof g);
		close(sync[1]);
		char ok;
		read(sync[0], &ok, 1);
		_exit(0);	/* without waiting for g */
	}
	close(fds[1]);
	close(sync[0]);
	close(sync[1]);
	pid_t g = read_pid(fds[0]);
	close(fds[0]);
	int st = reap(c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* g is ours now. */
	struct lde_procinfo pi;
	if (proc_get(g, &pi) == 0)
		CHECK_EQ(pi.ppid, 1);
	st = reap(g);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 42);
	printf("orphan: grandchild %d re-parented to init and reaped by it\n", g);
}

/* A zombie whose parent exits is handed to init, and init, already asleep
 * in wait(), is woken for it: init -> c -> m -> g. g exits; m exits
 * without waiting; init's wait must return g while c is still alive. */
static void test_zombie_handover(void)
{
	int info[2], release[2];
	CHECK_EQ(pipe(info), 0);
	CHECK_EQ(pipe(release), 0);
	pid_t c = fork();
	if (c == 0) {
		close(info[0]);
		close(release[1]);
		pid_t m = fork();
		if (m == 0) {
			close(release[0]);
			pid_t g = fork();
			if (g == 0)
				_exit(43);
			int msg[2] = { 'g', g };
			write(info[1], msg, sizeof msg);
			/* Leave g a zombie, then exit without waiting. */
			long end = uptime() + 3000;
			while (proc_state(g) != LDE_P_ZOMBIE && uptime() < end)
				usleep(1000);
			_exit(check_failures ? 1 : 0);
		}
		int msg[2] = { 'm', m };
		write(info[1], msg, sizeof msg);
		close(info[1]);
		char go;
		read(release[0], &go, 1);	/* until init says so; no wait() */
		_exit(44);
	}
	close(info[1]);
	close(release[0]);
	/* Two tagged messages, in whichever order they were written. */
	pid_t g = 0, m = 0;
	for (int k = 0; k < 2; k++) {
		int msg[2] = { 0, 0 };
		CHECK_EQ(read_all(info[0], msg, sizeof msg), (long)sizeof msg);
		if (msg[0] == 'g')
			g = msg[1];
		else if (msg[0] == 'm')
			m = msg[1];
	}
	close(info[0]);
	CHECK(g > 0 && m > 0);

	/* c is alive and blocked: wait can only return g, once m has died. */
	int st = -1;
	long t0 = uptime();
	pid_t got = wait(&st);
	long took = uptime() - t0;
	CHECK_EQ(got, g);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 43);
	CHECK(proc_state(c) == LDE_P_SLEEPING);
	printf("orphan: zombie grandchild %d handed to init and reaped after %ld ms while its "
	       "grandparent %d still lives\n", got, took, c);

	/* m is c's zombie; when c exits, m comes to init too. */
	CHECK_EQ(proc_state(m), LDE_P_ZOMBIE);
	CHECK_EQ(write(release[1], "g", 1), 1);
	close(release[1]);
	int seen_c = 0, seen_m = 0;
	for (int k = 0; k < 2; k++) {
		got = wait(&st);
		if (got == c) {
			seen_c++;
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 44);
		} else if (got == m) {
			seen_m++;
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		} else {
			printf("FAIL: wait returned %d, expected %d or %d\n", got, c, m);
		}
	}
	CHECK_EQ(seen_c, 1);
	CHECK_EQ(seen_m, 1);
}

/* Many orphans at once, some already zombies when their parent dies,
 * some still running; init reaps every one with its own status. */
static void test_many_orphans(void)
{
	enum { N = 8 };
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	pid_t c = fork();
	if (c == 0) {
		close(fds[0]);
		for (int i = 0; i < N; i++) {
			pid_t g = fork();
			if (g == 0) {
				if (i & 1)
					usleep(100000);	/* still alive when c exits */
				_exit(50 + i);
			}
			write(fds[1], &g, sizeof g);
		}
		usleep(20000);	/* the even ones are zombies by now */
		_exit(60);
	}
	close(fds[1]);
	pid_t g[N];
	for (int i = 0; i < N; i++)
		g[i] = read_pid(fds[0]);
	close(fds[0]);
	int seen[N] = { 0 }, seen_c = 0;
	for (int k = 0; k < N + 1; k++) {
		int st;
		pid_t got = wait(&st);
		if (got == c) {
			seen_c++;
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 60);
			continue;
		}
		int idx = -1;
		for (int i = 0; i < N; i++)
			if (g[i] == got)
				idx = i;
		if (idx < 0) {
			printf("FAIL: wait returned %d (status 0x%x), not one of ours\n", got, st);
			continue;
		}
		seen[idx]++;
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 50 + idx);
	}
	CHECK_EQ(seen_c, 1);
	for (int i = 0; i < N; i++)
		CHECK_EQ(seen[i], 1);
	CHECK_EQ(wait(NULL), -1);
	CHECK_EQ(errno, ECHILD);
	printf("orphan: %d orphans (half of them zombies) reaped by init\n", N);
}

int main(void)
{
	if (getpid() != 1) {
		printf("FAIL: t_orphan must run as init (init=/t_orphan), pid is %d\n", getpid());
		return 1;
	}
	warm_up();
	long before = free_pages();
	/* getpid and getppid in a child. */
	pid_t c = fork();
	if (c == 0) {
		CHECK(getpid() > 1);
		CHECK_EQ(getppid(), 1);
		_exit(check_failures ? 1 : 0);
	}
	CHECK(reap(c) == 0);

	test_orphan();
	test_zombie_handover();
	test_many_orphans();
	CHECK_EQ(free_pages(), before);
	return check_exit("t_orphan");
}
