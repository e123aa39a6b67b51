/* The Sv39 page-table format: three levels of 512 eight-byte entries,
 * 4 KiB pages, 39-bit virtual addresses. Portable code in kernel/vm.c
 * builds address spaces from these primitives and the PTE_* names. */
#pragma once
#include "const.h"
#include <stdbool.h>
#include <stdint.h>

typedef uint64_t pte_t;
typedef pte_t *pagetable_t;	/* kernel virtual address of a root table */

#define PTE_V BIT(0)
#define PTE_R BIT(1)
#define PTE_W BIT(2)
#define PTE_X BIT(3)
#define PTE_U BIT(4)
#define PTE_G BIT(5)
#define PTE_A BIT(6)
#define PTE_D BIT(7)
#define PTE_COW BIT(8)	/* software bit: read-only because shared copy-on-write */
#define PTE_FLAGS_MASK 0x3ffUL
#define PTE_PPN_SHIFT 10

#define PT_ENTRIES 512
#define PT_LEVELS 3
#define VA_LEVEL_SHIFT(l) (12 + 9 * (l))
#define VA_INDEX(va, l) (((va) >> VA_LEVEL_SHIFT(l)) & (PT_ENTRIES - 1))
#define PT_USER_ENTRIES (PT_ENTRIES / 2)	/* root entries 0..255: lower half */

static inline bool pte_valid(pte_t p) { return p & PTE_V; }
static inline bool pte_leaf(pte_t p) { return p & (PTE_R | PTE_W | PTE_X); }
static inline uint64_t pte_pa(pte_t p) { return (p >> PTE_PPN_SHIFT) << 12; }
static inline uint64_t pte_flags(pte_t p) { return p & PTE_FLAGS_MASK; }
static inline pte_t pte_make(uint64_t pa, uint64_t flags)
{
	/* A and D preset: the kernel does not use them, and QEMU would
	 * otherwise fault to have them set. */
	return ((pa >> 12) << PTE_PPN_SHIFT) | flags | PTE_V | PTE_A | PTE_D;
}

/* Leaf entry for va at level 0, or NULL. With alloc, missing tables are
 * allocated (zeroed); NULL then means out of memory. */
pte_t *mmu_walk(pagetable_t root, uint64_t va, bool alloc);
/* How many levels of tables below the root exist for user address va: 0
 * (none), 1 (the level-1 table), 2 (the level-0 table too). */
int mmu_table_depth(pagetable_t root, uint64_t va);
/* Map [va, va+size) to [pa, ...) with 4 KiB pages. 0 or -ENOMEM. */
int mmu_map(pagetable_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags);
/* Map with 2 MiB megapages where alignment allows (kernel direct map). */
int mmu_map_large(pagetable_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags);
/* Call fn on every valid leaf in the user half within [start, end), skipping
 * empty subtrees. fn may change or clear the entry. Stops at the first
 * non-zero return of fn and returns it. */
int mmu_for_each_user_leaf(pagetable_t root, uint64_t start, uint64_t end,
			   int (*fn)(pte_t *pte, uint64_t va, void *arg), void *arg);
/* A new root whose upper half shares the kernel's tables. */
pagetable_t mmu_new_user_root(pagetable_t kernel_root);
/* Free the table pages that map only addresses inside [start, end) of the
 * user half, or that straddle its end and are now empty (never one that
 * also maps below start); the leaves inside the range must be gone. */
void mmu_free_tables_in(pagetable_t root, uint64_t start, uint64_t end);
/* An address space with no leaves left: free every table page that maps
 * any of the ranges r[0..n) (sorted, disjoint, within the user half),
 * straddling or not, however the ranges share tables, then the root. The
 * caller vouches that no table maps anything outside the ranges: the user
 * half's other 256-odd root entries are not looked at. */
struct va_range {
	uint64_t start, end;
};
void mmu_free_user_tables(pagetable_t root, const struct va_range *r, int n);
void mmu_activate(pagetable_t root);
uint64_t mmu_table_pages(pagetable_t root);
