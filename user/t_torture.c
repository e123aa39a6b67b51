/* Interrupts during system calls: with quantum=1 the timer fires every
 * millisecond, so it keeps arriving while processes are inside the kernel.
 * Several processes run system-call-heavy loops for about 3 seconds and
 * check every result: getpid/getppid, writes into their own pipe read back
 * byte for byte, fork+exit+wait with exact statuses, sbrk grow/touch/
 * shrink, a ping-pong between two processes over two pipes with exact
 * counts, sleeps, kills of spinning children. Then every page must be
 * back.
 * Run as init: init=/t_torture (with quantum=1) */
#include "t_util.h"

#define RUN_MS 3000

static long deadline;

struct report {
	char name[12];
	long ops;
	long errors;
};

static int results_fd;

static void report(const char *name, long ops, long errors)
{
	struct report r;
	memset(&r, 0, sizeof r);
	strncpy(r.name, name, sizeof r.name - 1);
	r.ops = ops;
	r.errors = errors;
	write(results_fd, &r, sizeof r);
	_exit(errors ? 1 : 0);
}

static void w_getpid(void)
{
	pid_t me = getpid(), parent = getppid();
	long ops = 0, errors = 0;
	while (uptime() < deadline) {
		for (int i = 0; i < 100; i++) {
			errors += getpid() != me;
			errors += getppid() != parent;
		}
		ops += 200;
	}
	report("getpid", ops, errors);
}

static unsigned char byte_at(unsigned long i) { return (unsigned char)(i * 131 + (i >> 9)); }

static void w_selfpipe(void)
{
	int fds[2];
	if (pipe(fds))
		report("selfpipe", 0, 1);
	static unsigned char out[4096], in[4096];
	unsigned long pos = 0;
	long ops = 0, errors = 0;
	for (unsigned size = 1; uptime() < deadline; size = (size + 97) % 4096 + 1) {
		for (unsigned i = 0; i < size; i++)
			out[i] = byte_at(pos + i);
		if (write(fds[1], out, size) != (ssize_t)size)
			errors++;
		memset(in, 0, size);
		if (read_all(fds[0], in, size) != (long)size)
			errors++;
		for (unsigned i = 0; i < size; i++)
			if (in[i] != byte_at(pos + i)) {
				errors++;
				break;
			}
		pos += size;
		ops++;
	}
	report("selfpipe", ops, errors);
}

static void w_forker(void)
{
	long ops = 0, errors = 0;
	while (uptime() < deadline) {
		int code = (int)(ops & 0xff);
		pid_t pid = fork();
		if (pid == 0) {
			burn((unsigned long)code * 100);
			_exit(code);
		}
		if (pid < 0) {
			errors++;
			continue;
		}
		int st = -1;
		if (wait(&st) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != code)
			errors++;
		ops++;
	}
	if (wait(NULL) != -1)
		errors++;
	report("forker", ops, errors);
}

static void w_sbrk(void)
{
	long ops = 0, errors = 0;
	char *base = sbrk(0);
	while (uptime() < deadline) {
		long pages = 1 + ops % 17;
		char *p = sbrk(pages * 4096);
		if (p != base) {
			errors++;
			break;
		}
		for (long i = 0; i < pages; i++) {
			if (p[i * 4096 + 5] != 0) /* fresh pages are zeroed */
				errors++;
			p[i * 4096 + 5] = (char)(i + ops);
		}
		for (long i = 0; i < pages; i++)
			errors += p[i * 4096 + 5] != (char)(i + ops);
		if (sbrk(-pages * 4096) != p + pages * 4096)
			errors++;
		ops++;
	}
	if (sbrk(0) != base)
		errors++;
	report("sbrk", ops, errors);
}

/* Two processes: the pinger sends i, the ponger answers ~i; both count. */
static void w_pingpong(int to, int from, int pinger)
{
	long ops = 0, errors = 0;
	if (pinger) {
		while (uptime() < deadline) {
			long v = ops, r = 0;
			if (write_all(to, &v, sizeof v) != sizeof v ||
			    read_all(from, &r, sizeof r) != sizeof r || r != ~v)
				errors++;
			ops++;
		}
		long stop = -1;
		write_all(to, &stop, sizeof stop);
		long theirs = -1;
		if (read_all(from, &theirs, sizeof theirs) != sizeof theirs || theirs != ops)
			errors++; /* both counted the same rounds */
		report("ping", ops, errors);
	} else {
		long v;
		while (read_all(from, &v, sizeof v) == sizeof v && v != -1) {
			if (v != ops)
				errors++;
			long r = ~v;
			write_all(to, &r, sizeof r);
			ops++;
		}
		write_all(to, &ops, sizeof ops);
		report("pong", ops, errors);
	}
}

static void w_sleeper(void)
{
	long ops = 0, errors = 0;
	while (uptime() < deadline) {
		long t0 = uptime();
		if (usleep(2000))
			errors++;
		if (uptime() - t0 < 2)
			errors++;
		ops++;
	}
	report("sleeper", ops, errors);
}

static void w_killer(void)
{
	long ops = 0, errors = 0;
	while (uptime() < deadline) {
		pid_t pid = fork();
		if (pid == 0)
			for (;;)
				;
		if (pid < 0) {
			errors++;
			continue;
		}
		if (ops & 1)
			yield(); /* sometimes it runs first */
		/* Those whose default action is to terminate (docs/signals.md):
		 * a stop or an ignored one would leave wait() waiting. */
		static const int fatal[] = { SIGHUP,	SIGINT,	 SIGQUIT, SIGILL,  SIGTRAP, SIGABRT,
					     SIGEMT,	SIGFPE,	 SIGKILL, SIGBUS,  SIGSEGV, SIGSYS,
					     SIGPIPE,	SIGALRM, SIGTERM, SIGIO,   SIGXCPU, SIGXFSZ,
					     SIGVTALRM, SIGPROF, SIGLOST, SIGUSR1, SIGUSR2 };
		int sig = fatal[ops % (sizeof fatal / sizeof fatal[0])];
		if (kill(pid, sig))
			errors++;
		int st = -1;
		if (wait(&st) != pid || !WIFSIGNALED(st) || WTERMSIG(st) != sig)
			errors++;
		ops++;
	}
	report("killer", ops, errors);
}

static void w_info(void)
{
	static struct lde_procinfo all[64];
	long ops = 0, errors = 0;
	pid_t me = getpid();
	while (uptime() < deadline) {
		int n = procinfo(-1, all, 64);
		int found = 0;
		for (int i = 0; i < n; i++)
			found += all[i].pid == me && all[i].state == LDE_P_RUNNING;
		errors += found != 1;
		struct lde_meminfo mi;
		errors += meminfo(&mi) != 0 || mi.free_pages == 0 || mi.free_pages > mi.total_pages;
		ops++;
	}
	report("info", ops, errors);
}

int main(void)
{
	warm_up();
	long before = free_pages();
	int res[2];
	CHECK_EQ(pipe(res), 0);
	results_fd = res[1];
	int ab[2], ba[2];
	CHECK_EQ(pipe(ab), 0);
	CHECK_EQ(pipe(ba), 0);
	deadline = uptime() + RUN_MS;

	void (*simple[])(void) = { w_getpid, w_selfpipe, w_forker,   w_sbrk,  w_sleeper,
				   w_killer, w_info,	 w_selfpipe, w_forker };
	enum { NS = sizeof simple / sizeof simple[0] };
	int nworkers = 0;
	for (int i = 0; i < NS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			close(res[0]);
			close(ab[0]);
			close(ab[1]);
			close(ba[0]);
			close(ba[1]);
			simple[i]();
		}
		CHECK(pid > 0);
		nworkers++;
	}
	for (int k = 0; k < 2; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			close(res[0]);
			if (k == 0) {
				close(ab[0]);
				close(ba[1]);
				w_pingpong(ab[1], ba[0], 1);
			} else {
				close(ab[1]);
				close(ba[0]);
				w_pingpong(ba[1], ab[0], 0);
			}
		}
		CHECK(pid > 0);
		nworkers++;
	}
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
	close(res[1]);

	long t0 = uptime();
	for (int k = 0; k < nworkers; k++) {
		int st = -1;
		pid_t got = wait(&st);
		CHECK(got > 0);
		CHECK_EQ(st, 0);
	}
	long took = uptime() - t0;
	CHECK_EQ(wait(NULL), -1);
	long total = 0, pings = -1, pongs = -2;
	for (int k = 0; k < nworkers; k++) {
		struct report r;
		if (read_all(res[0], &r, sizeof r) != sizeof r) {
			CHECK(!"missing report");
			break;
		}
		printf("torture: %-9s %8ld ops, %ld errors\n", r.name, r.ops, r.errors);
		CHECK_EQ(r.errors, 0);
		CHECK(r.ops > 0);
		total += r.ops;
		if (!strcmp(r.name, "ping"))
			pings = r.ops;
		if (!strcmp(r.name, "pong"))
			pongs = r.ops;
	}
	CHECK_EQ(pings, pongs);
	close(res[0]);
	long after = free_pages();
	printf("torture: %d workers, %ld ops in %ld ms; free pages %ld before, %ld after\n",
	       nworkers, total, took, before, after);
	CHECK_EQ(after, before);
	return check_exit("t_torture");
}
