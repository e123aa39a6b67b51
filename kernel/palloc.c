/* Page allocator: a LIFO free list of returned pages, in front of a few
 * never-touched ranges handed out by bumping a pointer. The bump ranges
 * mean boot does not have to write to every free page (DESIGN: xv6 spends
 * most of its boot filling free memory). Single hart, interrupts off in the
 * kernel: no locking. */
#include "palloc.h"
#include "arch.h"
#include "kassert.h"
#include "kstring.h"

#define MAX_RANGES 8

struct free_page {
	struct free_page *next;
};

static struct {
	uint64_t cur, end; /* physical */
} ranges[MAX_RANGES];
/* Where each range began: [range_start[i], ranges[i].cur) has been handed
 * out at least once (palloc_contig looks for returned runs there). Apart,
 * so that palloc's loop over ranges keeps its 16-byte stride. */
static uint64_t range_start[MAX_RANGES];
static int nranges;
static struct free_page *free_list;
static uint64_t nfree, ntotal;
static uint64_t nreserved; /* of the free pages, promised (palloc_reserve) */
static uint64_t ram_base, ram_pages;
static uint16_t *refcount; /* one per physical page of RAM */

static uint16_t *ref_of(const void *page)
{
	uint64_t pa = kva_to_pa(page);
	KASSERT(pa >= ram_base && (pa - ram_base) / PGSIZE < ram_pages && pa % PGSIZE == 0);
	return &refcount[(pa - ram_base) / PGSIZE];
}

void palloc_init(uint64_t ram_start, uint64_t ram_end)
{
	ram_base = ram_start;
	ram_pages = (ram_end - ram_start) / PGSIZE;
}

void palloc_add_range(uint64_t start, uint64_t end)
{
	start = (start + PGSIZE - 1) & ~(uint64_t)(PGSIZE - 1);
	end &= ~(uint64_t)(PGSIZE - 1);
	if (start >= end)
		return;
	if (!refcount) {
		uint64_t bytes = ram_pages * sizeof(uint16_t);
		uint64_t pages = (bytes + PGSIZE - 1) / PGSIZE;
		if (end - start <= pages * PGSIZE)
			return;
		refcount = pa_to_kva(start);
		memset(refcount, 0, bytes);
		start += pages * PGSIZE;
	}
	KASSERT(nranges < MAX_RANGES);
	range_start[nranges] = ranges[nranges].cur = start;
	ranges[nranges].end = end;
	nranges++;
	nfree += (end - start) / PGSIZE;
	ntotal += (end - start) / PGSIZE;
}

void *palloc(void)
{
	void *page = NULL;
	if (nfree == nreserved)
		return NULL; /* what is left is promised */
	if (free_list) {
		page = free_list;
		free_list = free_list->next;
	} else {
		for (int i = 0; i < nranges; i++) {
			if (ranges[i].cur < ranges[i].end) {
				page = pa_to_kva(ranges[i].cur);
				ranges[i].cur += PGSIZE;
				break;
			}
		}
		if (!page)
			return NULL;
	}
	uint16_t *ref = ref_of(page);
	KASSERT(*ref == 0);
	*ref = 1;
	nfree--;
	return page;
}

/* n free pages in a row from [pa, pa + n pages), every one of them on the
 * free list: off the list they come (one walk of it). */
static void take_from_free_list(uint64_t pa, uint64_t n)
{
	uint64_t end = pa + n * PGSIZE, left = n;
	for (struct free_page **pp = &free_list; *pp && left;) {
		uint64_t a = kva_to_pa(*pp);
		if (a >= pa && a < end) {
			*pp = (*pp)->next;
			left--;
		} else {
			pp = &(*pp)->next;
		}
	}
	KASSERT(left == 0);
}

/* Where n free pages in a row are: never-used memory first (a bump
 * range's tail), else a run of returned pages (refcount 0 below a range's
 * bump pointer: exactly the pages on the free list). 0 if none. */
static uint64_t find_run(uint64_t n)
{
	for (int i = 0; i < nranges; i++)
		if ((ranges[i].end - ranges[i].cur) / PGSIZE >= n) {
			uint64_t pa = ranges[i].cur;
			ranges[i].cur += n * PGSIZE;
			return pa;
		}
	for (int i = 0; i < nranges; i++) {
		uint64_t run = 0;
		for (uint64_t pa = range_start[i]; pa < ranges[i].cur; pa += PGSIZE) {
			run = refcount[(pa - ram_base) / PGSIZE] ? 0 : run + 1;
			if (run == n) {
				uint64_t first = pa + PGSIZE - n * PGSIZE;
				take_from_free_list(first, n);
				return first;
			}
		}
	}
	return 0;
}

void *palloc_contig(uint64_t n)
{
	if (n == 1)
		return palloc();
	if (n == 0 || n > nfree - nreserved)
		return NULL;
	uint64_t pa = find_run(n);
	if (!pa)
		return NULL;
	/* Not through ref_of: a third caller would take it out of line, and
	 * palloc with it. */
	uint16_t *ref = &refcount[(pa - ram_base) / PGSIZE];
	for (uint64_t i = 0; i < n; i++) {
		KASSERT(ref[i] == 0);
		ref[i] = 1;
	}
	nfree -= n;
	return pa_to_kva(pa);
}

void *palloc_zeroed(void)
{
	void *page = palloc();
	if (page)
		memset(page, 0, PGSIZE);
	return page;
}

void page_get(void *page)
{
	uint16_t *ref = ref_of(page);
	KASSERT(*ref > 0 && *ref < UINT16_MAX);
	(*ref)++;
}

void page_put(void *page)
{
	uint16_t *ref = ref_of(page);
	KASSERT(*ref > 0);
	if (--*ref)
		return;
	struct free_page *fp = page;
	fp->next = free_list;
	free_list = fp;
	nfree++;
}

bool palloc_reserve(uint64_t n)
{
	if (n > nfree - nreserved)
		return false;
	nreserved += n;
	return true;
}

void palloc_unreserve(uint64_t n)
{
	KASSERT(n <= nreserved);
	nreserved -= n;
}

uint64_t palloc_reserved_pages(void) { return nreserved; }
unsigned page_refcount(const void *page) { return *ref_of(page); }
uint64_t palloc_free_pages(void) { return nfree; }
uint64_t palloc_total_pages(void) { return ntotal; }
