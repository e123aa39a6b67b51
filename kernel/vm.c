/* User address spaces: creation, fork, teardown, demand paging of the heap
 * and stack, sbrk, and checked copies between kernel and user memory. */
#include "vm.h"
#include "errno.h"
#include "kassert.h"
#include "kstring.h"
#include "palloc.h"

/* What a level-0 table, the one holding pages' entries, maps: the smallest
 * span a table covers. */
#define SPAN0 ARCH_TABLE_SPAN(0)

int vm_create(struct mm *mm)
{
	mm->pt = mmu_new_user_root();
	mm->heap_start = mm->brk = 0;
	mm->stack_low = USER_TOP;
	mm->pages = 0;
	mm->promised = mm->promised_tables = 0;
	return mm->pt ? 0 : -ENOMEM;
}

/* The heap's promise. Heap pages arrive on first touch, but sbrk promises
 * them: it reserves (palloc_reserve) one page for every heap page not yet
 * mapped and one for every page table they could still need, so the sum
 * of all promises never exceeds the memory there is, and a first touch of
 * the heap always finds its pages. Invariants:
 *   promised == heap pages not mapped (exact);
 *   promised_tables >= tables missing for the spans the heap meets, at
 *   every level (more only when the stack allocated a table the heap
 *   shares).
 * The stack (1 MiB at most) is not promised: its pages come from what is
 * not promised, like copy-on-write copies and the kernel's own pages. */

/* Tables missing for the spans [lo, hi) meets: at each level, one per
 * span of that level's size (ARCH_TABLE_SPAN) whose table is not there. */
static uint64_t tables_missing(struct mm *mm, uint64_t lo, uint64_t hi)
{
	uint64_t n = 0;
	for (uint64_t va = lo & ~(SPAN0 - 1); va < hi;) {
		int missing = ARCH_TABLE_LEVELS - mmu_table_depth(mm->pt, va);
		if (!missing) {
			va += SPAN0;
			continue;
		}
		/* Levels 0..missing-1 are missing for va: so is every table of
		 * those levels below the highest missing one's span. */
		uint64_t span_end = (va | (ARCH_TABLE_SPAN(missing - 1) - 1)) + 1;
		uint64_t end = span_end < hi ? span_end : hi;
		for (int l = 0; l < missing; l++)
			n += ((end - 1) >> ARCH_TABLE_SHIFT(l)) - (va >> ARCH_TABLE_SHIFT(l)) + 1;
		va = span_end;
	}
	return n;
}

/* Of the tables missing for [lo, ...), those the heap below lo shares
 * (the spans lo falls inside, not at their start): promised already. */
static uint64_t shared_missing(struct mm *mm, uint64_t lo)
{
	if (lo <= mm->heap_start)
		return 0;
	int missing = ARCH_TABLE_LEVELS - mmu_table_depth(mm->pt, lo);
	uint64_t n = 0;
	for (int l = 0; l < missing; l++)
		n += (lo & (ARCH_TABLE_SPAN(l) - 1)) != 0;
	return n;
}

/* A heap page's first touch: the page, and the tables it lacks, come out
 * of the promise (which, by the invariants, holds them). entry: the empty
 * place of its mapping if va's tables exist (the common case), else NULL
 * (mmu_lookup). */
static int heap_fault(struct mm *mm, struct mmu_entry *entry, uint64_t va)
{
	uint64_t tables = entry ? 0 : (uint64_t)(ARCH_TABLE_LEVELS - mmu_table_depth(mm->pt, va));
	KASSERT(mm->promised > 0 && tables <= mm->promised_tables);
	palloc_unreserve(1 + tables);
	mm->promised--;
	mm->promised_tables -= tables;
	if (!entry)
		entry = mmu_make_tables(mm->pt, va);
	void *page = palloc_zeroed();
	KASSERT(entry && page); /* they were set aside */
	mmu_fill(entry, page, PERM_R | PERM_W | PERM_U);
	mm->pages++;
	return 0;
}

/* Everything a process can have mapped lies in two ranges: the image and
 * heap, and the stack (and, for a driver, the device window). Walking
 * only those keeps fork and exit cheap. */
void vm_unmap_all(struct mm *mm)
{
	mmu_unmap_range(mm->pt, 0, PAGE_UP(mm->brk), &mm->pages);
	mmu_unmap_range(mm->pt, mm->stack_low, USER_TOP, &mm->pages);
	/* What is left is a driver's device window: found by the test this
	 * function makes anyway, so every other process pays nothing for it.
	 * Its DMA pages lose the mapping's reference (the device object keeps
	 * its own); its registers are not RAM and are only cleared. */
	if (__builtin_expect(mm->pages != 0, 0)) {
		mmu_unmap_window(mm->pt, USER_DEV_BASE, USER_DEV_BASE + USER_DEV_SIZE, &mm->pages);
		KASSERT(mm->pages == 0);
	}
}

/* The window's tables are the stack's: vm_destroy frees them with the
 * stack's range, which a process that can map anything (it runs, so it has
 * a stack) always has. */
_Static_assert(USER_DEV_BASE / SPAN0 == (USER_TOP - 1) / SPAN0,
	       "the device window is in the stack's level-0 table");

void vm_destroy(struct mm *mm)
{
	if (!mm->pt)
		return;
	/* mm->pages counts every page mapped (the KASSERT above): none left
	 * after vm_unmap_all, and then no walk either. */
	if (mm->pages)
		vm_unmap_all(mm);
	if (mm->promised + mm->promised_tables) {
		palloc_unreserve(mm->promised + mm->promised_tables);
		mm->promised = mm->promised_tables = 0;
	}
	/* Tables exist only where pages were mapped, or were tried: the same
	 * two ranges (sbrk frees those above a shrunken break that map nothing
	 * else). Freeing within them is much cheaper than a full sweep. */
	struct va_range r[] = { { 0, PAGE_UP(mm->brk) }, { mm->stack_low, USER_TOP } };
	mmu_free_user_tables(mm->pt, r, 2);
	mm->pt = NULL;
}

/* fork shares every page instead of copying it. A writable page becomes
 * read-only and copy-on-write in both address spaces; the first store to it
 * (vm_fault) gives the writer a copy, or the page itself if nobody else
 * holds it any more. Read-only pages (text, rodata) are simply shared. */
int vm_fork(struct mm *dst, struct mm *src)
{
	int err = vm_create(dst);
	if (err)
		return err;
	dst->heap_start = src->heap_start;
	dst->brk = src->brk;
	dst->stack_low = src->stack_low;
	err = mmu_share_cow(dst->pt, src->pt, 0, PAGE_UP(src->brk), &dst->pages);
	if (!err)
		err = mmu_share_cow(dst->pt, src->pt, src->stack_low, USER_TOP, &dst->pages);
	/* The parent's writable pages just became read-only. Even on failure
	 * some may have (they stay copy-on-write, which is harmless). */
	arch_tlb_flush_all();
	if (!err) {
		/* The child's heap is promised too: the same unmapped pages, and
		 * the tables its own address space lacks for them. */
		uint64_t tables = tables_missing(dst, dst->heap_start, PAGE_UP(dst->brk));
		if (src->promised + tables == 0 || palloc_reserve(src->promised + tables)) {
			dst->promised = src->promised;
			dst->promised_tables = tables;
		} else {
			err = -ENOMEM;
		}
	}
	if (err)
		vm_destroy(dst);
	return err;
}

/* A store to a copy-on-write page. */
static int cow_break(struct mmu_entry *entry, uint64_t va, void *old, unsigned perm)
{
	perm = (perm & ~PERM_COW) | PERM_W;
	if (page_refcount(old) > 1) {
		void *copy = palloc();
		if (!copy)
			return -ENOMEM;
		memcpy_bulk(copy, old, PGSIZE);
		page_put(old);
		mmu_remap(entry, va, copy, perm);
	} else {
		mmu_remap(entry, va, old, perm);
	}
	return 0;
}

int vm_map_anon(struct mm *mm, uint64_t va, uint64_t len, unsigned perm)
{
	for (uint64_t a = PAGE_DOWN(va); a < va + len; a += PGSIZE) {
		void *page = palloc_zeroed();
		if (!page)
			return -ENOMEM;
		int err = mmu_map_page(mm->pt, a, page, perm | PERM_U);
		if (err) {
			page_put(page);
			if (err == -EEXIST)
				continue;
			return err;
		}
		mm->pages++;
	}
	return 0;
}

/* The lowest address in [lo, hi) where npages pages are unmapped, or 0. */
static uint64_t window_free(struct mm *mm, uint64_t lo, uint64_t hi, uint64_t npages)
{
	uint64_t run = 0;
	for (uint64_t va = lo; va < hi; va += PGSIZE) {
		void *page;
		struct mmu_entry *entry;
		run = mmu_lookup(mm->pt, va, &page, &entry) ? 0 : run + 1;
		if (run == npages)
			return va + PGSIZE - npages * PGSIZE;
	}
	return 0;
}

long vm_map_device(struct mm *mm, uint64_t pa, uint64_t size)
{
	KASSERT(mm->stack_low < USER_TOP); /* see the _Static_assert above */
	uint64_t va = size ? window_free(mm, USER_DEV_BASE, USER_DEV_DMA, size / PGSIZE) : 0;
	if (!va)
		return -ENOMEM;
	for (uint64_t off = 0; off < size; off += PGSIZE) {
		int err = mmu_map_device_page(mm->pt, va + off, pa + off, PERM_R | PERM_W | PERM_U);
		if (err)
			return err; /* the pages mapped so far stay, counted */
		mm->pages++;
	}
	return (long)va;
}

long vm_map_dma(struct mm *mm, void *pages, uint64_t n)
{
	KASSERT(mm->stack_low < USER_TOP);
	uint64_t va = n ? window_free(mm, USER_DEV_DMA, USER_DEV_BASE + USER_DEV_SIZE, n) : 0;
	if (!va)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		void *page = (char *)pages + i * PGSIZE;
		int err = mmu_map_page(mm->pt, va + i * PGSIZE, page, PERM_R | PERM_W | PERM_U);
		if (err)
			return err; /* the pages mapped so far stay, counted */
		page_get(page);
		mm->pages++;
	}
	return (long)va;
}

void vm_unmap_phys(struct mm *mm, uint64_t pa, uint64_t size)
{
	if (mm->pt && mm->pages)
		mmu_unmap_window_phys(mm->pt, USER_DEV_BASE, USER_DEV_BASE + USER_DEV_SIZE, pa,
				      size, &mm->pages);
}

static bool demand_paged(struct mm *mm, uint64_t va)
{
	return (va >= mm->heap_start && va < mm->brk) || (va >= USER_STACK_BOTTOM && va < USER_TOP);
}

/* The permissions a user access needs, for the kernel to make it or to
 * call it resolved: RAM too, never device registers. */
static unsigned perm_for(enum vm_access access)
{
	switch (access) {
	case VM_READ: return PERM_RAM | PERM_U | PERM_R;
	case VM_WRITE: return PERM_RAM | PERM_U | PERM_W;
	case VM_EXEC: return PERM_RAM | PERM_U | PERM_X;
	}
	return PERM_RAM | PERM_U | PERM_R | PERM_W | PERM_X;
}

int vm_fault(struct mm *mm, uint64_t va, enum vm_access access)
{
	if (va >= USER_TOP)
		return -EFAULT;
	void *page;
	struct mmu_entry *entry;
	unsigned perm = mmu_lookup(mm->pt, va, &page, &entry);
	if (perm) {
		if (access == VM_WRITE && (perm & (PERM_COW | PERM_U)) == (PERM_COW | PERM_U))
			return cow_break(entry, va, page, perm);
		/* Device registers (no PERM_RAM) are refused: the user's own
		 * accesses never fault for want of a page; the kernel's must not
		 * happen (vm_user_ptr). */
		return (perm & perm_for(access)) == perm_for(access) ? 0 : -EFAULT;
	}
	if (access == VM_EXEC || !demand_paged(mm, va))
		return -EFAULT;
	if (va < mm->brk)
		return heap_fault(mm, entry, PAGE_DOWN(va));
	/* stack_low moves before the attempt: a table allocated for a page
	 * that then could not be had must still be found by vm_destroy. */
	if (PAGE_DOWN(va) < mm->stack_low)
		mm->stack_low = PAGE_DOWN(va);
	return vm_map_anon(mm, PAGE_DOWN(va), PGSIZE, PERM_R | PERM_W);
}

void *vm_user_ptr(struct mm *mm, uint64_t va, enum vm_access access, int *err)
{
	if (va >= USER_TOP) {
		*err = -EFAULT;
		return NULL;
	}
	void *p = mmu_translate(mm->pt, va, perm_for(access));
	if (!p) {
		*err = vm_fault(mm, va, access);
		if (*err)
			return NULL;
		p = mmu_translate(mm->pt, va, perm_for(access));
	}
	return p;
}

/* Copy n bytes between kernel memory and user address uaddr, a page at a
 * time, each page checked (and paged in) for the access: VM_READ copies
 * from user memory into kbuf, VM_WRITE from kbuf into user memory. */
static int copy_user(struct mm *mm, char *kbuf, uint64_t uaddr, size_t n, enum vm_access access)
{
	while (n) {
		int err;
		char *u = vm_user_ptr(mm, uaddr, access, &err);
		if (!u)
			return err;
		size_t chunk = PGSIZE - (uaddr & (PGSIZE - 1));
		if (chunk > n)
			chunk = n;
		if (access == VM_WRITE)
			memcpy(u, kbuf, chunk);
		else
			memcpy(kbuf, u, chunk);
		kbuf += chunk, uaddr += chunk, n -= chunk;
	}
	return 0;
}

int copyin(struct mm *mm, void *dst, uint64_t usrc, size_t n)
{
	return copy_user(mm, dst, usrc, n, VM_READ);
}

int copyout(struct mm *mm, uint64_t udst, const void *src, size_t n)
{
	return copy_user(mm, (char *)src, udst, n, VM_WRITE); /* only read from */
}

/* copyinstr from its len'th byte on, a page at a time. */
static __attribute__((noinline)) long copyinstr_from(struct mm *mm, char *dst, uint64_t usrc,
						     size_t max, size_t len)
{
	while (len < max) {
		int err;
		const char *s = vm_user_ptr(mm, usrc + len, VM_READ, &err);
		if (!s)
			return err;
		size_t chunk = PGSIZE - ((usrc + len) & (PGSIZE - 1));
		if (chunk > max - len)
			chunk = max - len;
		size_t n = strcpy_max(dst + len, s, chunk);
		if (n < chunk)
			return (long)(len + n);
		len += chunk;
	}
	return -ENAMETOOLONG;
}

long copyinstr(struct mm *mm, char *dst, uint64_t usrc, size_t max)
{
	/* Paths come here for every file call: the usual string, in one
	 * mapped page, without vm_user_ptr's call or a loop. */
	const char *s = usrc < USER_TOP ? mmu_translate(mm->pt, usrc, perm_for(VM_READ)) : NULL;
	if (!s || !max)
		return copyinstr_from(mm, dst, usrc, max, 0);
	size_t chunk = PGSIZE - (usrc & (PGSIZE - 1));
	if (chunk > max)
		chunk = max;
	size_t n = strcpy_max(dst, s, chunk);
	return n < chunk ? (long)n : copyinstr_from(mm, dst, usrc, max, chunk);
}

/* Does what lies below a (the heap [heap_start, a), or else the image's
 * last page, which is never unmapped) end in the level-0 table's span,
 * hence in every larger one, that holds b - 1? Then moving the break
 * between a and b enters or leaves no span, and needs no table walk: its
 * tables are there, or promised. */
static bool same_span(struct mm *mm, uint64_t a, uint64_t b)
{
	return (a > mm->heap_start || (a & (SPAN0 - 1))) && (a - 1) / SPAN0 == (b - 1) / SPAN0;
}

long vm_sbrk(struct mm *mm, long incr)
{
	uint64_t old = mm->brk;
	uint64_t new = old + (uint64_t)incr;
	if (incr < 0 ? new > old || new < mm->heap_start : new < old || new > USER_HEAP_LIMIT)
		return incr < 0 ? -EINVAL : -ENOMEM;
	uint64_t lo = PAGE_UP(old), hi = PAGE_UP(new);
	if (hi > lo) {
		/* Promise every new page and every table it could need; the
		 * spans lo shares with the heap below were promised already. */
		uint64_t leaves = (hi - lo) / PGSIZE, tables = 0;
		if (!same_span(mm, lo, hi)) {
			/* Walk the spans only for a promise that could be kept. */
			if (leaves > palloc_free_pages() - palloc_reserved_pages())
				return -ENOMEM;
			tables = tables_missing(mm, lo, hi) - shared_missing(mm, lo);
		}
		if (!palloc_reserve(leaves + tables))
			return -ENOMEM;
		mm->promised += leaves;
		mm->promised_tables += tables;
	} else if (hi < lo) {
		/* Tables missing for spans wholly above the new break were
		 * promised and are not needed any more. Within one span, no
		 * table is wholly above it. */
		bool one_span = same_span(mm, hi, lo);
		uint64_t unneeded =
			one_span ? 0 : tables_missing(mm, hi, lo) - shared_missing(mm, hi);
		if (unneeded > mm->promised_tables)
			unneeded = mm->promised_tables; /* the stack took some */
		uint64_t pages0 = mm->pages;
		mmu_unmap_range(mm->pt, hi, lo, &mm->pages);
		uint64_t unmapped = (lo - hi) / PGSIZE - (pages0 - mm->pages);
		/* Tables that mapped nothing but the released range go too, so a
		 * heap that shrinks back gives back everything it took (those
		 * the heap below still spans stay: mmu_free_tables_in). */
		if (!one_span)
			mmu_free_tables_in(mm->pt, hi, lo);
		arch_tlb_flush_all();
		KASSERT(unmapped <= mm->promised);
		mm->promised -= unmapped;
		mm->promised_tables -= unneeded;
		palloc_unreserve(unmapped + unneeded);
	}
	mm->brk = new;
	return (long)old;
}

uint64_t vm_held_pages(struct mm *mm)
{
	if (!mm->pt)
		return 0;
	return mm->pages + mmu_table_pages(mm->pt) + mm->promised + mm->promised_tables;
}
