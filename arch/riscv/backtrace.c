/* Frame-pointer backtrace. The kernel is built with -fno-omit-frame-pointer;
 * in the RISC-V GCC frame layout, fp (s0) points just above the frame, the
 * return address is at fp - 8 and the caller's fp at fp - 16.
 *
 * Only frame pointers inside the stack the walk started on are followed:
 * at the bottom of a trap the chain holds whatever the user left in s0,
 * and the walk must stop there rather than read it. */
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

extern char __boot_stack_bottom[], __boot_stack_top[];

/* The top of the kernel stack holding address a: a process slot's stack
 * or the boot stack. 0 if a is on neither. */
static uint64_t stack_top_of(uint64_t a)
{
	if (a >= (uint64_t)__boot_stack_bottom && a <= (uint64_t)__boot_stack_top)
		return (uint64_t)__boot_stack_top;
	if (a < KSTACK_REGION)
		return 0;
	uint64_t slot_base = a - (a - KSTACK_REGION) % KSTACK_SLOT_SIZE;
	if (a < slot_base + PGSIZE) /* the guard page */
		return 0;
	return slot_base + KSTACK_SLOT_SIZE;
}

void arch_backtrace(uint64_t fp)
{
	kprintf("backtrace:\n");
	uint64_t top = stack_top_of(fp);
	for (int depth = 0; depth < BACKTRACE_MAX; depth++) {
		/* fp - 16 .. fp - 1 must lie within the same stack. */
		if (!top || fp % 8 || fp > top || stack_top_of(fp - 16) != top)
			break;
		uint64_t ra = ((uint64_t *)fp)[-1];
		uint64_t prev = ((uint64_t *)fp)[-2];
		if (ra < KERNEL_OFFSET)
			break;
		print_frame(ra - 4); /* the call, not the return point */
		if (prev <= fp)
			break;
		fp = prev;
	}
}
