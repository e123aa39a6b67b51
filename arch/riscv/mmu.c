/* Sv39 page tables (RISC-V privileged spec, "Sv39: Page-Based 39-bit
 * Virtual-Memory System"). Table pages come from the page allocator and are
 * reached through the direct map. */
#include "mmu.h"
#include "arch.h"
#include "csr.h"
#include "errno.h"
#include "hooks.h"
#include "kassert.h"
#include "palloc.h"

static pagetable_t table_of(pte_t pte) { return pa_to_kva(pte_pa(pte)); }

/* Inlined into the per-page operations below, which the page-fault path
 * calls: one call per fault, not two. */
static inline __attribute__((always_inline)) pte_t *walk(pagetable_t pt, uint64_t va, bool alloc)
{
	for (int level = PT_LEVELS - 1; level > 0; level--) {
		pte_t *pte = &pt[VA_INDEX(va, level)];
		if (pte_valid(*pte)) {
			if (pte_leaf(*pte))
				return NULL; /* a megapage: no 4 KiB entry */
			pt = table_of(*pte);
			continue;
		}
		if (!alloc)
			return NULL;
		pagetable_t next = palloc_zeroed();
		if (!next)
			return NULL;
		/* A non-leaf entry: V alone, no R/W/X, no A/D. */
		*pte = ((kva_to_pa(next) >> PGSHIFT) << PTE_PPN_SHIFT) | PTE_V;
		pt = next;
	}
	return &pt[VA_INDEX(va, 0)];
}

pte_t *mmu_walk(pagetable_t pt, uint64_t va, bool alloc) { return walk(pt, va, alloc); }

int mmu_table_depth(pagetable_t pt, uint64_t va)
{
	int depth = 0;
	for (int level = PT_LEVELS - 1; level > 0; level--, depth++) {
		pte_t pte = pt[VA_INDEX(va, level)];
		if (!pte_valid(pte) || pte_leaf(pte))
			break;
		pt = table_of(pte);
	}
	return depth;
}

_Static_assert(ARCH_TABLE_LEVELS == PT_LEVELS - 1 && ARCH_TABLE_SHIFT(0) == VA_LEVEL_SHIFT(1) &&
		       ARCH_TABLE_SHIFT(1) == VA_LEVEL_SHIFT(2),
	       "ARCH_TABLE_* describe the Sv39 tables");

int mmu_map(pagetable_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	for (uint64_t off = 0; off < size; off += PGSIZE) {
		pte_t *pte = mmu_walk(root, va + off, true);
		if (!pte)
			return -ENOMEM;
		*pte = pte_make(pa + off, flags);
	}
	return 0;
}

int mmu_map_large(pagetable_t root, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	uint64_t end = va + size;
	while (va < end) {
		if (va % MEGAPAGE_SIZE == 0 && pa % MEGAPAGE_SIZE == 0 &&
		    end - va >= MEGAPAGE_SIZE) {
			pte_t *l2 = &root[VA_INDEX(va, 2)];
			pagetable_t l1;
			if (!pte_valid(*l2)) {
				l1 = palloc_zeroed();
				if (!l1)
					return -ENOMEM;
				*l2 = ((kva_to_pa(l1) >> PGSHIFT) << PTE_PPN_SHIFT) | PTE_V;
			} else {
				l1 = table_of(*l2);
			}
			l1[VA_INDEX(va, 1)] = pte_make(pa, flags);
			va += MEGAPAGE_SIZE;
			pa += MEGAPAGE_SIZE;
			continue;
		}
		int err = mmu_map(root, va, pa, PGSIZE, flags);
		if (err)
			return err;
		va += PGSIZE;
		pa += PGSIZE;
	}
	return 0;
}

/* The kernel's permission bits are the entry's own, so they pass
 * through unchanged. */
_Static_assert(PERM_R == PTE_R && PERM_W == PTE_W && PERM_X == PTE_X && PERM_U == PTE_U &&
		       PERM_COW == PTE_COW && PERM_RAM == PTE_RAM,
	       "PERM_* are the Sv39 bits");
#define PERM_MASK (PERM_R | PERM_W | PERM_X | PERM_U | PERM_COW | PERM_RAM)

int mmu_map_page(pagetable_t root, uint64_t va, void *page, unsigned perm)
{
	pte_t *pte = walk(root, va, true);
	if (!pte)
		return -ENOMEM;
	if (pte_valid(*pte))
		return -EEXIST;
	*pte = pte_make(kva_to_pa(page), perm);
	return 0;
}

unsigned mmu_lookup(pagetable_t root, uint64_t va, void **page, struct mmu_entry **entry)
{
	pte_t *pte = walk(root, va, false);
	*entry = (struct mmu_entry *)pte;
	if (!pte || !pte_valid(*pte))
		return 0;
	*page = pa_to_kva(pte_pa(*pte));
	return pte_flags(*pte) & PERM_MASK;
}

struct mmu_entry *mmu_make_tables(pagetable_t root, uint64_t va)
{
	return (struct mmu_entry *)walk(root, va, true);
}

void mmu_fill(struct mmu_entry *entry, void *page, unsigned perm)
{
	*(pte_t *)entry = pte_make(kva_to_pa(page), perm);
}

/* mmu_translate (arch.h) spells the format out in numbers. */
_Static_assert(PTE_V == 1 && (PTE_R | PTE_W | PTE_X) == 0xe && PTE_FLAGS_MASK == 0x3ff &&
		       PTE_PPN_SHIFT == 10 && PT_LEVELS == 3 && VA_LEVEL_SHIFT(1) == 21 &&
		       VA_LEVEL_SHIFT(2) == 30 && PT_ENTRIES == 512,
	       "mmu_translate's Sv39");

void mmu_remap(struct mmu_entry *entry, uint64_t va, void *page, unsigned perm)
{
	*(pte_t *)entry = pte_make(kva_to_pa(page), perm);
	sfence_vma_addr(va);
}

/* The entries of a table at level whose span meets [start, end): only
 * those are visited, so a walk costs what is mapped, not 512 per table. */
static void index_range(int level, uint64_t base, uint64_t start, uint64_t end, int *first,
			int *last)
{
	int shift = VA_LEVEL_SHIFT(level);
	*first = start > base ? (int)((start - base) >> shift) : 0;
	uint64_t last_va = end - 1 - base;
	*last = (last_va >> shift) >= PT_ENTRIES ? PT_ENTRIES - 1 : (int)(last_va >> shift);
}

static int walk_level(pagetable_t pt, int level, uint64_t base, uint64_t start, uint64_t end,
		      int (*fn)(pte_t *, uint64_t, void *), void *arg)
{
	uint64_t span = 1UL << VA_LEVEL_SHIFT(level);
	int first, last;
	index_range(level, base, start, end, &first, &last);
	/* The leaves and the tables above them get loops of their own, so
	 * that a page costs no test of the level. */
	if (level == 0) {
		for (int i = first; i <= last; i++) {
			if (!pte_valid(pt[i]))
				continue;
			int r = fn(&pt[i], base + (uint64_t)i * PGSIZE, arg);
			if (r)
				return r;
		}
		return 0;
	}
	for (int i = first; i <= last; i++) {
		if (!pte_valid(pt[i]))
			continue;
		int r = walk_level(table_of(pt[i]), level - 1, base + (uint64_t)i * span, start,
				   end, fn, arg);
		if (r)
			return r;
		/* A leaf table done (up to 512 pages): the teardown or the fork
		 * of a big address space lets a waiting process have the CPU. */
		if (level == 1 && __builtin_expect(arch_timer_pending(), 0))
			sched_preempt_pending();
	}
	return 0;
}

/* Call fn on every valid leaf in the user half within [start, end), skipping
 * empty subtrees. fn may change or clear the entry. Stops at the first
 * non-zero return of fn and returns it. A preemption point after each leaf
 * table (sched_preempt_pending): the caller's state must be consistent
 * between any two calls of fn, and only the caller may change the tables
 * walked (they belong to the current process, or to an address space not
 * yet or no longer in use); the tables stay whole, fit to be active. */
static inline int for_each_user_leaf(pagetable_t root, uint64_t start, uint64_t end,
				     int (*fn)(pte_t *, uint64_t, void *), void *arg)
{
	if (end > USER_TOP)
		end = USER_TOP;
	if (start >= end)
		return 0;
	return walk_level(root, PT_LEVELS - 1, 0, start, end, fn, arg);
}

static int release_leaf(pte_t *pte, uint64_t va, void *arg)
{
	page_put(pa_to_kva(pte_pa(*pte)));
	*pte = 0;
	(*(uint64_t *)arg)--;
	return 0;
}

void mmu_unmap_range(pagetable_t root, uint64_t start, uint64_t end, uint64_t *pages)
{
	for_each_user_leaf(root, start, end, release_leaf, pages);
}

/* Device registers are not RAM: their entries are cleared, never put. */
static int release_or_clear_leaf(pte_t *pte, uint64_t va, void *arg)
{
	if (*pte & PTE_RAM)
		page_put(pa_to_kva(pte_pa(*pte)));
	*pte = 0;
	(*(uint64_t *)arg)--;
	return 0;
}

void mmu_unmap_window(pagetable_t root, uint64_t start, uint64_t end, uint64_t *pages)
{
	for_each_user_leaf(root, start, end, release_or_clear_leaf, pages);
}

struct phys_filter {
	uint64_t lo, hi;
	uint64_t *pages;
};

static int release_or_clear_if_in(pte_t *pte, uint64_t va, void *arg)
{
	struct phys_filter *f = arg;
	uint64_t pa = pte_pa(*pte);
	if (pa >= f->lo && pa < f->hi)
		release_or_clear_leaf(pte, va, f->pages);
	return 0;
}

void mmu_unmap_window_phys(pagetable_t root, uint64_t start, uint64_t end, uint64_t pa,
			   uint64_t size, uint64_t *pages)
{
	struct phys_filter f = { pa, pa + size, pages };
	for_each_user_leaf(root, start, end, release_or_clear_if_in, &f);
}

int mmu_map_device_page(pagetable_t root, uint64_t va, uint64_t pa, unsigned perm)
{
	pte_t *pte = walk(root, va, true);
	if (!pte)
		return -ENOMEM;
	if (pte_valid(*pte))
		return -EEXIST;
	*pte = pte_make_dev(pa, perm);
	return 0;
}

struct share {
	pagetable_t dst;
	uint64_t *shared;
};

/* A writable page becomes read-only and copy-on-write in both tables;
 * read-only pages (text, rodata) are simply shared. */
static int share_leaf(pte_t *pte, uint64_t va, void *arg)
{
	struct share *sh = arg;
	pte_t *d = mmu_walk(sh->dst, va, true);
	if (!d)
		return -ENOMEM;
	if (*pte & PTE_W)
		*pte = (*pte & ~PTE_W) | PTE_COW;
	*d = *pte;
	page_get(pa_to_kva(pte_pa(*pte)));
	(*sh->shared)++;
	return 0;
}

int mmu_share_cow(pagetable_t dst, pagetable_t src, uint64_t start, uint64_t end, uint64_t *shared)
{
	struct share sh = { dst, shared };
	return for_each_user_leaf(src, start, end, share_leaf, &sh);
}

/* The kernel half's root entries never change after boot (kvm.c): the
 * indices of the valid ones are collected once. */
static uint16_t kernel_entries[PT_USER_ENTRIES];
static int nkernel_entries = -1;

pagetable_t mmu_new_user_root(void)
{
	pagetable_t kernel_root = kernel_pagetable;
	pagetable_t root = palloc_zeroed();
	if (!root)
		return NULL;
	if (nkernel_entries < 0) {
		nkernel_entries = 0;
		for (int i = PT_USER_ENTRIES; i < PT_ENTRIES; i++)
			if (pte_valid(kernel_root[i]))
				kernel_entries[nkernel_entries++] = (uint16_t)i;
	}
	for (int k = 0; k < nkernel_entries; k++)
		root[kernel_entries[k]] = kernel_root[kernel_entries[k]];
	return root;
}

static void free_level(pagetable_t pt, int level, int nentries)
{
	for (int i = 0; level > 0 && i < nentries; i++)
		if (pte_valid(pt[i]) && !pte_leaf(pt[i]))
			free_level(table_of(pt[i]), level - 1, PT_ENTRIES);
	page_put(pt);
}

static bool table_empty(pagetable_t pt)
{
	for (int i = 0; i < PT_ENTRIES; i++)
		if (pte_valid(pt[i]))
			return false;
	return true;
}

/* Free the tables below pt (a table at level covering base...) that map
 * only addresses inside [start, end), and those straddling its end that
 * are left empty; the leaves inside the range must be gone already. */
static void free_tables_in(pagetable_t pt, int level, uint64_t base, uint64_t start, uint64_t end)
{
	uint64_t span = 1UL << VA_LEVEL_SHIFT(level);
	int first, last;
	index_range(level, base, start, end, &first, &last);
	for (int i = first; i <= last; i++) {
		uint64_t va = base + (uint64_t)i * span;
		if (!pte_valid(pt[i]) || pte_leaf(pt[i]))
			continue;
		pagetable_t child = table_of(pt[i]);
		if (va >= start && va + span <= end) {
			free_level(child, level - 1, PT_ENTRIES);
		} else {
			/* Straddles the range: what it maps inside goes first; the
			 * table itself only if nothing is left outside, and never
			 * one that also spans addresses below start (the heap
			 * below a shrunken break still needs it, vm.c). */
			if (level > 1)
				free_tables_in(child, level - 1, va, start, end);
			if (va < start || !table_empty(child))
				continue;
			page_put(child);
		}
		pt[i] = 0;
	}
}

void mmu_free_tables_in(pagetable_t root, uint64_t start, uint64_t end)
{
	if (end > USER_TOP)
		end = USER_TOP;
	if (start >= end)
		return;
	free_tables_in(root, PT_LEVELS - 1, 0, start, end);
}

/* Every table below pt (at level, covering base...) that meets one of the
 * sorted, disjoint ranges r[0..n), and pt's entries for them. A table that
 * two ranges share is entered once, with both, and freed after both were
 * visited: freeing it after the first alone would lose what it holds for
 * the second. */
static void free_tables_all(pagetable_t pt, int level, uint64_t base, const struct va_range *r,
			    int n)
{
	uint64_t span = 1UL << VA_LEVEL_SHIFT(level);
	uint64_t top = base + span * PT_ENTRIES;
	int next = 0; /* entries below next were visited for an earlier range */
	for (int k = 0; k < n; k++) {
		if (r[k].start >= r[k].end || r[k].end <= base || r[k].start >= top)
			continue;
		int first, last;
		index_range(level, base, r[k].start, r[k].end, &first, &last);
		for (int i = first > next ? first : next; i <= last; i++) {
			if (!pte_valid(pt[i]) || pte_leaf(pt[i]))
				continue;
			pagetable_t child = table_of(pt[i]);
			if (level > 1)
				free_tables_all(child, level - 1, base + (uint64_t)i * span, r, n);
			page_put(child);
			pt[i] = 0;
		}
		next = last + 1;
	}
}

void mmu_free_user_tables(pagetable_t root, const struct va_range *r, int n)
{
	free_tables_all(root, PT_LEVELS - 1, 0, r, n);
	page_put(root);
}

static uint64_t count_level(pagetable_t pt, int level, int nentries)
{
	uint64_t n = 1;
	for (int i = 0; level > 0 && i < nentries; i++)
		if (pte_valid(pt[i]) && !pte_leaf(pt[i]))
			n += count_level(table_of(pt[i]), level - 1, PT_ENTRIES);
	return n;
}

/* Table pages of the user half, the root included. */
uint64_t mmu_table_pages(pagetable_t root)
{
	return count_level(root, PT_LEVELS - 1, PT_USER_ENTRIES);
}

void mmu_activate(pagetable_t root)
{
	csr_write(satp, SATP_MODE_SV39 | (kva_to_pa(root) >> PGSHIFT));
	sfence_vma_all();
}
