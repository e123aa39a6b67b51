/* blkstat: the disk driver's statistics (servers/blk, docs/drivers.md),
 * through the client descriptor init gives every program (BLK_FD), or the
 * descriptor given as the argument. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "blk.h"

int main(int argc, char **argv)
{
	struct blk b;
	int fd = argc > 1 ? atoi(argv[1]) : BLK_FD;
	int r = blk_open(&b, fd);
	struct blk_stats st;
	if (r == 0)
		r = (int)blk_stats(&b, &st);
	if (r < 0) {
		printf("blkstat: no disk service: %s\n", strerror(-r));
		return 1;
	}
	printf("disk: %llu sectors (%llu KiB), driver pid %llu, restarts %llu\n",
	       (unsigned long long)st.capacity, (unsigned long long)st.capacity / 2,
	       (unsigned long long)st.driver_pid, (unsigned long long)st.restarts);
	printf("requests %llu: reads %llu, writes %llu, flushes %llu; errors %llu, resends %llu\n",
	       (unsigned long long)st.requests, (unsigned long long)st.reads,
	       (unsigned long long)st.writes, (unsigned long long)st.flushes,
	       (unsigned long long)st.errors, (unsigned long long)st.resends);
	printf("bytes read %llu, written %llu; at the device now %llu, at most %llu; held at "
	       "most %llu\n",
	       (unsigned long long)st.bytes_read, (unsigned long long)st.bytes_written,
	       (unsigned long long)st.inflight, (unsigned long long)st.max_inflight,
	       (unsigned long long)st.max_held);
	return 0;
}
