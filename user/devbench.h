/* What the two disk benchmarks (blkbench, fsbench) share: the counters
 * they read and the median they report. Each operation is measured with
 * instret, minus what the kernel counted as idle meanwhile (meminfo's
 * idle_instret: the guest waiting for QEMU's disk, which is no work of
 * lde's; docs/performance.md, "The disk read"). */
#pragma once
#include "lde.h"

static inline unsigned long instret(void)
{
	unsigned long v;
	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static inline unsigned long now_ticks(void)
{
	unsigned long v;
	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

static inline unsigned long idle_now(void)
{
	struct lde_meminfo mi;
	meminfo(&mi);
	return mi.idle_instret;
}

/* For qsort, before taking a median. */
static inline int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return x < y ? -1 : x > y;
}
