/* Frame-pointer backtrace. The kernel is built with -fno-omit-frame-pointer;
 * in the RISC-V GCC frame layout, fp (s0) points just above the frame, the
 * return address is at fp - 8 and the caller's fp at fp - 16. */
#include "arch.h"
#include "console.h"
#include "ksyms.h"

#define BACKTRACE_MAX 32

static void print_frame(uint64_t pc)
{
	uint64_t off = 0;
	const char *name = ksym_lookup(pc, &off);
	if (name)
		kprintf("  [<%016lx>] %s+0x%lx\n", pc, name, off);
	else
		kprintf("  [<%016lx>] ?\n", pc);
}

void arch_backtrace(uint64_t fp)
{
	kprintf("backtrace:\n");
	for (int depth = 0; depth < BACKTRACE_MAX; depth++) {
		/* Only follow frame pointers that point into kernel memory. */
		if (fp < KERNEL_OFFSET || fp % 8 || fp - 16 < KERNEL_OFFSET)
			break;
		uint64_t ra = ((uint64_t *)fp)[-1];
		uint64_t prev = ((uint64_t *)fp)[-2];
		if (ra < KERNEL_OFFSET)
			break;
		print_frame(ra - 4);	/* the call, not the return point */
		if (prev <= fp)
			break;
		fp = prev;
	}
}
