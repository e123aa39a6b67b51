/* The notes' limited-direct-execution scenes, one after the other, each
 * between two marks for scripts/timeline.py (docs/timeline.md):
 *   1 a system call (getpid)
 *   2 two monopolizers (one printing, one pure CPU) that only the timer
 *     takes the CPU from, for a bounded time
 *   3 a yield ping-pong between two processes
 *   4 a pipe: a byte from a child to its parent
 *   5 fork + exec + exit + wait
 * Run as init with the timeline on: init=/tl_demo timeline=all. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lde.h"

/* Busy work the compiler cannot drop: about 4 instructions per round. */
static void burn(unsigned long rounds)
{
	for (volatile unsigned long i = 0; i < rounds; i++)
		;
}

static void monopolize(int print)
{
	for (int i = 0; i < 4; i++) {
		if (print)
			printf("tl_demo %d: Estoy monopolizando el cpu (%d)\n", getpid(), i);
		burn(1500000);
	}
	_exit(0);
}

static void wait_all(void)
{
	int status;
	while (wait(&status) > 0)
		;
}

int main(void)
{
	timeline(LDE_TL_OP_MARK, 1);
	getpid();
	timeline(LDE_TL_OP_MARK, 1);

	timeline(LDE_TL_OP_MARK, 2);
	if (fork() == 0)
		monopolize(1);
	if (fork() == 0)
		monopolize(0);
	wait_all();
	timeline(LDE_TL_OP_MARK, 2);

	timeline(LDE_TL_OP_MARK, 3);
	if (fork() == 0) {
		for (int i = 0; i < 3; i++)
			yield();
		_exit(0);
	}
	for (int i = 0; i < 3; i++)
		yield();
	wait_all();
	timeline(LDE_TL_OP_MARK, 3);

	timeline(LDE_TL_OP_MARK, 4);
	int fds[2];
	if (pipe(fds) == 0) {
		if (fork() == 0) {
			write(fds[1], "x", 1);
			_exit(0);
		}
		char c;
		read(fds[0], &c, 1);
		close(fds[0]);
		close(fds[1]);
		wait_all();
	}
	timeline(LDE_TL_OP_MARK, 4);

	timeline(LDE_TL_OP_MARK, 5);
	if (fork() == 0) {
		char *argv[] = { "true", NULL };
		exec("/true", argv);
		_exit(127);
	}
	wait_all();
	timeline(LDE_TL_OP_MARK, 5);
	return 0;
}
