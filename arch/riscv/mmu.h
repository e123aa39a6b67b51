/* The Sv39 page-table format: three levels of 512 eight-byte entries,
 * 4 KiB pages, 39-bit virtual addresses. Private to arch/riscv: kernel/
 * uses the vocabulary of arch.h (mmu_map_page, mmu_share_cow, ...), which
 * mmu.c builds from these. */
#pragma once
#include "arch.h"
#include "const.h"

typedef uint64_t pte_t; /* pagetable_t (arch.h) points at 512 of them */

#define PTE_V BIT(0)
#define PTE_R BIT(1)
#define PTE_W BIT(2)
#define PTE_X BIT(3)
#define PTE_U BIT(4)
#define PTE_G BIT(5)
#define PTE_A BIT(6)
#define PTE_D BIT(7)
#define PTE_COW BIT(8) /* software bit: read-only because shared copy-on-write */
#define PTE_RAM BIT(9) /* software bit: RAM, i.e. every mapping but a device's registers */
#define PTE_FLAGS_MASK 0x3ffUL
#define PTE_PPN_SHIFT 10

#define PT_ENTRIES 512
#define PT_LEVELS 3
#define VA_LEVEL_SHIFT(l) (PGSHIFT + 9 * (l))
#define VA_INDEX(va, l) (((va) >> VA_LEVEL_SHIFT(l)) & (PT_ENTRIES - 1))
#define PT_USER_ENTRIES (PT_ENTRIES / 2) /* root entries 0..255: lower half */

static inline bool pte_valid(pte_t p) { return p & PTE_V; }
static inline bool pte_leaf(pte_t p) { return p & (PTE_R | PTE_W | PTE_X); }
static inline uint64_t pte_pa(pte_t p) { return (p >> PTE_PPN_SHIFT) << PGSHIFT; }
static inline uint64_t pte_flags(pte_t p) { return p & PTE_FLAGS_MASK; }
static inline pte_t pte_make(uint64_t pa, uint64_t flags)
{
	/* A and D preset: the kernel does not use them, and QEMU would
	 * otherwise fault to have them set. */
	return ((pa >> PGSHIFT) << PTE_PPN_SHIFT) | flags | PTE_V | PTE_A | PTE_D | PTE_RAM;
}
/* Device registers: no PTE_RAM, so that a check for the permissions the
 * kernel needs to touch a page (mmu_translate) fails on them at no cost. */
static inline pte_t pte_make_dev(uint64_t pa, uint64_t flags)
{
	return ((pa >> PGSHIFT) << PTE_PPN_SHIFT) | flags | PTE_V | PTE_A | PTE_D;
}

/* Leaf entry for va at level 0, or NULL. With alloc, missing tables are
 * allocated (zeroed); NULL then means out of memory. */
pte_t *mmu_walk(pagetable_t root, uint64_t va, bool alloc);
/* Map [va, va+size) to [pa, ...) with 4 KiB pages. 0 or -ENOMEM. */
int mmu_map(pagetable_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags);
/* Map with 2 MiB megapages where alignment allows (kernel direct map). */
int mmu_map_large(pagetable_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags);
extern pagetable_t kernel_pagetable;
void arch_vm_init(uint64_t ram_start, uint64_t ram_end);
/* Map [pa, pa+size) of device registers into the direct map. */
void kvm_map_device(uint64_t pa, uint64_t size);
