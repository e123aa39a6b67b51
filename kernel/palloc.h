/* The physical page allocator. Pages are handed out as kernel virtual
 * addresses in the direct map and carry a reference count, so that a page
 * shared by several address spaces (copy-on-write) is freed by its last
 * user. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* Called once at boot, before any allocation: RAM is [ram_start, ram_end)
 * (physical); the refcount table is carved from the first free range. */
void palloc_init(uint64_t ram_start, uint64_t ram_end);
/* Hand [start, end) (physical, page-aligned) to the allocator. */
void palloc_add_range(uint64_t start, uint64_t end);

void *palloc(void);	/* refcount 1, contents undefined; NULL if none */
void *palloc_zeroed(void);
void page_get(void *page);	/* one more reference */
void page_put(void *page);	/* one fewer; freed at zero */
unsigned page_refcount(const void *page);

uint64_t palloc_free_pages(void);
uint64_t palloc_total_pages(void);
