/* The physical page allocator. Pages are handed out as kernel virtual
 * addresses in the direct map and carry a reference count, so that a page
 * shared by several address spaces (copy-on-write) is freed by its last
 * user. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Called once at boot, before any allocation: RAM is [ram_start, ram_end)
 * (physical); the refcount table is carved from the first free range. */
void palloc_init(uint64_t ram_start, uint64_t ram_end);
/* Hand [start, end) (physical, page-aligned) to the allocator. */
void palloc_add_range(uint64_t start, uint64_t end);

void *palloc(void); /* refcount 1, contents undefined; NULL if none */
void *palloc_zeroed(void);
/* n pages physically contiguous (DMA), each with refcount 1 and freed on
 * its own by page_put; contents undefined. NULL if n is 0 or no run of n
 * free pages is there (promised pages are never taken). It may scan the
 * whole refcount table: for rare callers (dev_dma). */
void *palloc_contig(uint64_t n);
void page_get(void *page); /* one more reference */
void page_put(void *page); /* one fewer; freed at zero */
unsigned page_refcount(const void *page);

/* Promises: palloc_reserve(n) sets n free pages aside (false if fewer than
 * n are free and not already promised); palloc() never hands out the last
 * nreserved free pages, so a promise cannot be broken by anyone else. The
 * holder gives them back with palloc_unreserve and may then allocate them
 * (nothing runs in between: single hart, interrupts off). */
bool palloc_reserve(uint64_t n);
void palloc_unreserve(uint64_t n);
uint64_t palloc_reserved_pages(void);

uint64_t palloc_free_pages(void); /* promised ones included */
uint64_t palloc_total_pages(void);
