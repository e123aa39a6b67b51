/* Nothing leaks: after a warm-up round, ITERATIONS rounds of
 *   fork + exec(/hello) + wait, fork + exit + wait, fork + fault + wait
 *   (every 10th round), a failed exec, sbrk growth touching pages then
 *   shrinking, pipe + write + read + close, pipe shared with a child,
 *   dup + close,
 * must leave the number of free pages exactly where it was.
 *
 *   t_memleak [ITERATIONS]   default 200
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "lde.h"

#define PGSIZE 4096

static uint64_t free_pages(void)
{
	struct lde_meminfo mi;
	CHECK_EQ(meminfo(&mi), 0);
	return mi.free_pages;
}

static void reap(pid_t pid, int want_exit, int want_sig)
{
	int st = -1;
	CHECK_EQ(wait(&st), pid);
	if (want_sig)
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == want_sig);
	else
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == want_exit);
}

static void round_once(int i, int quiet)
{
	/* fork + exec + wait */
	char num[16];
	snprintf(num, sizeof num, "%d", i);
	char *argv[] = { "hello", "memleak", num, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		exec("/hello", argv);
		_exit(127);
	}
	reap(pid, 0, 0);

	/* fork + exit + wait, after the child dirtied some memory */
	pid = fork();
	if (pid == 0) {
		char *p = sbrk(8 * PGSIZE);
		if (p != (void *)-1)
			memset(p, 1, 8 * PGSIZE);
		_exit(3);
	}
	reap(pid, 3, 0);

	/* fork + fault + wait: a killed process gives everything back too */
	if (i % 10 == 0 && !quiet) {
		pid = fork();
		if (pid == 0) {
			*(volatile int *)0 = 1;
			_exit(0);
		}
		reap(pid, 0, LDE_SIGSEGV);
	}

	/* a failed exec */
	CHECK_EQ(exec("/no_such_program", argv), -1);

	/* sbrk: grow, touch, shrink */
	char *p = sbrk(16 * PGSIZE);
	CHECK(p != (void *)-1);
	if (p != (void *)-1) {
		for (int k = 0; k < 16; k++)
			p[k * PGSIZE] = (char)k;
		CHECK(sbrk(-16 * PGSIZE) != (void *)-1);
	}

	/* pipe + close, with data left in it */
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(write(fds[1], "leak?", 5), 5);
	char buf[8];
	CHECK_EQ(read(fds[0], buf, 2), 2);
	CHECK_EQ(close(fds[0]), 0);
	CHECK_EQ(close(fds[1]), 0);

	/* a pipe shared with a child, closed on both sides */
	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		write(fds[1], "x", 1);
		_exit(0); /* exit closes fds[1] */
	}
	CHECK_EQ(close(fds[1]), 0);
	CHECK_EQ(read(fds[0], buf, 1), 1);
	CHECK_EQ(read(fds[0], buf, 1), 0);
	CHECK_EQ(close(fds[0]), 0);
	reap(pid, 0, 0);

	int fd = dup(1);
	CHECK(fd >= 0);
	CHECK_EQ(close(fd), 0);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	round_once(0, 0); /* warm up: our own stack and page tables */
	/* The processes now: this one as init; else init and its parent (the
	 * shell, say) too. (Counted before the baseline: pi's pages are
	 * touched here.) */
	static struct lde_procinfo pi[64];
	int procs = procinfo(-1, pi, 64);
	if (getppid() == 0)
		CHECK_EQ(procs, 1);
	else
		CHECK(procs >= 2);
	uint64_t base = free_pages();
	printf("t_memleak: baseline free pages %lu\n", (unsigned long)base);
	for (int i = 1; i <= n; i++) {
		round_once(i, 0);
		if (i == 1 || i % 50 == 0)
			printf("t_memleak: after %d rounds: free pages %lu\n", i,
			       (unsigned long)free_pages());
	}
	uint64_t after = free_pages();
	printf("t_memleak: %d rounds: free pages %lu, baseline %lu, difference %ld\n", n,
	       (unsigned long)after, (unsigned long)base, (long)(base - after));
	CHECK_EQ(after, base);
	CHECK_EQ(procinfo(-1, pi, 64), procs); /* no zombie left behind */
	return check_exit("t_memleak");
}
