/* getpid/getppid, orphans and zombies: orphans are re-parented to init
 * (pid 1), and init reaps them, including zombies whose parent dies before
 * waiting for them.
 *
 * Run as init (init=/t_orphan), the orphans come to this program, which
 * reaps them and checks their statuses. Run from the shell (t_orphan), they
 * go to the system's init: the program checks that their parent becomes
 * pid 1 (procinfo, and what the orphans themselves report through a pipe)
 * and that they are reaped (they leave the process table), and that wait()
 * never gives them to us. */
#include "t_util.h"

static int is_init; /* we are pid 1 */
static pid_t me;    /* our pid */

static pid_t read_pid(int fd)
{
	pid_t pid = 0;
	CHECK_EQ(read_all(fd, &pid, sizeof pid), (long)sizeof pid);
	return pid;
}

/* A child forks a grandchild and exits; the grandchild sees its parent
 * become init, reports what it saw through a pipe, and stays until we have
 * looked at it too; then init reaps it. */
static void test_orphan(void)
{
	int fds[2], sync[2], rep[2], rel[2];
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(pipe(sync), 0);
	CHECK_EQ(pipe(rep), 0);
	CHECK_EQ(pipe(rel), 0);
	pid_t c = fork();
	if (c == 0) {
		close(fds[0]);
		close(rep[0]);
		close(rel[1]);
		pid_t mid = getpid();
		pid_t g = fork();
		if (g == 0) {
			close(sync[0]);
			CHECK_EQ(getppid(), mid);
			write(sync[1], "s", 1); /* checked: the parent may go */
			close(sync[1]);
			/* Wait (bounded) until the parent is gone. */
			long end = uptime() + 3000;
			while (getppid() != 1 && uptime() < end)
				usleep(1000);
			struct lde_procinfo pi;
			int r[3] = { getppid(), proc_get(0, &pi) == 0 ? pi.ppid : -1, 0 };
			CHECK_EQ(r[0], 1);
			CHECK_EQ(r[1], 1);
			r[2] = check_failures;
			write_all(rep[1], r, sizeof r);
			char go;
			read(rel[0], &go, 1); /* until we are told (or the pipe closes) */
			_exit(check_failures ? 1 : 42);
		}
		write(fds[1], &g, sizeof g);
		close(sync[1]);
		char ok;
		read(sync[0], &ok, 1);
		_exit(0); /* without waiting for g */
	}
	close(fds[1]);
	close(sync[0]);
	close(sync[1]);
	close(rep[1]);
	close(rel[0]);
	pid_t g = read_pid(fds[0]);
	close(fds[0]);
	int st = reap(c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* What g saw: getppid() and procinfo's ppid both 1, no failed check. */
	int r[3] = { -1, -1, -1 };
	CHECK_EQ(read_all(rep[0], r, sizeof r), (long)sizeof r);
	close(rep[0]);
	CHECK_EQ(r[0], 1);
	CHECK_EQ(r[1], 1);
	CHECK_EQ(r[2], 0);
	/* g lives on (it waits for our word), as init's child. */
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(g, &pi), 0);
	CHECK_EQ(pi.ppid, 1);
	if (!is_init) {
		errno = 0;
		CHECK_EQ(wait(NULL), -1); /* it is not ours */
		CHECK_EQ(errno, ECHILD);
	}
	CHECK_EQ(write(rel[1], "g", 1), 1);
	close(rel[1]);
	if (is_init) {
		st = reap(g);
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 42);
	} else {
		CHECK_EQ(wait_state(g, -1, 3000), 0); /* init reaped it */
	}
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
		read(release[0], &go, 1); /* until init says so; no wait() */
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

	if (!is_init) {
		/* The system's init, asleep in wait(), is woken for g once m
		 * has died, and reaps it while c still lives. (g is m's, and m
		 * never waits: only init can take g off the table.) */
		long t0 = uptime();
		CHECK_EQ(wait_state(g, -1, 3000), 0);
		long took = uptime() - t0;
		CHECK_EQ(proc_state(c), LDE_P_SLEEPING);
		printf("orphan: zombie grandchild %d handed to init (pid 1) and reaped after %ld ms "
		       "while its grandparent %d still lives\n",
		       g, took, c);
		/* m is c's zombie; when c exits, m goes to init too. */
		struct lde_procinfo pi;
		CHECK_EQ(proc_get(m, &pi), 0);
		CHECK_EQ(pi.state, LDE_P_ZOMBIE);
		CHECK_EQ(pi.ppid, c);
		CHECK_EQ(write(release[1], "g", 1), 1);
		close(release[1]);
		int st = reap(c);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 44);
		CHECK_EQ(wait_state(m, -1, 3000), 0);
		errno = 0;
		CHECK_EQ(wait(NULL), -1); /* neither was ours */
		CHECK_EQ(errno, ECHILD);
		return;
	}

	/* c is alive and blocked: wait can only return g, once m has died. */
	int st = -1;
	long t0 = uptime();
	pid_t got = wait(&st);
	long took = uptime() - t0;
	CHECK_EQ(got, g);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 43);
	CHECK(proc_state(c) == LDE_P_SLEEPING);
	printf("orphan: zombie grandchild %d handed to init and reaped after %ld ms while its "
	       "grandparent %d still lives\n",
	       got, took, c);

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

/* Many orphans at once, half of them already zombies when their parent
 * dies, half still running (blocked on a pipe until we have seen them
 * re-parented to init); init reaps every one (as init, we check each one's
 * own status). */
static void test_many_orphans(void)
{
	enum { N = 8 };
	int fds[2], hold[2];
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(pipe(hold), 0);
	pid_t c = fork();
	if (c == 0) {
		close(fds[0]);
		close(hold[1]);
		pid_t mine[N];
		for (int i = 0; i < N; i++) {
			pid_t g = fork();
			if (g == 0) {
				if (i & 1) { /* still alive when c exits */
					char x;
					read(hold[0], &x, 1); /* end-of-file: go */
				}
				_exit(50 + i);
			}
			mine[i] = g;
			write(fds[1], &g, sizeof g);
		}
		for (int i = 0; i < N; i += 2) /* the even ones are zombies */
			CHECK_EQ(wait_state(mine[i], LDE_P_ZOMBIE, 3000), 0);
		_exit(check_failures ? 1 : 60);
	}
	close(fds[1]);
	close(hold[0]);
	pid_t g[N];
	for (int i = 0; i < N; i++)
		g[i] = read_pid(fds[0]);
	close(fds[0]);
	int running = 0; /* the odd ones seen alive, as init's children */
	if (!is_init) {
		int st = reap(c);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 60);
		for (int i = 1; i < N; i += 2) {
			struct lde_procinfo pi;
			CHECK_EQ(proc_get(g[i], &pi), 0);
			CHECK_EQ(pi.ppid, 1);
			running += pi.state != LDE_P_ZOMBIE && pi.ppid == 1;
		}
		close(hold[1]); /* the odd ones exit */
		for (int i = 0; i < N; i++)
			CHECK_EQ(wait_state(g[i], -1, 3000), 0); /* init reaped it */
		errno = 0;
		CHECK_EQ(wait(NULL), -1); /* none was ours */
		CHECK_EQ(errno, ECHILD);
		CHECK_EQ(running, N / 2);
		printf("orphan: %d orphans (half of them zombies) reaped by init (pid 1)\n", N);
		return;
	}
	int seen[N] = { 0 }, seen_c = 0;
	for (int k = 0; k < N + 1; k++) {
		int st;
		pid_t got = wait(&st);
		if (got == c) {
			seen_c++;
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 60);
			for (int i = 1; i < N; i += 2) {
				struct lde_procinfo pi;
				CHECK_EQ(proc_get(g[i], &pi), 0);
				CHECK_EQ(pi.ppid, 1);
				running += pi.state != LDE_P_ZOMBIE && pi.ppid == 1;
			}
			close(hold[1]); /* the odd ones exit */
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
	CHECK_EQ(running, N / 2);
	CHECK_EQ(wait(NULL), -1);
	CHECK_EQ(errno, ECHILD);
	printf("orphan: %d orphans (half of them zombies) reaped by init\n", N);
}

int main(void)
{
	me = getpid();
	is_init = getppid() == 0;
	if (is_init)
		CHECK_EQ(me, 1);
	else
		CHECK(me > 1);
	printf("orphan: pid %d, parent %d: orphans go to init (pid 1)%s\n", me, getppid(),
	       is_init ? ", which is us" : "");
	warm_up();
	long before = free_pages();
	/* getpid and getppid in a child. */
	pid_t c = fork();
	if (c == 0) {
		CHECK(getpid() > 1 && getpid() != me);
		CHECK_EQ(getppid(), me);
		_exit(check_failures ? 1 : 0);
	}
	CHECK(reap(c) == 0);

	test_orphan();
	test_zombie_handover();
	test_many_orphans();
	CHECK_EQ(free_pages(), before);
	return check_exit("t_orphan");
}
