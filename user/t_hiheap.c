/* Page tables shared by the heap and the stack come back. Linked in the
 * last GiB of user space (Makefile: USER_TEXT_BASE), this program's image
 * and heap are mapped through the same level-1 table as its stack, the
 * layout a heap grown past 0x3fc0000000 would have. Every way an address
 * space ends must give back every page it took:
 *   fork + exit, fork + exec (of this program, again and again), a heap
 *   that grows past a 2 MiB boundary and shrinks back, and all of them
 *   with the heap crossing into the stack's 2 MiB table.
 *
 *   t_hiheap                run the rounds (as init or from the shell)
 *   t_hiheap chain N        exec itself N more times, then exit 0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "t_util.h"

#define PG 4096
#define ROUNDS 20

extern char _end[];

/* Touch n pages of fresh heap, one store each. */
static char *grow_touch(long n)
{
	char *p = sbrk(n * PG);
	if (p == (char *)-1)
		return NULL;
	for (long i = 0; i < n; i++)
		p[i * PG] = (char)i;
	return p;
}

static void chain(int n)
{
	grow_touch(3);
	if (n <= 0)
		_exit(0);
	char num[16];
	snprintf(num, sizeof num, "%d", n - 1);
	char *argv[] = { "t_hiheap", "chain", num, NULL };
	exec("/t_hiheap", argv);
	_exit(127);
}

static void fork_exit_rounds(void)
{
	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			grow_touch(2);
			_exit(0);
		}
		CHECK_EQ(WEXITSTATUS(reap(pid)), 0);
	}
}

static void fork_exec_rounds(void)
{
	for (int i = 0; i < ROUNDS / 4; i++) {
		pid_t pid = fork();
		if (pid == 0)
			chain(3);
		CHECK_EQ(WEXITSTATUS(reap(pid)), 0);
	}
}

static long report(const char *what, long before)
{
	long after = free_pages();
	printf("hiheap: %s: free pages %ld before, %ld after, leaked %ld\n", what, before, after,
	       before - after);
	CHECK_EQ(after, before);
	return after;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "chain"))
		chain(atoi(argv[2]));
	CHECK((uintptr_t)_end > 0x3fc0000000UL && (uintptr_t)_end < 0x3fffe00000UL);
	warm_up();
	pid_t pid = fork(); /* the first fork's own costs out of the way */
	if (pid == 0)
		_exit(0);
	reap(pid);

	long f = free_pages();
	fork_exit_rounds();
	f = report("fork+exit x20", f);
	fork_exec_rounds();
	f = report("fork+exec x5 (4 images each)", f);

	/* The heap crosses into the stack's 2 MiB table and back, in a child
	 * (so that its exit tears the tables down) and here. */
	uintptr_t brk0 = (uintptr_t)sbrk(0);
	long to_stack_chunk = (long)((0x4000000000UL - 0x200000UL - brk0) / PG) + 1;
	pid = fork();
	if (pid == 0) {
		char *p = sbrk(to_stack_chunk * PG);
		if (p == (char *)-1)
			_exit(2);
		p[(to_stack_chunk - 1) * PG] = 1; /* in the stack's level-0 table */
		p[0] = 1;
		_exit(0);
	}
	CHECK_EQ(WEXITSTATUS(reap(pid)), 0);
	f = report("a heap into the stack's 2 MiB, then exit", f);
	char *p = sbrk(to_stack_chunk * PG);
	CHECK(p != (char *)-1);
	if (p != (char *)-1) {
		p[(to_stack_chunk - 1) * PG] = 1;
		p[0] = 1;
		CHECK(sbrk(-to_stack_chunk * PG) != (char *)-1);
	}
	f = report("a heap into the stack's 2 MiB, then shrunk", f);
	return check_exit("t_hiheap");
}
