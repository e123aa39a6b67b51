/* The user address space, as user programs see it (shared with user/ and
 * with assembly). Every process has the same layout:
 *
 *   0x0000000000000000  page 0, never mapped (NULL faults)
 *   USER_BASE           text, rodata, data, bss, then the heap (sbrk) up
 *                       to at most USER_HEAP_LIMIT
 *   USER_HEAP_LIMIT     an unmapped guard page, then
 *   USER_DEV_BASE       the device window (docs/drivers.md): a driver's
 *                       device registers, then its DMA pages; an unmapped
 *                       guard page, then the stack, growing
 *   USER_STACK_BOTTOM   down on demand from USER_TOP
 *   USER_TOP            the end of user space (Sv39's lower half); above
 *                       it everything belongs to the kernel and faults
 */
#pragma once

#ifdef __ASSEMBLER__
#define LDE_UL(x) x
#else
#define LDE_UL(x) x##UL
#endif

#define PGSHIFT 12
#define PGSIZE (1 << PGSHIFT)
#define PAGE_DOWN(a) ((a) & ~(LDE_UL(1) * PGSIZE - 1))
#define PAGE_UP(a) PAGE_DOWN((a) + PGSIZE - 1)

#define USER_BASE LDE_UL(0x1000)	 /* lowest user address: page 0 stays unmapped */
#define USER_TOP LDE_UL(0x4000000000)	 /* first address above user space */
#define USER_STACK_MAX (LDE_UL(1) << 20) /* the stack may grow to 1 MiB */
#define USER_STACK_BOTTOM (USER_TOP - USER_STACK_MAX)
/* The device window, 512 KiB just below the stack's guard page: registers
 * from USER_DEV_BASE, DMA pages from USER_DEV_DMA. It lies in the span of
 * the stack's level-0 table, so a driver pays no table of its own for it,
 * and the heap can still reach that table (t_hiheap). The page below
 * USER_STACK_BOTTOM is never mapped, so running off the stack always
 * faults; nor is the one below the window: the heap may not grow into it. */
#define USER_DEV_SIZE (LDE_UL(1) << 19)
#define USER_DEV_BASE (USER_STACK_BOTTOM - PGSIZE - USER_DEV_SIZE)
#define USER_DEV_DMA (USER_DEV_BASE + USER_DEV_SIZE / 2)
#define USER_HEAP_LIMIT (USER_DEV_BASE - PGSIZE)
