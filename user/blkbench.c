/* blkbench: the disk's benchmark, run as init (pid 1, which may claim the
 * device-manager right) in a boot of its own by scripts/bench.py, with a
 * fresh disk; a program apart from user/bench.c, so that neither its code
 * nor libblk lengthens bench's image (which every fork and exec row copies
 * or loads). Prints BENCH lines like bench's:
 *
 *   blkbench [N]    N reads of 4 KiB measured (default 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "blk.h"
#include "devbench.h"
#include "lde.h"

#define TIMEBASE_HZ 10000000UL /* QEMU virt; ns per tick = 100 */

/* A page-aligned 4 KiB buffer: a lease that the kernel copies in one go. */
static char *page_buffer(void)
{
	char *p = sbrk(0);
	sbrk((long)(-(unsigned long)p & 4095) + 4096);
	return (char *)(((unsigned long)p + 4095) & ~4095UL);
}

/* The disk (servers/blk, docs/drivers.md): a 4 KiB read through libblk,
 * client to driver and back. The device's own work is done by QEMU
 * outside the guest, but under icount the guest idles meanwhile, taking
 * timer ticks, for a number of instructions that depends on the host's
 * speed. So each read is measured alone: instret around blk_read, minus
 * what the kernel counted as idle in that span (meminfo's idle_instret:
 * waits after which nothing could run). What remains is the guest's own
 * work, the waking interrupt included; the figure is the median of n
 * reads (a timer tick that lands inside one read makes it longer). Then,
 * informative only, the wall-clock time of sequential 1 MiB reads and
 * writes (BENCH-WALL lines: microseconds per MiB). Needs to run as init,
 * with a disk (scripts/bench.py attaches one). */
static void bench_blk(unsigned long n)
{
	int mgr = (int)lde_sys_dev_manager();
	int ep = ep_create();
	int client = ep_mint(ep, 1), svc;
	struct blk b;
	if (mgr < 0 || client < 0 || blk_service_start(mgr, ep, NULL, &svc) < 0 ||
	    blk_open(&b, client) < 0 || b.capacity < 2048 * 2) {
		printf("BENCH-FAIL blk: no disk (run as init, with DISK=)\n");
		return;
	}
	struct blk_stats st;
	if (blk_stats(&b, &st) < 0)
		return;
	int drv = (int)st.driver_pid;
	char *buf = page_buffer();
	for (int i = 0; i < 20; i++)
		blk_read(&b, (uint64_t)i * 4096, buf, 4096);
	/* Two paths, told apart by the driver's voluntary switches: mostly
	 * the device finishes after the driver has gone to sleep in recv
	 * (it blocks twice per read), but now and then, as fast as the host
	 * is, the interrupt is already there when it calls recv (once). The
	 * figure is the first path's; the second's is a note. */
	unsigned long *cost[2] = { malloc(n * sizeof(unsigned long)),
				   malloc(n * sizeof(unsigned long)) };
	unsigned long got[2] = { 0, 0 };
	unsigned long t_start = now_ticks();
	for (unsigned long i = 0; i < n; i++) {
		struct lde_procinfo p0, p1;
		procinfo(drv, &p0, 1);
		unsigned long idle = idle_now();
		unsigned long t = instret();
		blk_read(&b, (i % 64) * 4096, buf, 4096);
		unsigned long d = instret() - t;
		d -= idle_now() - idle;
		procinfo(drv, &p1, 1);
		int k = p1.vcsw - p0.vcsw >= 2 ? 0 : 1;
		cost[k][got[k]++] = d;
	}
	unsigned long dt = now_ticks() - t_start;
	for (int k = 0; k < 2; k++)
		qsort(cost[k], got[k], sizeof(unsigned long), cmp_ul);
	if (got[0])
		printf("BENCH blk_read_4k %lu %lu %lu\n", cost[0][got[0] / 2], n,
		       dt * (1000000000UL / TIMEBASE_HZ) / n);
	if (got[1])
		printf("BENCH-NOTE blk_read_4k with the interrupt there before the driver slept: %lu "
		       "(%lu of %lu reads)\n",
		       cost[1][got[1] / 2], got[1], n);
	free(cost[0]);
	free(cost[1]);
	/* Sequential MiBs, in libblk's largest requests. */
	char *mib = malloc(1 << 20);
	memset(mib, 0x6c, 1 << 20);
	const int rounds = 4;
	unsigned long t0 = now_ticks();
	for (int r = 0; r < rounds; r++)
		blk_write(&b, 0, mib, 1 << 20);
	unsigned long t1 = now_ticks();
	for (int r = 0; r < rounds; r++)
		blk_read(&b, 0, mib, 1 << 20);
	unsigned long t2 = now_ticks();
	printf("BENCH-WALL blk_write_1m %lu\n", (t1 - t0) / (TIMEBASE_HZ / 1000000UL) / rounds);
	printf("BENCH-WALL blk_read_1m %lu\n", (t2 - t1) / (TIMEBASE_HZ / 1000000UL) / rounds);
	free(mib);
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
	bench_blk(n ? n : 200);
	return 0;
}
