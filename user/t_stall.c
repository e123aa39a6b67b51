/* No system call holds the CPU: while this program makes one long call
 * after another, a heartbeat child sleeping 2 ms in a loop must keep
 * waking up. The child records the longest gap between two of its
 * wake-ups; that gap is how long the call kept a runnable process off the
 * CPU. Each call's gap must stay within MAX ms (about two quanta).
 *
 * Calls (MODE, each optionally with a size):
 *   console KIB  one write() of KIB KiB to the console (lines of text)
 *   pipe KIB     one write() of KIB KiB to a pipe a child drains
 *   fork         fork() of a process holding most of memory
 *   exit         exit() of a process holding most of memory
 *   exec         exec() from a process holding most of memory
 *   sbrk         sbrk() giving back most of memory at once
 *   args         exec() with the largest argument list the ABI allows
 *   bss          exec() of an ELF whose bss is bigger than memory (ENOMEM)
 *   forkkill     a fork killed while preempted makes no child (as init)
 *   all          every one of them, with the default sizes
 *
 * Run as init: init=/t_stall [max=MS] MODE [SIZE] ...; run under -icount
 * (tests/suites/hardening.py) so that the gaps count instructions, not
 * the host's mood. Each call prints one line:
 *   stall: console 4096 KiB: 4194304 bytes in 130 ms, longest gap 12 ms
 * and the last line is stall-summary: worst=N ms. */
#include "t_util.h"

#define BEAT_US 2000
#define PAGE 4096

static long max_gap_ms = 35;
static long worst;

static pid_t hb_pid;
static int hb_fd = -1;

/* The heartbeat: each time its longest gap grows, it reports the new
 * figure on the pipe (a few times per call), so nothing is lost when it
 * is killed. */
static void hb_start(void)
{
	int p[2];
	CHECK_EQ(pipe(p), 0);
	hb_pid = fork();
	if (hb_pid == 0) {
		/* Holding the caller's pipe ends would keep their readers from
		 * seeing end-of-file. */
		for (int fd = 3; fd < 16; fd++)
			if (fd != p[1])
				close(fd);
		long last = uptime(), max = 0;
		for (;;) {
			usleep(BEAT_US);
			long now = uptime();
			if (now - last > max) {
				max = now - last;
				if (write(p[1], &max, sizeof max) != sizeof max)
					_exit(1);
			}
			last = now;
		}
	}
	CHECK(hb_pid > 0);
	close(p[1]);
	hb_fd = p[0];
	usleep(10000); /* it is asleep in its loop before the call starts */
}

/* Stop the heartbeat; its longest gap in ms. */
static long hb_stop(void)
{
	usleep(10000); /* a last beat after the call */
	CHECK_EQ(kill(hb_pid, SIGKILL), 0);
	int st;
	pid_t got;
	while ((got = wait(&st)) > 0 && got != hb_pid)
		;
	CHECK_EQ(got, hb_pid);
	long max = -1, v;
	while (read(hb_fd, &v, sizeof v) == sizeof v)
		max = v;
	close(hb_fd);
	return max;
}

static void verdict(const char *what, long kib, long bytes, long ms, long gap)
{
	printf("stall: %s", what);
	if (kib)
		printf(" %ld KiB", kib);
	printf(": ");
	if (bytes >= 0)
		printf("%ld bytes ", bytes);
	printf("in %ld ms, longest gap %ld ms\n", ms, gap);
	if (gap > worst)
		worst = gap;
	if (gap < 0 || gap > max_gap_ms) {
		check_failures++;
		printf("FAIL: %s: another process waited %ld ms for the CPU (limit %ld ms)\n", what,
		       gap, max_gap_ms);
	}
}

/* Pages a big process may take: most of what is free, with room for page
 * tables, pipes and the heartbeat. */
static long big_pages(void)
{
	long f = free_pages();
	return f > 4096 ? f - 2048 : f / 2;
}

/* Grow the heap by pages and touch each page (in user mode, preemptible). */
static char *grow(long pages)
{
	char *p = sbrk(pages * PAGE);
	CHECK(p != (char *)-1);
	if (p == (char *)-1)
		return NULL;
	for (long i = 0; i < pages; i++)
		p[i * PAGE] = (char)i;
	return p;
}

static void console_call(long kib)
{
	long n = kib * 1024;
	char *buf = sbrk(n);
	CHECK(buf != (char *)-1);
	if (buf == (char *)-1)
		return;
	/* Lines of 64 bytes; the pages are touched here, not by the kernel. */
	for (long i = 0; i < n; i++)
		buf[i] = i % 64 == 63 ? '\n' : 'a' + (char)(i / 64 % 26);
	hb_start();
	long t0 = uptime();
	long r = write(1, buf, n);
	long ms = uptime() - t0;
	long gap = hb_stop();
	CHECK_EQ(r, n);
	verdict("console", kib, r, ms, gap);
	sbrk(-n);
}

static void pipe_call(long kib)
{
	long n = kib * 1024;
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t reader = fork();
	if (reader == 0) {
		close(p[1]);
		static char rb[8192];
		long got = 0, r;
		while ((r = read(p[0], rb, sizeof rb)) > 0)
			got += r;
		_exit(got == n ? 0 : 1);
	}
	close(p[0]);
	char *buf = sbrk(n);
	CHECK(buf != (char *)-1);
	memset(buf, 'p', n);
	hb_start();
	long t0 = uptime();
	long r = write(p[1], buf, n);
	long ms = uptime() - t0;
	close(p[1]);
	int st = -1;
	CHECK_EQ(wait(&st), reader); /* hb_stop would reap it */
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	long gap = hb_stop();
	CHECK_EQ(r, n);
	verdict("pipe", kib, r, ms, gap);
	sbrk(-n);
}

static void fork_call(void)
{
	hb_start();
	long pages = big_pages();
	char *p = grow(pages);
	if (!p)
		return;
	long t0 = uptime();
	pid_t c = fork();
	if (c == 0)
		_exit(p[PAGE] == 1 ? 0 : 1);
	long ms = uptime() - t0;
	CHECK(c > 0);
	int st = -1;
	CHECK_EQ(wait(&st), c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	long gap = hb_stop();
	char what[64];
	snprintf(what, sizeof what, "fork of %ld pages (and its exit)", pages);
	verdict(what, 0, -1, ms, gap);
	sbrk(-pages * PAGE);
}

/* A child that takes most of memory, then, told to go, exits or execs. */
static void big_child_call(int exec_it)
{
	int ready[2], go[2];
	CHECK_EQ(pipe(ready), 0);
	CHECK_EQ(pipe(go), 0);
	long pages = big_pages();
	pid_t c = fork();
	if (c == 0) {
		close(ready[0]);
		close(go[1]);
		char *p = grow(pages);
		char x = p ? 1 : 0;
		write(ready[1], &x, 1);
		read(go[0], &x, 1);
		if (exec_it) {
			char *argv[] = { "true", NULL };
			exec("/true", argv);
			_exit(2);
		}
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	char x = 0;
	CHECK_EQ(read(ready[0], &x, 1), 1);
	CHECK_EQ(x, 1);
	hb_start();
	long t0 = uptime();
	CHECK_EQ(write(go[1], &x, 1), 1);
	int st = -1;
	CHECK_EQ(wait(&st), c);
	long ms = uptime() - t0;
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	long gap = hb_stop();
	close(ready[0]);
	close(go[1]);
	char what[64];
	snprintf(what, sizeof what, "%s of %ld pages", exec_it ? "exec" : "exit", pages);
	verdict(what, 0, -1, ms, gap);
}

/* exec of an ELF whose bss is bigger than memory (bad_nomem_bss, in the
 * test initrd): the loader takes every free page before ENOMEM. */
static void bss_call(void)
{
	hb_start();
	long t0 = uptime();
	pid_t c = fork();
	if (c == 0) {
		char *argv[] = { "bad_nomem_bss", NULL };
		exec("/bad_nomem_bss", argv);
		_exit(errno == ENOMEM ? 0 : 1);
	}
	int st = -1;
	CHECK_EQ(wait(&st), c);
	long ms = uptime() - t0;
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	long gap = hb_stop();
	verdict("exec of a bss bigger than memory (ENOMEM)", 0, -1, ms, gap);
}

/* A process killed while its fork is preempted gets no child: the child,
 * half-built, must neither run nor outlive the kill (it would escape a
 * kill of its parent's group). K kills P while P forks ~29,000 pages;
 * every process left is reaped here (as init, orphans come here too):
 * exactly P (SIGKILL) and K. Run as init. */
static void forkkill_call(void)
{
	int go[2];
	CHECK_EQ(pipe(go), 0);
	long pages = big_pages();
	pid_t p = fork();
	if (p == 0) {
		close(go[0]);
		if (!grow(pages))
			_exit(2);
		write(go[1], "x", 1);
		pid_t c = fork();
		if (c == 0)
			_exit(5);     /* born after all */
		_exit(c > 0 ? 3 : 4); /* the fork ended before the kill */
	}
	pid_t k = fork();
	if (k == 0) {
		char x;
		close(go[1]);
		if (read(go[0], &x, 1) == 1)
			kill(p, SIGKILL);
		_exit(0);
	}
	close(go[0]);
	close(go[1]);
	int reaped = 0, st, p_st = -1;
	pid_t got;
	long t0 = uptime();
	while ((got = wait(&st)) > 0) {
		reaped++;
		if (got == p)
			p_st = st;
		else if (got != k)
			printf("FAIL: forkkill: pid %d (status 0x%x) was born to a parent killed in"
			       " fork\n",
			       got, st),
				check_failures++;
	}
	CHECK(WIFSIGNALED(p_st) && WTERMSIG(p_st) == SIGKILL);
	CHECK_EQ(reaped, 2);
	printf("stall: kill during a fork of %ld pages: the forker died of signal %d, %d processes"
	       " reaped, in %ld ms\n",
	       pages, WIFSIGNALED(p_st) ? WTERMSIG(p_st) : 0, reaped, uptime() - t0);
}

static void sbrk_call(void)
{
	hb_start();
	long pages = big_pages();
	char *p = grow(pages);
	if (!p)
		return;
	long t0 = uptime();
	CHECK(sbrk(-pages * PAGE) == p + pages * PAGE);
	long ms = uptime() - t0;
	long gap = hb_stop();
	char what[64];
	snprintf(what, sizeof what, "sbrk giving back %ld pages", pages);
	verdict(what, 0, -1, ms, gap);
}

static void args_call(void)
{
	/* 32 arguments of 63 bytes (plus NUL): 2048 bytes, the ABI's limit. */
	static char strs[LDE_ARG_MAX][64];
	static char *argv[LDE_ARG_MAX + 1];
	for (int i = 0; i < LDE_ARG_MAX; i++) {
		memset(strs[i], 'a' + i % 26, 63);
		argv[i] = strs[i];
	}
	argv[0] = "true";
	hb_start();
	long t0 = uptime();
	pid_t c = fork();
	if (c == 0) {
		exec("/true", argv);
		_exit(2);
	}
	int st = -1;
	CHECK_EQ(wait(&st), c);
	long ms = uptime() - t0;
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	long gap = hb_stop();
	verdict("exec with 32 arguments, 2 KiB", 0, -1, ms, gap);
}

static int run(const char *mode, long size)
{
	if (!strcmp(mode, "console"))
		console_call(size ? size : 4096);
	else if (!strcmp(mode, "pipe"))
		pipe_call(size ? size : 4096);
	else if (!strcmp(mode, "fork"))
		fork_call();
	else if (!strcmp(mode, "exit"))
		big_child_call(0);
	else if (!strcmp(mode, "exec"))
		big_child_call(1);
	else if (!strcmp(mode, "sbrk"))
		sbrk_call();
	else if (!strcmp(mode, "bss"))
		bss_call();
	else if (!strcmp(mode, "forkkill"))
		forkkill_call();
	else if (!strcmp(mode, "args"))
		args_call();
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;
	if (i < argc && !strncmp(argv[i], "max=", 4))
		max_gap_ms = atol(argv[i++] + 4);
	long before = free_pages();
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "all")) {
			static const char *modes[] = { "console", "pipe", "fork", "exit",
						       "exec",	  "sbrk", "args", "bss" };
			for (unsigned m = 0; m < sizeof modes / sizeof *modes; m++)
				run(modes[m], 0);
			continue;
		}
		long size = i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9'
				    ? atol(argv[i + 1])
				    : 0;
		if (run(argv[i], size) < 0) {
			printf("FAIL: t_stall: unknown mode '%s'\n", argv[i]);
			return 2;
		}
		if (size)
			i++;
	}
	long after = free_pages();
	printf("stall-summary: worst=%ld ms limit=%ld ms leaked=%ld\n", worst, max_gap_ms,
	       before - after);
	CHECK_EQ(before, after);
	return check_exit("t_stall");
}
