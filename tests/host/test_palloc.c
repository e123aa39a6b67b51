/* The page allocator (kernel/palloc.c) on the host: a malloc'd, page-aligned
 * "RAM" with holes, every page handed out exactly once, reference counts,
 * the free count, and the kernel's own assertions turned into test
 * failures (panic longjmps back). */
#include "check.h"
#include "arch.h"
#include "palloc.h"
#include <setjmp.h>

static jmp_buf panic_jmp;
static int panics;

void panic(const char *fmt __attribute__((unused)), ...)
{
	panics++;
	longjmp(panic_jmp, 1);
}

#define RAM_PAGES 256
static uint8_t *ram;
static uint64_t ram_base;

/* palloc.c keeps static state: it is set up once, and the cases run in
 * order against it, each leaving every page free again. */
static void setup(void)
{
	ram = aligned_alloc(PGSIZE, RAM_PAGES * PGSIZE);
	memset(ram, 0xa5, RAM_PAGES * PGSIZE);
	ram_base = (uint64_t)(uintptr_t)ram;
	palloc_init(ram_base, ram_base + RAM_PAGES * PGSIZE);
	/* Three ranges with holes, one of them not page-aligned at either end. */
	palloc_add_range(ram_base, ram_base + 100 * PGSIZE);
	palloc_add_range(ram_base + 120 * PGSIZE + 17, ram_base + 200 * PGSIZE - 5);
	palloc_add_range(ram_base + 210 * PGSIZE, ram_base + RAM_PAGES * PGSIZE);
}

/* The refcount table takes the first page of the first range. */
#define USABLE (99 + 78 + 46) /* 121..198 in the middle range */

static int in_hole(uint64_t pa)
{
	uint64_t pg = (pa - ram_base) / PGSIZE;
	return pg == 0 || (pg >= 100 && pg < 121) || (pg >= 199 && pg < 210);
}

TEST(counts)
{
	CHECK_INT(palloc_total_pages(), USABLE);
	CHECK_INT(palloc_free_pages(), USABLE);
}

TEST(every_page_once)
{
	static void *got[RAM_PAGES];
	static uint8_t seen[RAM_PAGES];
	int n = 0;
	void *p;
	memset(seen, 0, sizeof seen);
	while ((p = palloc()) != NULL) {
		uint64_t pa = (uint64_t)(uintptr_t)p;
		CHECK(pa % PGSIZE == 0);
		CHECK(pa >= ram_base && pa < ram_base + RAM_PAGES * PGSIZE);
		CHECK(!in_hole(pa));
		uint64_t pg = (pa - ram_base) / PGSIZE;
		CHECK(!seen[pg]);
		seen[pg] = 1;
		CHECK_INT(page_refcount(p), 1);
		memset(p, n, PGSIZE); /* ASan: the whole page is ours */
		got[n++] = p;
	}
	CHECK_INT(n, USABLE);
	CHECK_INT(palloc_free_pages(), 0);
	CHECK(palloc() == NULL);
	for (int i = 0; i < n; i++)
		page_put(got[i]);
	CHECK_INT(palloc_free_pages(), USABLE);
}

TEST(zeroed)
{
	uint8_t *p = palloc();
	memset(p, 0xff, PGSIZE);
	page_put(p);
	uint8_t *q = palloc_zeroed();
	CHECK(q == p); /* LIFO reuse */
	int nonzero = 0;
	for (int i = 0; i < PGSIZE; i++)
		nonzero += q[i] != 0;
	CHECK_INT(nonzero, 0);
	page_put(q);
}

TEST(refcounts)
{
	uint64_t before = palloc_free_pages();
	void *p = palloc();
	page_get(p);
	page_get(p);
	CHECK_INT(page_refcount(p), 3);
	page_put(p);
	page_put(p);
	CHECK_INT(palloc_free_pages(), before - 1);
	page_put(p);
	CHECK_INT(palloc_free_pages(), before);
}

TEST(assertions)
{
	void *p = palloc();
	page_put(p);
	panics = 0;
	if (!setjmp(panic_jmp))
		page_put(p); /* double free: refcount already 0 */
	CHECK_INT(panics, 1);
	if (!setjmp(panic_jmp))
		page_get(ram + PGSIZE / 2); /* not a page boundary */
	CHECK_INT(panics, 2);
	if (!setjmp(panic_jmp))
		page_put(ram + (uint64_t)RAM_PAGES * PGSIZE); /* outside RAM */
	CHECK_INT(panics, 3);
}

/* Promises: what is reserved is set aside from palloc; a reservation
 * larger than what is free and unreserved is refused whole. */
TEST(reserve)
{
	uint64_t free0 = palloc_free_pages();
	CHECK(palloc_reserve(free0 - 2));
	CHECK_INT(palloc_reserved_pages(), free0 - 2);
	CHECK(!palloc_reserve(3));
	CHECK_INT(palloc_reserved_pages(), free0 - 2);
	void *a = palloc(), *b = palloc();
	CHECK(a && b);
	CHECK(palloc() == NULL); /* the rest is promised */
	CHECK_INT(palloc_free_pages(), free0 - 2);
	CHECK(!palloc_reserve(1));
	page_put(a);
	CHECK(palloc_reserve(1)); /* a freed page can be promised */
	CHECK(palloc() == NULL);
	palloc_unreserve(1);
	void *c = palloc(); /* the holder takes its own */
	CHECK(c != NULL);
	page_put(b);
	page_put(c);
	palloc_unreserve(free0 - 2);
	CHECK_INT(palloc_reserved_pages(), 0);
	CHECK_INT(palloc_free_pages(), free0);
	panics = 0;
	if (!setjmp(panic_jmp))
		palloc_unreserve(1); /* more than is reserved */
	CHECK_INT(panics, 1);
}

static const struct test_case cases[] = {
	TEST_CASE(counts),    TEST_CASE(every_page_once), TEST_CASE(zeroed),
	TEST_CASE(refcounts), TEST_CASE(assertions),	  TEST_CASE(reserve),
};

int main(void)
{
	setup();
	int r = run_tests("palloc", cases, ARRAY_SIZE(cases));
	free(ram);
	return r;
}
