/* Virtual and physical layout. Shared by C and assembly.
 *
 *   0x0000000000000000  page 0, never mapped (NULL faults)
 *   0x0000000000001000  user text, rodata, data, bss, then the heap (sbrk)
 *   ...                 unmapped guard page, then the user stack growing
 *   0x0000004000000000  down from USER_TOP (the end of Sv39's lower half)
 *
 *   0xffffffc000000000  KERNEL_OFFSET: every physical address pa is mapped
 *                       at pa + KERNEL_OFFSET (RAM, the kernel image with
 *                       per-section permissions, and the devices)
 *   0xffffffd000000000  KSTACK_REGION: one kernel stack per process slot,
 *                       each with an unmapped guard page below it
 *
 * The upper half is identical (same page-table pages) in every address
 * space, so a trap never switches satp. */
#pragma once
#include "const.h"

#define PGSHIFT 12
#define PGSIZE (1 << PGSHIFT)
#define MEGAPAGE_SIZE (1 << 21)


#define KERNEL_OFFSET _UL(0xffffffc000000000)
#define KERNEL_LOAD_PA 0x80200000	/* where OpenSBI's fw_jump/fw_dynamic enter */
#define KERNEL_VA (KERNEL_OFFSET + KERNEL_LOAD_PA)

#define KSTACK_REGION _UL(0xffffffd000000000)
#define KSTACK_PAGES 4
#define KSTACK_SIZE (KSTACK_PAGES * PGSIZE)
#define KSTACK_SLOT_SIZE (KSTACK_SIZE + PGSIZE)	/* guard page + stack */

#define BOOT_STACK_SIZE (4 * PGSIZE)
#define TRAP_STACK_SIZE (2 * PGSIZE)	/* S-mode traps' own stack (linker.ld) */

#define USER_BASE _UL(0x1000)	/* lowest user address: page 0 stays unmapped */
#define USER_TOP _UL(0x4000000000)	/* first address above user space */
#define USER_STACK_MAX (_UL(1) << 20)	/* the stack may grow to 1 MiB */
#define USER_STACK_BOTTOM (USER_TOP - USER_STACK_MAX)
/* The page below USER_STACK_BOTTOM is never mapped: the heap may not grow
 * into it, so running off the stack always faults. */
#define USER_HEAP_LIMIT (USER_STACK_BOTTOM - PGSIZE)
