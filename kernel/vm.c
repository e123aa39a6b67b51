/* User address spaces: creation, fork, teardown, demand paging of the heap
 * and stack, sbrk, and checked copies between kernel and user memory. */
#include "vm.h"
#include "errno.h"
#include "kassert.h"
#include "kstring.h"
#include "palloc.h"


int vm_create(struct mm *mm)
{
	mm->pt = mmu_new_user_root();
	mm->heap_start = mm->brk = 0;
	mm->stack_low = USER_TOP;
	mm->pages = 0;
	return mm->pt ? 0 : -ENOMEM;
}

/* Everything a process can have mapped lies in two ranges: the image and
 * heap, and the stack. Walking only those keeps fork and exit cheap. */
void vm_destroy(struct mm *mm)
{
	if (!mm->pt)
		return;
	mmu_unmap_range(mm->pt, 0, PAGE_UP(mm->brk), &mm->pages);
	mmu_unmap_range(mm->pt, mm->stack_low, USER_TOP, &mm->pages);
	KASSERT(mm->pages == 0);
	/* Tables exist only where pages were mapped, or were tried: the same
	 * two ranges. Freeing within them is much cheaper than a full sweep. */
	mmu_free_tables_in(mm->pt, 0, PAGE_UP(mm->brk), true);
	mmu_free_tables_in(mm->pt, mm->stack_low, USER_TOP, true);
	mmu_free_user_tables(mm->pt);
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
		memcpy(copy, old, PGSIZE);
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

static bool demand_paged(struct mm *mm, uint64_t va)
{
	return (va >= mm->heap_start && va < mm->brk) ||
	       (va >= USER_STACK_BOTTOM && va < USER_TOP);
}

/* The permissions a user access needs. */
static unsigned perm_for(enum vm_access access)
{
	switch (access) {
	case VM_READ: return PERM_U | PERM_R;
	case VM_WRITE: return PERM_U | PERM_W;
	case VM_EXEC: return PERM_U | PERM_X;
	}
	return PERM_U | PERM_R | PERM_W | PERM_X;
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
		return (perm & perm_for(access)) == perm_for(access) ? 0 : -EFAULT;
	}
	if (access == VM_EXEC || !demand_paged(mm, va))
		return -EFAULT;
	/* stack_low moves before the attempt: a table allocated for a page
	 * that then could not be had must still be found by vm_destroy. */
	if (va >= USER_STACK_BOTTOM && PAGE_DOWN(va) < mm->stack_low)
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
	return copy_user(mm, (char *)src, udst, n, VM_WRITE);	/* only read from */
}

long copyinstr(struct mm *mm, char *dst, uint64_t usrc, size_t max)
{
	size_t len = 0;
	while (len < max) {
		int err;
		const char *s = vm_user_ptr(mm, usrc + len, VM_READ, &err);
		if (!s)
			return err;
		size_t chunk = PGSIZE - ((usrc + len) & (PGSIZE - 1));
		for (size_t i = 0; i < chunk && len < max; i++, len++) {
			dst[len] = s[i];
			if (!s[i])
				return (long)len;
		}
	}
	return -ENAMETOOLONG;
}


long vm_sbrk(struct mm *mm, long incr)
{
	uint64_t old = mm->brk;
	uint64_t new = old + (uint64_t)incr;
	if (incr < 0 ? new > old || new < mm->heap_start : new < old || new > USER_HEAP_LIMIT)
		return incr < 0 ? -EINVAL : -ENOMEM;
	if (incr > 0) {
		/* Heap pages arrive on first touch, but sbrk promises them: refuse
		 * growth that free memory could not back right now. */
		uint64_t more = (PAGE_UP(new) - PAGE_UP(old)) / PGSIZE;
		if (more > palloc_free_pages())
			return -ENOMEM;
	} else if (PAGE_UP(new) < PAGE_UP(old)) {
		mmu_unmap_range(mm->pt, PAGE_UP(new), PAGE_UP(old), &mm->pages);
		/* Tables that mapped nothing but the released range go too, so a
		 * heap that shrinks back gives back everything it took. */
		mmu_free_tables_in(mm->pt, PAGE_UP(new), PAGE_UP(old), false);
		arch_tlb_flush_all();
	}
	mm->brk = new;
	return (long)old;
}

uint64_t vm_resident_pages(struct mm *mm)
{
	return mm->pt ? mm->pages + mmu_table_pages(mm->pt) : 0;
}
