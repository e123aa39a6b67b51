/* The event timeline's system call and ring buffer (docs/timeline.md).
 *   t_timeline wrap   run as init with timeline=16: 300 system calls, far
 *                     more events than the ring holds; the kernel never
 *                     waits for room (tests/suites/timeline.py checks the
 *                     dump: the newest 16 events, whole and in order)
 *   t_timeline ops    bad operations are refused; a dump with nothing
 *                     recorded is empty; turning recording on records this
 *                     process from then on
 *   t_timeline faults run as init with timeline=all: a heap page touched
 *                     (lazy), then written by fork's child (copy on write), a
 *                     null write (fatal), each after a mark with its address
 *                     (tests/suites/timeline.py finds them) */
#include <string.h>
#include "t_util.h"

/* Not a constant: the compiler would refuse a store through it. */
static volatile uintptr_t unmapped = 8;

static int faults(void)
{
	volatile char *heap = sbrk(4096);
	CHECK(heap != (void *)-1);
	CHECK(timeline(LDE_TL_OP_MARK, (long)heap) == 0);
	heap[0] = 1;
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		timeline(LDE_TL_OP_MARK, (long)(heap + 1));
		heap[1] = 2; /* the heap page nothing else writes */
		timeline(LDE_TL_OP_MARK, (long)unmapped);
		*(volatile int *)unmapped = 1;
		_exit(1);
	}
	int st;
	CHECK(wait(&st) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	CHECK(heap[1] == 0);
	printf("PASS: t_timeline\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "wrap")) {
		for (int i = 0; i < 300; i++)
			CHECK(getpid() == 1);
		printf("PASS: t_timeline\n");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "ops")) {
		CHECK(timeline(99, 0) == -1 && errno == EINVAL);
		CHECK(timeline(-1, 0) == -1 && errno == EINVAL);
		CHECK(timeline(LDE_TL_OP_DUMP, 0) == 0); /* nothing recorded: 0 events */
		CHECK(timeline(LDE_TL_OP_ON, 0) == 0);
		CHECK(timeline(LDE_TL_OP_MARK, 77) == 0);
		CHECK(getppid() == 0);
		CHECK(timeline(LDE_TL_OP_OFF, 0) == 0);
		CHECK(getppid() == 0); /* not recorded */
		CHECK(timeline(LDE_TL_OP_DUMP, 0) == 0);
		printf("PASS: t_timeline\n");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "faults"))
		return faults();
	fprintf(stderr, "usage: t_timeline wrap|ops|faults\n");
	return 2;
}
