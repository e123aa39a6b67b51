/* The event timeline's system call and ring buffer (docs/timeline.md).
 *   t_timeline wrap   run as init with timeline=16: 300 system calls, far
 *                     more events than the ring holds; the kernel never
 *                     waits for room (tests/suites/timeline.py checks the
 *                     dump: the newest 16 events, whole and in order)
 *   t_timeline ops    bad operations are refused; a dump with nothing
 *                     recorded is empty; turning recording on records this
 *                     process from then on */
#include <string.h>
#include "t_util.h"

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
	fprintf(stderr, "usage: t_timeline wrap|ops\n");
	return 2;
}
