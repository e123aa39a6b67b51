/* Synchronous IPC (docs/ipc.md): call, recv, reply, reply_recv; badges;
 * endpoint descriptors across fork, dup, close, exec and exit; the WAIT
 * column; and every way a partner can die.
 * Run as init: init=/t_ipc. Also its own exec target: t_ipc call FD.
 * Other parts: t_ipc traced, t_ipc more (t_ipc_more.h: leases, descriptor
 * transfer, notifications), t_ipc chaos [CALLS] [SEED] (t_ipc_chaos.h). */
#include "t_util.h"

#define L_ECHO 1
#define L_QUIT 2

struct counts {
	long files, endpoints, ntfns, pages;
};

static struct counts counts(void)
{
	struct lde_meminfo mi;
	meminfo(&mi);
	return (struct counts){ (long)mi.files, (long)mi.endpoints, (long)mi.ntfns,
				(long)mi.free_pages };
}

static void check_same(struct counts a, struct counts b)
{
	CHECK_EQ(b.files, a.files);
	CHECK_EQ(b.endpoints, a.endpoints);
	CHECK_EQ(b.ntfns, a.ntfns);
	CHECK_EQ(b.pages, a.pages);
}

static struct lde_msg msg(uint32_t label, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return (struct lde_msg){ .info = LDE_MSG_INFO(label, 0, -1), .w = { a, b, c, d } };
}

/* An echo server: answers L_ECHO with label + 100 and its words reversed
 * and badge-marked; L_QUIT is answered, then it exits. */
static void echo_server(int ep)
{
	struct lde_msg m;
	long r = ipc_recv(ep, &m);
	for (;;) {
		CHECK(r >= 0);
		if (r < 0)
			child_done();
		uint32_t label = LDE_MSG_LABEL(m.info);
		uint64_t w[4] = { m.w[3], m.w[2], m.w[1], m.w[0] ^ m.badge };
		m.info = LDE_MSG_INFO(label + 100, 0, -1);
		memcpy(m.w, w, sizeof w);
		if (label == L_QUIT) {
			CHECK_EQ(ipc_reply(&m), 0);
			child_done();
		}
		r = ipc_reply_recv(ep, &m);
	}
}

/* Wait until pid sleeps with a WAIT column that starts with what. */
static int wait_wchan(int pid, const char *what)
{
	for (int i = 0; i < 2000; i++) {
		struct lde_procinfo pi;
		if (proc_get(pid, &pi) == 0 && pi.state == LDE_P_SLEEPING &&
		    !strncmp(pi.wchan, what, strlen(what)))
			return 0;
		usleep(1000);
	}
	return -1;
}

static void test_call_reply(void)
{
	struct counts before = counts();
	int ep = ep_create();
	CHECK(ep >= 3);
	pid_t srv = fork();
	if (srv == 0)
		echo_server(ep);
	for (int i = 0; i < 200; i++) {
		struct lde_msg m = msg(L_ECHO, i, 2, 3, 0xffffffffffffffffUL);
		long r = ipc_call(ep, &m, NULL);
		CHECK_EQ(r, L_ECHO + 100);
		CHECK_EQ(m.info, L_ECHO + 100);
		CHECK_EQ(m.w[0], 0xffffffffffffffffUL);
		CHECK_EQ(m.w[1], 3);
		CHECK_EQ(m.w[2], 2);
		CHECK_EQ(m.w[3], (uint64_t)i);
		if (r != L_ECHO + 100)
			break;
	}
	/* The largest label goes through untouched. */
	struct lde_msg m = msg(0xffffffffu - 100, 0, 0, 0, 0);
	CHECK_EQ(ipc_call(ep, &m, NULL), 0xffffffffu);
	m = msg(L_QUIT, 0, 0, 0, 0);
	CHECK_EQ(ipc_call(ep, &m, NULL), L_QUIT + 100);
	CHECK_EQ(reap(srv), 0);
	CHECK_EQ(close(ep), 0);
	check_same(before, counts());
	printf("ipc: 200 calls answered by reply_recv, words intact\n");
}

static void test_badges(void)
{
	struct counts before = counts();
	int ep = ep_create();
	int b7 = ep_mint(ep, 7), b9 = ep_mint(ep, 9);
	CHECK(b7 >= 0 && b9 >= 0);
	/* A badge is given once, and never 0. */
	CHECK_EQ(ep_mint(b7, 8), -1);
	CHECK_EQ(errno, EPERM);
	CHECK_EQ(ep_mint(ep, 0), -1);
	CHECK_EQ(errno, EINVAL);
	/* Badged descriptors may call, never receive. */
	struct lde_msg m;
	CHECK_EQ(ipc_recv(b7, &m), -1);
	CHECK_EQ(errno, EPERM);
	m.token = 0;
	CHECK_EQ(ipc_reply_recv(b9, &m), -1);
	CHECK_EQ(errno, EPERM);
	pid_t srv = fork();
	if (srv == 0)
		echo_server(ep);
	/* The server xors word 0 with the badge it saw. */
	m = msg(L_ECHO, 0x100, 0, 0, 0);
	CHECK_EQ(ipc_call(b7, &m, NULL), L_ECHO + 100);
	CHECK_EQ(m.w[3], 0x100 ^ 7);
	m = msg(L_ECHO, 0x100, 0, 0, 0);
	CHECK_EQ(ipc_call(b9, &m, NULL), L_ECHO + 100);
	CHECK_EQ(m.w[3], 0x100 ^ 9);
	m = msg(L_ECHO, 0x100, 0, 0, 0);
	CHECK_EQ(ipc_call(ep, &m, NULL), L_ECHO + 100);
	CHECK_EQ(m.w[3], 0x100);
	/* dup shares the badge; fork passes it down. */
	int d = dup(b9);
	m = msg(L_ECHO, 0, 0, 0, 0);
	CHECK_EQ(ipc_call(d, &m, NULL), L_ECHO + 100);
	CHECK_EQ(m.w[3], 9);
	pid_t cl = fork();
	if (cl == 0) {
		m = msg(L_ECHO, 0, 0, 0, 0);
		CHECK_EQ(ipc_call(b7, &m, NULL), L_ECHO + 100);
		CHECK_EQ(m.w[3], 7);
		child_done();
	}
	CHECK_EQ(reap(cl), 0);
	m = msg(L_QUIT, 0, 0, 0, 0);
	CHECK_EQ(ipc_call(b7, &m, NULL), L_QUIT + 100);
	CHECK_EQ(reap(srv), 0);
	close(d), close(b7), close(b9), close(ep);
	check_same(before, counts());
	printf("ipc: badges 7 and 9 seen by the server, fixed once minted\n");
}

static void test_bad_args(void)
{
	int fds[2];
	pipe(fds);
	struct lde_msg m = msg(1, 0, 0, 0, 0);
	CHECK_EQ(ipc_call(15, &m, NULL), -1);
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(ipc_call(fds[0], &m, NULL), -1); /* not an endpoint */
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(ipc_recv(-1, &m), -1);
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(ep_mint(fds[1], 5), -1);
	CHECK_EQ(errno, EBADF);
	int ep = ep_create();
	m.info = 1ULL << 50; /* a flag only the kernel sets */
	CHECK_EQ(ipc_call(ep, &m, NULL), -1);
	CHECK_EQ(errno, EINVAL);
	m.info = LDE_MSG_INFO(1, LDE_LEASE_MAX + 1, -1);
	CHECK_EQ(ipc_call(ep, &m, NULL), -1);
	CHECK_EQ(errno, EINVAL);
	m.info = LDE_MSG_INFO(1, 0, 14); /* sending a closed descriptor */
	CHECK_EQ(ipc_call(ep, &m, NULL), -1);
	CHECK_EQ(errno, EBADF);
	/* Replies to nobody succeed and do nothing; leases of nobody fail. */
	m = msg(1, 0, 0, 0, 0);
	m.token = (long)getpid() << 8;
	CHECK_EQ(ipc_reply(&m), 0);
	m.token = 12345;
	CHECK_EQ(ipc_reply(&m), 0);
	char buf[8];
	CHECK_EQ(lease_read(12345, 0, 0, buf, 8), -1);
	CHECK_EQ(errno, ESRCH);
	close(ep), close(fds[0]), close(fds[1]);
	printf("ipc: bad descriptors, info words and tokens refused\n");
}

/* Endpoint descriptors survive exec: the new image calls through it. */
static int exec_child(int fd)
{
	struct lde_msg m = msg(L_ECHO, 41, 0, 0, 0);
	long r = ipc_call(fd, &m, NULL);
	return r == L_ECHO + 100 && m.w[3] == 41 ? 0 : 1;
}

static void test_fd_lifetime(void)
{
	struct counts before = counts();
	int ep = ep_create();
	pid_t srv = fork();
	if (srv == 0)
		echo_server(ep);
	pid_t pid = fork();
	if (pid == 0) {
		char fdbuf[8];
		snprintf(fdbuf, sizeof fdbuf, "%d", ep);
		char *argv[] = { "t_ipc", "call", fdbuf, NULL };
		exec("/t_ipc", argv);
		_exit(99);
	}
	CHECK_EQ(reap(pid), 0);
	/* Endpoints a child makes and never closes go with it. */
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 5; i++)
			CHECK(ep_create() >= 0);
		CHECK(ep_mint(ep, 3) >= 0);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	/* The descriptor table fills up like any other. */
	int got[16], n = 0;
	while (n < 16 && (got[n] = ep_create()) >= 0)
		n++;
	CHECK_EQ(errno, EMFILE);
	while (n > 0)
		close(got[--n]);
	struct lde_msg m = msg(L_QUIT, 0, 0, 0, 0);
	CHECK_EQ(ipc_call(ep, &m, NULL), L_QUIT + 100);
	CHECK_EQ(reap(srv), 0);
	close(ep);
	check_same(before, counts());
	printf("ipc: endpoints inherited, kept across exec, released by close and exit\n");
}

static void test_wait_column(void)
{
	int ep = ep_create();
	int fds[2];
	pipe(fds);
	pid_t rx = fork();
	if (rx == 0) {
		struct lde_msg m;
		ipc_recv(ep, &m);
		_exit(1);
	}
	char want[LDE_NAME_MAX + 8];
	/* Endpoints are numbered by the kernel: learn ours from the receiver. */
	CHECK_EQ(wait_wchan(rx, "recv ep"), 0);
	struct lde_procinfo pi;
	proc_get(rx, &pi);
	snprintf(want, sizeof want, "call %.10s", pi.wchan + 5);
	kill(rx, SIGKILL);
	reap(rx);
	pid_t tx = fork();
	if (tx == 0) {
		struct lde_msg m = msg(1, 0, 0, 0, 0);
		ipc_call(ep, &m, NULL);
		_exit(1);
	}
	CHECK_EQ(wait_wchan(tx, want), 0);
	printf("ipc: ps shows '%s' and 'recv %s'\n", want, want + 5);
	kill(tx, SIGKILL);
	reap(tx);
	close(ep), close(fds[0]), close(fds[1]);
}

/* A client killed while a server holds its request: the server's reply
 * and lease use find nobody, nothing leaks. */
static void test_client_dies(void)
{
	struct counts before = counts();
	int ep = ep_create();
	int sync[2], done[2];
	pipe(sync);
	pipe(done);
	pid_t cl = fork();
	if (cl == 0) {
		static char buf[64] = "lent";
		struct lde_lease l = { (uint64_t)buf, sizeof buf, LDE_LEASE_READ };
		struct lde_msg m = { .info = LDE_MSG_INFO(1, 1, -1) };
		ipc_call(ep, &m, &l);
		_exit(1); /* never answered: killed first */
	}
	pid_t srv = fork();
	if (srv == 0) {
		struct lde_msg m;
		CHECK_EQ(ipc_recv(ep, &m), LDE_MSG_INFO(1, 1, -1));
		char buf[8];
		CHECK_EQ(lease_read(m.token, 0, 0, buf, 4), 4);
		write(sync[1], "h", 1); /* holding it */
		char c;
		read(done[0], &c, 1); /* the client is dead now */
		CHECK_EQ(lease_read(m.token, 0, 0, buf, 4), -1);
		CHECK_EQ(errno, ESRCH);
		m.info = 5;
		CHECK_EQ(ipc_reply(&m), 0);
		child_done();
	}
	char c;
	read(sync[0], &c, 1);
	kill(cl, SIGKILL);
	CHECK_EQ(reap(cl), SIGKILL);
	write(done[1], "d", 1);
	CHECK_EQ(reap(srv), 0);
	close(ep), close(sync[0]), close(sync[1]), close(done[0]), close(done[1]);
	check_same(before, counts());
	printf("ipc: client killed while held: reply is a no-op, its lease is gone\n");
}

/* A server killed while clients wait: the request it had received fails
 * with ECONNRESET; the one still queued is served by the next server. */
static void test_server_dies(void)
{
	struct counts before = counts();
	int ep = ep_create();
	int sync[2];
	pipe(sync);
	pid_t srv = fork();
	if (srv == 0) {
		struct lde_msg m;
		ipc_recv(ep, &m);
		write(sync[1], "h", 1);
		for (;;)
			usleep(1000000);
	}
	pid_t held = fork();
	if (held == 0) {
		struct lde_msg m = msg(1, 0, 0, 0, 0);
		CHECK_EQ(ipc_call(ep, &m, NULL), -1);
		CHECK_EQ(errno, ECONNRESET);
		child_done();
	}
	char c;
	read(sync[0], &c, 1);
	pid_t queued = fork();
	if (queued == 0) {
		struct lde_msg m = msg(L_ECHO, 0, 0, 0, 5);
		CHECK_EQ(ipc_call(ep, &m, NULL), L_ECHO + 100);
		CHECK_EQ(m.w[3], 5);
		child_done();
	}
	CHECK_EQ(wait_state(queued, LDE_P_SLEEPING, 2000), 0);
	kill(srv, SIGKILL);
	/* wait() reaps in any order: collect both. */
	int got = 0;
	for (int i = 0; i < 2; i++) {
		int st;
		pid_t p = wait(&st);
		if (p == srv) {
			CHECK_EQ(st, SIGKILL);
			got |= 1;
		} else if (p == held) {
			CHECK_EQ(st, 0);
			got |= 2;
		}
	}
	CHECK_EQ(got, 3);
	CHECK_EQ(proc_state(queued), LDE_P_SLEEPING); /* still waiting for a server */
	pid_t srv2 = fork();
	if (srv2 == 0) {
		struct lde_msg m;
		CHECK_EQ(ipc_recv(ep, &m), L_ECHO);
		m.info = L_ECHO + 100;
		m.w[3] = m.w[3];
		ipc_reply(&m);
		child_done();
	}
	for (int i = 0; i < 2; i++) {
		int st;
		pid_t p = wait(&st);
		CHECK(p == queued || p == srv2);
		CHECK_EQ(st, 0);
	}
	close(ep), close(sync[0]), close(sync[1]);
	check_same(before, counts());
	printf("ipc: server killed: held request fails with ECONNRESET, queued one served by the next\n");
}

/* The last descriptor that can receive goes: queued callers fail. */
static void test_last_close(void)
{
	struct counts before = counts();
	int ep = ep_create();
	int b = ep_mint(ep, 1);
	pid_t cl = fork();
	if (cl == 0) {
		close(ep); /* only the badged, send-only one left */
		struct lde_msg m = msg(1, 0, 0, 0, 0);
		CHECK_EQ(ipc_call(b, &m, NULL), -1);
		CHECK_EQ(errno, EPIPE);
		CHECK_EQ(ipc_call(b, &m, NULL), -1); /* and at once from then on */
		CHECK_EQ(errno, EPIPE);
		child_done();
	}
	CHECK_EQ(wait_state(cl, LDE_P_SLEEPING, 2000), 0);
	usleep(20000);
	close(ep);
	CHECK_EQ(reap(cl), 0);
	close(b);
	check_same(before, counts());
	printf("ipc: last receiving descriptor closed: waiting caller gets EPIPE\n");
}

/* A caller killed while queued, a receiver killed while waiting. */
static void test_killed_waiting(void)
{
	struct counts before = counts();
	int ep = ep_create();
	pid_t a = fork();
	if (a == 0) {
		struct lde_msg m = msg(1, 0, 0, 0, 0);
		ipc_call(ep, &m, NULL);
		_exit(1);
	}
	CHECK_EQ(wait_state(a, LDE_P_SLEEPING, 2000), 0);
	kill(a, SIGTERM);
	CHECK_EQ(reap(a), SIGTERM);
	pid_t r = fork();
	if (r == 0) {
		struct lde_msg m;
		ipc_recv(ep, &m);
		_exit(1);
	}
	CHECK_EQ(wait_state(r, LDE_P_SLEEPING, 2000), 0);
	kill(r, SIGTERM);
	CHECK_EQ(reap(r), SIGTERM);
	/* The endpoint is intact: nobody left queued on it. */
	pid_t srv = fork();
	if (srv == 0)
		echo_server(ep);
	struct lde_msg m = msg(L_QUIT, 0, 0, 0, 0);
	CHECK_EQ(ipc_call(ep, &m, NULL), L_QUIT + 100);
	CHECK_EQ(reap(srv), 0);
	close(ep);
	check_same(before, counts());
	printf("ipc: killed while queued or receiving: endpoint intact\n");
}

/* Under trace: the calls are printed (tests/suites/ipc.py checks the
 * lines), and a traced client works with an untraced server (the traced
 * side takes the slow path, the other the fast one) and the reverse. */
static void test_traced(void)
{
	int ep = ep_create();
	trace(1);
	pid_t srv = fork();
	if (srv == 0) {
		trace(0);
		echo_server(ep);
	}
	struct lde_msg m = msg(L_ECHO, 7, 2, 3, 4);
	CHECK_EQ(ipc_call(ep, &m, NULL), L_ECHO + 100);
	CHECK_EQ(m.w[0], 4);
	CHECK_EQ(m.w[3], 7);
	m = msg(L_QUIT, 0, 0, 0, 0);
	CHECK_EQ(ipc_call(ep, &m, NULL), L_QUIT + 100);
	trace(0);
	CHECK_EQ(reap(srv), 0);
	srv = fork();
	if (srv == 0) {
		trace(1);
		echo_server(ep);
	}
	for (int i = 0; i < 3; i++) {
		m = msg(L_ECHO, i, 0, 0, 0);
		CHECK_EQ(ipc_call(ep, &m, NULL), L_ECHO + 100);
		CHECK_EQ(m.w[3], (uint64_t)i);
	}
	m = msg(L_QUIT, 0, 0, 0, 0);
	CHECK_EQ(ipc_call(ep, &m, NULL), L_QUIT + 100);
	CHECK_EQ(reap(srv), 0);
	close(ep);
	printf("ipc: traced and untraced partners\n");
}

#include "t_ipc_more.h"
#include "t_ipc_chaos.h"

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "more"))
		return ipc_more_main();
	if (argc >= 2 && !strcmp(argv[1], "chaos"))
		return ipc_chaos_main(argc - 1, argv + 1);
	if (argc == 3 && !strcmp(argv[1], "call"))
		return exec_child(atoi(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "traced")) {
		test_traced();
		return check_exit("t_ipc");
	}
	warm_up();
	test_call_reply();
	test_badges();
	test_bad_args();
	test_fd_lifetime();
	test_wait_column();
	test_client_dies();
	test_server_dies();
	test_last_close();
	test_killed_waiting();
	return check_exit("t_ipc");
}
