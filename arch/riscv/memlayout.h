/* Virtual and physical layout of the kernel half. Shared by C and
 * assembly; private to arch/riscv. The user half (USER_BASE .. USER_TOP)
 * is part of the user API: kernel/uapi_layout.h.
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
#include "uapi_layout.h"

#define MEGAPAGE_SIZE (1 << 21)

#define KERNEL_OFFSET _UL(0xffffffc000000000)
#define KERNEL_LOAD_PA 0x80200000 /* where OpenSBI's fw_jump/fw_dynamic enter */
#define KERNEL_VA (KERNEL_OFFSET + KERNEL_LOAD_PA)

#define KSTACK_REGION _UL(0xffffffd000000000)
#define KSTACK_PAGES 4
#define KSTACK_SIZE (KSTACK_PAGES * PGSIZE)
#define KSTACK_SLOT_SIZE (KSTACK_SIZE + PGSIZE) /* guard page + stack */

#define BOOT_STACK_SIZE (4 * PGSIZE)
#define TRAP_STACK_SIZE (2 * PGSIZE) /* S-mode traps' own stack (linker.ld) */

/* entry.S's boot page table maps the first BOOT_MAP_SIZE bytes of RAM,
 * from BOOT_RAM_PA, with gigapages; until the kernel's own page table is
 * built (arch_setup), RAM above that cannot be touched. */
#define BOOT_RAM_PA _UL(0x80000000)
#define BOOT_MAP_SIZE (_UL(4) << 30)
