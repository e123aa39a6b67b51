/* Users and permissions (docs/users.md). Run as init (init=/t_users),
 * which starts as root:
 *   ids: init is uid 0; a root child drops to a user and cannot come back
 *     (setuid/setgid rules, EINVAL for ids out of range); fork inherits
 *     the ids and exec keeps them (the program re-runs itself with "ids");
 *   kill: a uid-1000 process may signal its own processes but neither
 *     root's nor another user's (EPERM); kill(-1) from it reaches only its
 *     own, then EPERM with nothing of its own left; root may signal any
 *     user's process; nor may it set the terminal's group to theirs;
 *   devices: the device manager and an open device, inherited from
 *     root, are useless to a user (EPERM), not to a root child;
 *   ipc: a server learns each caller's uid and gid from the reply token,
 *     and its pid and ids from ipc_caller: 0 from root's client, 1000 and
 *     1234 from clients that dropped (the last one queued before the
 *     server received); ipc_caller ESRCH once answered;
 *   poweroff: init itself, once it has dropped root, cannot power off. */
#include "t_util.h"

#define USER 1000
#define OTHER 1001
#define GROUP 50

static void become(uid_t uid)
{
	CHECK_EQ(setgid(uid), 0);
	CHECK_EQ(setuid(uid), 0);
}

/* A child that becomes uid (or stays root if uid < 0), in its own group
 * if own_group, and sleeps for good; returned once it sleeps. */
static pid_t sleeper_as(long uid, int own_group)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (own_group)
			setpgid(0, 0);
		if (uid >= 0)
			become((uid_t)uid);
		for (;;)
			sleep(1000);
	}
	CHECK(pid > 0);
	CHECK_EQ(wait_state(pid, LDE_P_SLEEPING, 5000), 0);
	return pid;
}

static int killed_by(int status, int sig) { return WIFSIGNALED(status) && WTERMSIG(status) == sig; }

/* Run after exec by a child that dropped: the ids it must have kept. */
static int check_exec_ids(char **argv)
{
	uid_t uid = (uid_t)atoi(argv[2]);
	gid_t gid = (gid_t)atoi(argv[3]);
	CHECK_EQ(getuid(), uid);
	CHECK_EQ(geteuid(), uid);
	CHECK_EQ(getgid(), gid);
	CHECK_EQ(getegid(), gid);
	printf("users: exec kept uid %u gid %u\n", (unsigned)getuid(), (unsigned)getgid());
	return check_failures ? 1 : 0;
}

static void test_ids(void)
{
	CHECK_EQ(getuid(), 0);
	CHECK_EQ(geteuid(), 0);
	CHECK_EQ(getgid(), 0);
	CHECK_EQ(getegid(), 0);
	pid_t c = fork();
	if (c == 0) {
		errno = 0;
		CHECK_EQ(setuid((uid_t)-1), -1); /* 65535: "no id" */
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(lde_sys_setuid(-1), -EINVAL);
		CHECK_EQ(lde_sys_setuid(70000), -EINVAL);
		CHECK_EQ(lde_sys_setgid(1L << 32), -EINVAL);
		CHECK_EQ(getuid(), 0); /* none of those changed anything */

		CHECK_EQ(setgid(GROUP), 0); /* root may take any */
		CHECK_EQ(getgid(), GROUP);
		CHECK_EQ(getegid(), GROUP);
		CHECK_EQ(setuid(USER), 0);
		CHECK_EQ(getuid(), USER);
		CHECK_EQ(geteuid(), USER);
		/* Dropped for good: neither root nor anybody else again. */
		errno = 0;
		CHECK_EQ(setuid(0), -1);
		CHECK_EQ(errno, EPERM);
		errno = 0;
		CHECK_EQ(setuid(OTHER), -1);
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(setuid(USER), 0); /* its own: allowed, a no-op */
		errno = 0;
		CHECK_EQ(setgid(0), -1);
		CHECK_EQ(errno, EPERM);
		errno = 0;
		CHECK_EQ(setgid(USER), -1);
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(setgid(GROUP), 0);
		CHECK_EQ(getuid(), USER);
		CHECK_EQ(getgid(), GROUP);
		struct lde_procinfo pi;
		CHECK_EQ(proc_get(0, &pi), 0);
		CHECK(pi.uid == USER && pi.gid == GROUP);

		pid_t g = fork();
		if (g == 0) {
			CHECK_EQ(getuid(), USER);
			CHECK_EQ(geteuid(), USER);
			CHECK_EQ(getgid(), GROUP);
			CHECK_EQ(getegid(), GROUP);
			child_done();
		}
		CHECK_EQ(reap(g), 0);
		fflush(stdout);
		char *av[] = { "t_users", "ids", "1000", "50", NULL };
		exec("/t_users", av);
		CHECK(!"exec /t_users");
		child_done();
	}
	CHECK_EQ(reap(c), 0);
	CHECK_EQ(getuid(), 0); /* the child's drop was its own */
	printf("users: root drops to uid 1000 for good (EPERM to regain or change); fork and exec "
	       "keep the ids\n");
}

static void test_kill(void)
{
	pid_t root = sleeper_as(-1, 1);	     /* root's, in its own group */
	pid_t other = sleeper_as(OTHER, 1);  /* another user's */
	pid_t mine = sleeper_as(USER, 1);    /* the user's, not the tester's child */
	pid_t victim = sleeper_as(OTHER, 0); /* another user's, for root to kill */
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(other, &pi), 0);
	CHECK(pi.uid == OTHER && pi.gid == OTHER);

	pid_t u = fork();
	if (u == 0) {
		setpgid(0, 0);
		become(USER);
		pid_t kid = sleeper_as(-1, 0); /* stays the user's: no root to keep */
		CHECK_EQ(proc_get(kid, &pi), 0);
		CHECK_EQ(pi.uid, USER);
		errno = 0;
		CHECK_EQ(kill(root, SIGKILL), -1);
		CHECK_EQ(errno, EPERM);
		errno = 0;
		CHECK_EQ(kill(root, 0), -1);
		CHECK_EQ(errno, EPERM);
		errno = 0;
		CHECK_EQ(kill(other, SIGKILL), -1);
		CHECK_EQ(errno, EPERM);
		errno = 0;
		CHECK_EQ(kill(-root, SIGKILL), -1); /* root's group */
		CHECK_EQ(errno, EPERM);
		errno = 0;
		CHECK_EQ(kill(1, SIGKILL), -1);
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(kill(mine, 0), 0);
		CHECK_EQ(kill(kid, 0), 0);
		/* The terminal: its own group yes, root's or another user's no. */
		errno = 0;
		CHECK_EQ(tcsetpgrp(0, root), -1);
		CHECK_EQ(errno, EPERM);
		errno = 0;
		CHECK_EQ(tcsetpgrp(0, other), -1);
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(tcsetpgrp(0, getpid()), 0);
		CHECK_EQ(tcsetpgrp(0, 0), 0);
		/* Everything it may signal: its child and the user's other
		 * process; root's, the other user's and init live on. */
		CHECK_EQ(kill(-1, SIGKILL), 0);
		CHECK(killed_by(reap(kid), SIGKILL));
		/* mine is init's: dead once init has reaped it (a zombie is
		 * still a target: wait for that). */
		long end = uptime() + 5000;
		while (proc_state(mine) != -1 && uptime() < end)
			usleep(1000);
		CHECK_EQ(proc_state(mine), -1);
		CHECK_EQ(proc_state(root), LDE_P_SLEEPING);
		CHECK_EQ(proc_state(other), LDE_P_SLEEPING);
		CHECK_EQ(proc_state(victim), LDE_P_SLEEPING);
		errno = 0;
		CHECK_EQ(kill(-1, SIGKILL), -1);
		CHECK_EQ(errno, EPERM);
		errno = 0;
		CHECK_EQ(poweroff(7), -1);
		CHECK_EQ(errno, EPERM);
		child_done();
	}
	/* Reap mine first (u waits for it to go), then u. */
	CHECK(killed_by(reap(mine), SIGKILL));
	CHECK_EQ(reap(u), 0);
	/* Root (not init) may signal another user's process. */
	pid_t r = fork();
	if (r == 0) {
		CHECK_EQ(kill(victim, SIGKILL), 0);
		child_done();
	}
	CHECK_EQ(reap(r), 0);
	CHECK(killed_by(reap(victim), SIGKILL));
	CHECK_EQ(kill(root, SIGKILL), 0);
	CHECK_EQ(kill(other, SIGKILL), 0);
	CHECK(killed_by(reap(root), SIGKILL));
	CHECK(killed_by(reap(other), SIGKILL));
	printf("users: uid 1000 may signal its own processes, not root's or uid 1001's (EPERM); "
	       "kill(-1) reached only its own, then EPERM; root killed uid 1001's\n");
}

static void test_devices(void)
{
	long mgr = lde_sys_dev_manager();
	CHECK(mgr >= 0);
	pid_t c = fork();
	if (c == 0) {
		become(USER);
		CHECK_EQ(lde_sys_dev_open(mgr, 0), -EPERM);
		child_done();
	}
	CHECK_EQ(reap(c), 0);
	long dev = lde_sys_dev_open(mgr, 0);
	CHECK(dev >= 0);
	int nt = ntfn_create();
	CHECK(nt >= 0);
	c = fork();
	if (c == 0) {
		become(USER);
		uint64_t pa = 0;
		CHECK_EQ(lde_sys_dev_map(dev), -EPERM);
		CHECK_EQ(lde_sys_dev_dma(dev, 0, &pa), -EPERM);
		CHECK_EQ(lde_sys_dev_irq_bind(dev, nt, 1), -EPERM);
		child_done();
	}
	CHECK_EQ(reap(c), 0);
	c = fork();
	if (c == 0) {
		CHECK(lde_sys_dev_map(dev) > 0); /* root's child: as its parent */
		child_done();
	}
	CHECK_EQ(reap(c), 0);
	CHECK_EQ(close(nt), 0);
	CHECK_EQ(close((int)dev), 0);
	CHECK_EQ(close((int)mgr), 0);
	printf("users: dev_open, dev_map, dev_dma, dev_irq_bind by uid 1000: EPERM\n");
}

/* A client as uid (or root if uid < 0): calls ep once; the server answers
 * with the caller's pid, uid and gid as it learnt them. */
static pid_t client(int ep, long uid)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (uid >= 0)
			become((uid_t)uid);
		struct lde_msg m = { .info = LDE_MSG_INFO(7, 0, -1) };
		CHECK_EQ(ipc_call(ep, &m, NULL), 7);
		CHECK_EQ(m.w[0], getpid());
		CHECK_EQ(m.w[1], getuid());
		CHECK_EQ(m.w[2], getgid());
		child_done();
	}
	return pid;
}

#define QUEUED 1234 /* the third client's ids */

static void test_ipc(void)
{
	static const unsigned ids[3] = { 0, USER, QUEUED };
	int ep = ep_create();
	CHECK(ep >= 0);
	int go[2];
	CHECK_EQ(pipe(go), 0);
	pid_t server = fork();
	if (server == 0) {
		/* Root's client, then the user's: the server is usually waiting
		 * already, so those calls take the fast path. Then one queued
		 * before the server receives (the slow path), from uid 1234:
		 * the server waits on the pipe until it is queued. */
		for (int i = 0; i < 3; i++) {
			char b;
			if (i == 2)
				CHECK_EQ(read(go[0], &b, 1), 1);
			struct lde_msg m;
			CHECK_EQ(ipc_recv(ep, &m), 7);
			/* The token says who calls; ipc_caller says it again, with
			 * the whole pid and the real ids. */
			CHECK_EQ(LDE_TOKEN_UID(m.token), ids[i]);
			CHECK_EQ(LDE_TOKEN_GID(m.token), ids[i]);
			struct lde_creds cr;
			CHECK_EQ(ipc_caller(m.token, &cr), 0);
			CHECK_EQ(cr.uid, ids[i]);
			CHECK_EQ(cr.euid, ids[i]);
			CHECK_EQ(cr.gid, ids[i]);
			CHECK_EQ(cr.egid, ids[i]);
			printf("users: server: call from pid %d uid %u gid %u (token: uid %u gid "
			       "%u)\n",
			       (int)cr.pid, (unsigned)cr.uid, (unsigned)cr.gid,
			       (unsigned)LDE_TOKEN_UID(m.token), (unsigned)LDE_TOKEN_GID(m.token));
			long token = m.token;
			m.info = LDE_MSG_INFO(7, 0, -1);
			m.w[0] = (uint64_t)cr.pid;
			m.w[1] = cr.uid;
			m.w[2] = cr.gid;
			CHECK_EQ(ipc_reply(&m), 0);
			errno = 0;
			CHECK_EQ(ipc_caller(token, &cr), -1); /* answered: nobody's */
			CHECK_EQ(errno, ESRCH);
		}
		errno = 0;
		CHECK_EQ(ipc_caller(0, NULL), -1);
		CHECK_EQ(errno, ESRCH);
		child_done();
	}
	CHECK_EQ(wait_state(server, LDE_P_SLEEPING, 5000), 0);
	CHECK_EQ(reap(client(ep, -1)), 0);
	CHECK_EQ(wait_state(server, LDE_P_SLEEPING, 5000), 0);
	CHECK_EQ(reap(client(ep, USER)), 0);
	pid_t c2 = client(ep, QUEUED);
	CHECK_EQ(wait_state(c2, LDE_P_SLEEPING, 5000), 0); /* queued: nobody receives */
	CHECK_EQ(write(go[1], "g", 1), 1);
	/* The server and the client end in either order. */
	for (int n = 0; n < 2; n++) {
		int st = -1;
		pid_t got = wait(&st);
		CHECK(got == c2 || got == server);
		CHECK_EQ(st, 0);
	}
	CHECK_EQ(close(go[0]), 0);
	CHECK_EQ(close(go[1]), 0);
	CHECK_EQ(close(ep), 0);
	printf("users: the caller's ids: 0 from root's client, 1000 and 1234 from users' (one "
	       "queued); ipc_caller ESRCH once answered\n");
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "ids"))
		return check_exec_ids(argv);
	if (getpid() != 1) {
		printf("t_users: run me as init (init=/t_users)\n");
		return 1;
	}
	test_ids();
	test_kill();
	test_devices();
	test_ipc();
	/* Last: init gives up root, and with it the power to stop the
	 * machine (its exit still does). */
	become(USER);
	errno = 0;
	CHECK_EQ(poweroff(9), -1);
	CHECK_EQ(errno, EPERM);
	printf("users: init as uid 1000: poweroff EPERM\n");
	return check_exit("t_users");
}
