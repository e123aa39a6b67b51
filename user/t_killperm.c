/* No process but init can end the system. Run as init (init=/t_killperm):
 * a child C, not init, tries everything that used to end it:
 *   kill(1, SIGKILL), kill(1, 0), poweroff(7), and tcsetpgrp(0, 1) (which
 *     would let Ctrl-C signal init's group): EPERM, init lives on;
 *   kill(-1, SIGKILL): every process but init and C dies (C's own
 *     children, and a sibling of C), C and init live on; with nobody
 *     left to signal, ESRCH;
 *   kill(-G, SIGKILL) for a group G that init has joined: EPERM, init
 *     lives on, and with another member there, that member dies.
 * Then init itself: kill(-1, 0) signals nobody (ESRCH), and init may
 * signal itself with 0. */
#include "t_util.h"

static pid_t sleeper(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			sleep(1000);
	}
	return pid;
}

/* The status word of a child that must be dead by now (or -1). */
static int dead_status(pid_t pid)
{
	CHECK_EQ(wait_state(pid, LDE_P_ZOMBIE, 5000), 0);
	return reap(pid);
}

/* pid is dead: a zombie, or already reaped by init. */
static int gone(pid_t pid)
{
	long end = uptime() + 5000;
	int st;
	while ((st = proc_state(pid)) != LDE_P_ZOMBIE && st != -1 && uptime() < end)
		usleep(1000);
	return st == LDE_P_ZOMBIE || st == -1;
}

/* Gone and reaped by its parent: no longer in any group. */
static int reaped(pid_t pid)
{
	long end = uptime() + 5000;
	while (proc_state(pid) != -1 && uptime() < end)
		usleep(1000);
	return proc_state(pid) == -1;
}

/* Reap two children in whatever order they end: the status words of
 * first and second. */
static void reap_two(pid_t first, pid_t second, int *st1, int *st2)
{
	for (int n = 0; n < 2; n++) {
		int st = -1;
		pid_t got = wait(&st);
		if (got == first)
			*st1 = st;
		else if (got == second)
			*st2 = st;
		else
			CHECK(!"reaped an unexpected child");
	}
}

static void child_tries(pid_t sibling)
{
	errno = 0;
	CHECK_EQ(kill(1, SIGKILL), -1);
	CHECK_EQ(errno, EPERM);
	errno = 0;
	CHECK_EQ(kill(1, 0), -1);
	CHECK_EQ(errno, EPERM);
	errno = 0;
	CHECK_EQ(poweroff(7), -1);
	CHECK_EQ(errno, EPERM);
	errno = 0;
	CHECK_EQ(tcsetpgrp(0, 1), -1); /* Ctrl-C would go to init's group */
	CHECK_EQ(errno, EPERM);
	/* init lives on: asleep in wait() once it gets there (under load it
	 * may not have yet). */
	CHECK_EQ(wait_state(1, LDE_P_SLEEPING, 5000), 0);
	printf("killperm: kill(1, SIGKILL), kill(1, 0), poweroff(7), tcsetpgrp(init's group) from "
	       "pid %d: EPERM\n",
	       getpid());

	pid_t a = sleeper(), b = sleeper();
	CHECK_EQ(wait_state(a, LDE_P_SLEEPING, 5000), 0);
	CHECK_EQ(wait_state(b, LDE_P_SLEEPING, 5000), 0);
	CHECK_EQ(kill(-1, SIGKILL), 0);
	int sa = dead_status(a), sb = dead_status(b);
	CHECK(WIFSIGNALED(sa) && WTERMSIG(sa) == SIGKILL);
	CHECK(WIFSIGNALED(sb) && WTERMSIG(sb) == SIGKILL);
	CHECK(gone(sibling));
	/* init lives on: woken to reap the sibling, it waits again. */
	CHECK_EQ(wait_state(1, LDE_P_SLEEPING, 5000), 0);
	errno = 0;
	CHECK_EQ(kill(-1, SIGKILL), -1);
	CHECK_EQ(errno, ESRCH);
	printf("killperm: kill(-1, SIGKILL) from pid %d killed its children and its sibling, "
	       "spared init and itself; then ESRCH\n",
	       getpid());
	child_done();
}

int main(void)
{
	if (getpid() != 1) {
		printf("t_killperm: run me as init (init=/t_killperm)\n");
		return 1;
	}
	pid_t sibling = sleeper();
	pid_t c = fork();
	if (c == 0)
		child_tries(sibling);
	int st = -1, sst = -1;
	reap_two(c, sibling, &st, &sst);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(WIFSIGNALED(sst) && WTERMSIG(sst) == SIGKILL);

	/* init joins group G = a child's pid; another child kills the group. */
	pid_t member = sleeper();
	CHECK_EQ(setpgid(member, member), 0);
	CHECK_EQ(setpgid(0, member), 0);
	c = fork();
	if (c == 0) {
		CHECK_EQ(setpgid(0, 0), 0);
		CHECK_EQ(kill(-member, SIGKILL), 0);
		/* A zombie still counts as a member, as on Linux: wait until
		 * init has reaped it. */
		CHECK(reaped(member));
		errno = 0;
		CHECK_EQ(kill(-member, SIGKILL), -1); /* only init is left in it */
		CHECK_EQ(errno, EPERM);
		child_done();
	}
	reap_two(c, member, &st, &sst);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(WIFSIGNALED(sst) && WTERMSIG(sst) == SIGKILL);
	printf("killperm: kill(-G) of a group init joined: init spared, the others killed; "
	       "init alone: EPERM\n");
	CHECK_EQ(setpgid(0, 0), 0);

	errno = 0;
	CHECK_EQ(kill(-1, 0), -1);
	CHECK_EQ(errno, ESRCH);
	CHECK_EQ(kill(1, 0), 0);
	return check_exit("t_killperm");
}
