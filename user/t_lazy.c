/* Lazy (demand-paged) heap and stack pages, and sbrk over them.
 *
 *  - sbrk growth is a promise: no page is taken until one is touched, and
 *    then exactly one (plus a leaf page table for a new 2 MiB region);
 *  - reading an untouched page gives zeros, and also takes a page: the
 *    kernel (vm_fault) maps a fresh zeroed page on any first access, read
 *    or write (there is no shared zero page);
 *  - sbrk shrinking over pages never touched, over partly touched ranges,
 *    across page tables, and over copy-on-write pages shared with a parent
 *    or a child gives back exactly what was taken, never what another
 *    process still holds, and leaves the other's data alone; growing again
 *    gives zeroed pages, never old contents;
 *  - sbrk refuses to promise more pages than are free and not promised to
 *    anyone else (with the page tables they could need): promises add up,
 *    across sbrk calls and across fork;
 *  - the stack grows lazily, page by page, down to 1 MiB; the page below is
 *    a guard: touching it kills (SIGSEGV);
 *  - a page never touched before fork and touched by the child only is the
 *    child's alone: the parent still sees zeros there (and the other way).
 * Each test runs in a child of init, whose free-page count must come back
 * exactly. Run as init: init=/t_lazy */
#include "t_cow.h"

/* The exact counts below assume the heap stays in the first 2 MiB, whose
 * leaf page table the program text already needs. */
static void need_small_heap(long pages)
{
	uintptr_t end = (uintptr_t)sbrk(0) + pages * PG;
	CHECK(end <= LEAF_SPAN);
}

static long my_pages(void)
{
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(0, &pi), 0);
	return (long)(pi.pages - pi.promised); /* resident: what was taken */
}

/* In a child: access addr; it must die of SIGSEGV. */
static void expect_segv(volatile char *addr, int write, const char *what)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (write)
			*addr = 1;
		else
			(void)*addr;
		_exit(0);
	}
	int st = reap(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGSEGV);
	printf("lazy: %s -> %s %d\n", what, WIFSIGNALED(st) ? "signal" : "exit status",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

static void test_grow(void)
{
	need_small_heap(64);
	long f0 = phys_free_pages(), p0 = my_pages();
	volatile char *p = sbrk(64 * PG);
	CHECK(p != (void *)-1);
	CHECK_EQ(phys_free_pages(), f0); /* promised, not backed */
	CHECK_EQ(my_pages(), p0);
	p[0] = 1;
	p[10 * PG + 5] = 2;
	p[20 * PG + PG - 1] = 3;
	CHECK_EQ(phys_free_pages(), f0 - 3); /* one page per page touched */
	CHECK_EQ(my_pages(), p0 + 3);
	CHECK_EQ(p[30 * PG + 77], 0);	     /* untouched: reads zero... */
	CHECK_EQ(phys_free_pages(), f0 - 4); /* ...and that read took a page */
	CHECK_EQ(p[30 * PG + 78], 0);
	CHECK_EQ(phys_free_pages(), f0 - 4);
	CHECK_EQ(my_pages(), p0 + 4);
	CHECK(sbrk(-64 * PG) == p + 64 * PG);
	CHECK_EQ(phys_free_pages(), f0);
	CHECK_EQ(my_pages(), p0);
	printf("lazy: 64 pages promised took 0; 3 written and 1 read took 4; all back after shrinking\n");
}

static void test_shrink_untouched(void)
{
	need_small_heap(64);
	long f0 = phys_free_pages(), p0 = my_pages();
	char *p = sbrk(64 * PG);
	CHECK(p != (void *)-1);
	CHECK(sbrk(-64 * PG) == p + 64 * PG);
	CHECK_EQ(phys_free_pages(), f0);
	CHECK_EQ(my_pages(), p0);
	expect_segv(p + 10 * PG, 1, "writing an untouched page given back by sbrk");
	expect_segv(p + 10 * PG, 0, "reading an untouched page given back by sbrk");
	CHECK_EQ(phys_free_pages(), f0);
}

static void test_shrink_partial(void)
{
	need_small_heap(64);
	long f0 = phys_free_pages();
	char *p = sbrk(64 * PG);
	CHECK(p != (void *)-1);
	static const int touched[] = { 0, 5, 30, 31, 63 };
	for (int i = 0; i < 5; i++)
		p[touched[i] * PG + 9] = (char)(touched[i] + 1);
	CHECK_EQ(phys_free_pages(), f0 - 5);
	/* Back to 24 pages: 30, 31 and 63 go, 0 and 5 stay. */
	CHECK(sbrk(-40 * PG) == p + 64 * PG);
	CHECK_EQ(phys_free_pages(), f0 - 2);
	CHECK_EQ(p[9], 1);
	CHECK_EQ(p[5 * PG + 9], 6);
	CHECK_EQ(p[10 * PG], 0); /* below the break, never touched */
	CHECK_EQ(phys_free_pages(), f0 - 3);
	expect_segv(p + 30 * PG + 9, 0, "reading a touched page given back by a partial shrink");
	/* Growing again: promised, then zeros where 30, 31 and 63 were. */
	CHECK(sbrk(40 * PG) == p + 24 * PG);
	CHECK_EQ(phys_free_pages(), f0 - 3);
	CHECK_EQ(p[30 * PG + 9], 0);
	CHECK_EQ(p[31 * PG + 9], 0);
	CHECK_EQ(p[63 * PG + 9], 0);
	CHECK_EQ(phys_free_pages(), f0 - 6);
	CHECK(sbrk(-64 * PG) == p + 64 * PG);
	CHECK_EQ(phys_free_pages(), f0);

	/* A break inside a page keeps that page (and its bytes below the
	 * break); the whole pages above it go. */
	p = sbrk(4 * PG);
	for (int j = 0; j < 4; j++)
		memset(p + j * PG, 0xa5, PG);
	CHECK_EQ(phys_free_pages(), f0 - 4);
	CHECK(sbrk(-(3 * PG - 100)) == p + 4 * PG);
	CHECK_EQ(phys_free_pages(), f0 - 2);
	CHECK(page_all((unsigned char *)p, 0xa5));
	for (int k = 0; k < 100; k++)
		if ((unsigned char)p[PG + k] != 0xa5) {
			CHECK_EQ((unsigned char)p[PG + k], 0xa5);
			break;
		}
	CHECK(sbrk(3 * PG - 100) == p + PG + 100);
	CHECK(page_all((unsigned char *)p + 2 * PG, 0));
	CHECK(page_all((unsigned char *)p + 3 * PG, 0));
	printf("lazy: bytes past a mid-page break survive a shrink and regrow: %s\n",
	       (unsigned char)p[PG + 200] == 0xa5 ? "yes (the page is kept whole)" : "no");
	CHECK(sbrk(-4 * PG) == p + 4 * PG);
	CHECK_EQ(phys_free_pages(), f0);
	printf("lazy: shrinking over partly touched pages gave back exactly the touched ones\n");
}

/* Pages given back and taken again hold zeros, not their old bytes (the
 * page allocator hands out the most recently freed page first). */
static void test_regrow_zero(void)
{
	long f0 = phys_free_pages();
	for (int round = 0; round < 3; round++) {
		unsigned char *p = sbrk(16 * PG);
		CHECK(p != (void *)-1);
		int dirty = 0;
		for (int j = 0; j < 16; j++)
			dirty += !page_all(p + j * PG, 0);
		CHECK_EQ(dirty, 0);
		memset(p, 0xa5, 16 * PG);
		CHECK(sbrk(-16 * PG) == p + 16 * PG);
		CHECK_EQ(phys_free_pages(), f0);
	}
}

/* A promise is at most what is free and not promised to anyone else: the
 * pages, and the page tables they could need (one per 2 MiB, one per
 * GiB). Promising takes nothing. */
static void test_limit(void)
{
	char *b0 = sbrk(0);
	long f = free_pages(), phys = phys_free_pages();
	errno = 0;
	CHECK(sbrk((f + 1) * PG) == (void *)-1);
	CHECK_EQ(errno, ENOMEM);
	CHECK(sbrk(0) == b0);
	long lo = 0, hi = f; /* the largest promise sbrk grants, by bisection */
	while (lo < hi) {
		long mid = (lo + hi + 1) / 2;
		if (sbrk(mid * PG) == (void *)-1) {
			hi = mid - 1;
		} else {
			CHECK(sbrk(-mid * PG) == b0 + mid * PG);
			lo = mid;
		}
	}
	long n = lo;
	CHECK(n + n / 512 + 3 >= f); /* only the tables' share is kept back */
	CHECK(sbrk(n * PG) == b0);
	CHECK_EQ(phys_free_pages(), phys); /* took none, not even tables */
	long left = free_pages();
	CHECK(left <= 2); /* one page more, with its tables, would not fit */
	errno = 0;
	CHECK(sbrk(PG) == (void *)-1);
	CHECK_EQ(errno, ENOMEM);
	CHECK(sbrk(-n * PG) == b0 + n * PG);
	CHECK_EQ(free_pages(), f);
	CHECK_EQ(phys_free_pages(), phys);
	printf("lazy: sbrk(%ld pages free + 1): ENOMEM; the largest promise, %ld pages, left %ld "
	       "unpromised and took none\n",
	       f, n, left);
}

/* Promises add up: two of 60% of free memory cannot both be made, nor
 * can a fork copy a 60% promise (its child could touch all of it too); a
 * promise made is kept, every page of it, with nobody killed. */
static void test_overpromise(void)
{
	long f = free_pages();
	long n = f * 6 / 10;
	char *p = sbrk(n * PG);
	CHECK(p != (void *)-1);
	errno = 0;
	CHECK(sbrk(n * PG) == (void *)-1);
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK_EQ(pid, -1);
	CHECK_EQ(errno, ENOMEM);
	if (pid > 0)
		reap(pid);
	for (long i = 0; i < n; i++)
		p[i * PG] = (char)i;
	long bad = 0;
	for (long i = 0; i < n; i++)
		bad += p[i * PG] != (char)i;
	CHECK_EQ(bad, 0);
	CHECK(sbrk(-n * PG) == p + n * PG);
	printf("lazy: a promise of 60%% of free memory: a second one ENOMEM, fork ENOMEM; all %ld "
	       "pages of it touched\n",
	       n);
}

/* Page tables: an 8 MiB heap spans several leaf tables; touching one page
 * in a new 2 MiB region takes the page and its table, and a shrink gives
 * both back. */
static void test_tables(void)
{
	long f0 = phys_free_pages(), p0 = my_pages();
	long n = 2048;
	char *p = sbrk(n * PG);
	CHECK(p != (void *)-1);
	CHECK_EQ(phys_free_pages(), f0);
	uintptr_t last = (uintptr_t)p + (n - 1) * PG; /* 2 MiB regions away */
	*(volatile char *)last = 1;
	CHECK_EQ(phys_free_pages(), f0 - 2);
	CHECK_EQ(my_pages(), p0 + 2);
	/* A page in another region, then a shrink to below that region. */
	/* The start of the second 2 MiB region above the heap's first. */
	uintptr_t mid = ((uintptr_t)p + LEAF_SPAN - 1) / LEAF_SPAN * LEAF_SPAN + LEAF_SPAN;
	*(volatile char *)mid = 2;
	CHECK_EQ(phys_free_pages(), f0 - 4);
	CHECK(sbrk(-(long)((uintptr_t)p + n * PG - mid)) == p + n * PG);
	CHECK_EQ(phys_free_pages(), f0);
	CHECK_EQ(my_pages(), p0);
	CHECK(sbrk(-(long)(mid - (uintptr_t)p)) == (char *)mid);
	CHECK_EQ(phys_free_pages(), f0);
	printf("lazy: 8 MiB heap: the last page took a page and a page table; shrinking gave both back\n");
}

/* After fork the heap pages are shared copy-on-write. A child shrinking
 * over them gives back only its own copies; the parent keeps its data and,
 * holding the pages alone now, writes them in place. And the other way
 * round: the parent shrinks, the child keeps its view. Growing again gives
 * zeros, never the other process's bytes. */
static void test_cow_shrink(void)
{
	need_small_heap(16);
	unsigned char *h = sbrk(16 * PG);
	CHECK(h != (void *)-1);
	for (long j = 0; j < 12; j++)
		fill_page(h + j * PG, 0, j); /* 12..15 never touched */
	struct range ex = { (uintptr_t)h, (uintptr_t)h + 16 * PG };
	int rdy[2], go[2];
	CHECK_EQ(pipe(rdy), 0);
	CHECK_EQ(pipe(go), 0);
	char c;

	pid_t pid = fork();
	if (pid == 0) {
		make_private(&ex, 1);
		CHECK_EQ(write(rdy[1], "p", 1), 1);
		CHECK_EQ(read(go[0], &c, 1), 1); /* the parent is done copying */
		long fa = phys_free_pages();
		for (long j = 0; j < 4; j++)
			fill_page(h + j * PG, 1, j);
		CHECK_EQ(phys_free_pages(), fa - 4);
		/* Our 4 copies come back; the 8 shared pages only lose us. */
		CHECK(sbrk(-16 * PG) == h + 16 * PG);
		CHECK_EQ(phys_free_pages(), fa);
		CHECK_EQ(write(rdy[1], "s", 1), 1);
		CHECK_EQ(read(go[0], &c, 1), 1);
		CHECK(sbrk(16 * PG) == h);
		int dirty = 0;
		for (long j = 0; j < 16; j++)
			dirty += !page_all(h + j * PG, 0);
		CHECK_EQ(dirty, 0);
		CHECK(sbrk(-16 * PG) == h + 16 * PG);
		child_done();
	}
	make_private(&ex, 1);
	CHECK_EQ(read(rdy[0], &c, 1), 1);
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(read(rdy[0], &c, 1), 1);
	long fb = phys_free_pages();
	for (long j = 0; j < 12; j++)
		CHECK_EQ(page_differs(h + j * PG, 0, j), -1);
	for (long j = 0; j < 12; j++)
		fill_page(h + j * PG, 2, j); /* held by us alone: in place */
	long took = fb - phys_free_pages();
	CHECK_EQ(took, 0);
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(reap(pid), 0);
	for (long j = 0; j < 12; j++)
		CHECK_EQ(page_differs(h + j * PG, 2, j), -1);
	printf("lazy: a child's shrink over shared heap pages: parent's data intact, "
	       "its writes took %ld pages\n",
	       took);

	/* The parent shrinks while the child holds the pages. */
	long f_pre = phys_free_pages();
	pid = fork();
	if (pid == 0) {
		make_private(&ex, 1);
		CHECK_EQ(write(rdy[1], "r", 1), 1);
		CHECK_EQ(read(go[0], &c, 1), 1);
		long fa = phys_free_pages();
		for (long j = 0; j < 12; j++)
			CHECK_EQ(page_differs(h + j * PG, 2, j), -1);
		for (long j = 0; j < 12; j++)
			fill_page(h + j * PG, 3, j); /* ours alone now */
		CHECK_EQ(phys_free_pages(), fa);
		child_done();
	}
	make_private(&ex, 1);
	CHECK_EQ(read(rdy[0], &c, 1), 1);
	fb = phys_free_pages();
	CHECK(sbrk(-16 * PG) == h + 16 * PG);
	CHECK_EQ(phys_free_pages(), fb); /* every page is still the child's */
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(phys_free_pages(), f_pre + 12); /* gone with the child */
	CHECK(sbrk(16 * PG) == h);
	int dirty = 0;
	for (long j = 0; j < 16; j++)
		dirty += !page_all(h + j * PG, 0);
	CHECK_EQ(dirty, 0);
	CHECK(sbrk(-16 * PG) == h + 16 * PG);
	for (int i = 0; i < 2; i++) {
		close(rdy[i]);
		close(go[i]);
	}
	printf("lazy: the parent's shrink under a child: the child's data intact, "
	       "its writes in place\n");
}

/* ---- The stack ------------------------------------------------------- */

static volatile uintptr_t lowest = UINTPTR_MAX;
static volatile long deepest;

/* Recursion with 4 KiB frames, each touched all over, until the frame is
 * below stop (0: forever). */
static __attribute__((noinline)) long recurse(uintptr_t stop, long depth)
{
	volatile char frame[4000];
	for (unsigned i = 0; i < sizeof frame; i += 256)
		frame[i] = (char)depth;
	if ((uintptr_t)frame < lowest)
		lowest = (uintptr_t)frame;
	deepest = depth;
	if (stop && (uintptr_t)frame < stop)
		return 0;
	return recurse(stop, depth + 1) + frame[0]; /* not a tail call */
}

static void test_stack(void)
{
	long f0 = phys_free_pages(), p0 = my_pages();
	volatile char *a = (volatile char *)(U_TOP - 600 * 1024);
	volatile char *b = (volatile char *)(U_TOP - 700 * 1024);
	volatile char *bottom = (volatile char *)U_STACK_BOTTOM;
	*a = 1;
	CHECK_EQ(phys_free_pages(), f0 - 1);
	CHECK_EQ(b[100], 0); /* reads zero, and takes a page */
	CHECK_EQ(phys_free_pages(), f0 - 2);
	*bottom = 2; /* the lowest page of the 1 MiB stack */
	CHECK_EQ(phys_free_pages(), f0 - 3);
	CHECK_EQ(my_pages(), p0 + 3);
	CHECK_EQ(*a, 1);
	printf("lazy: stack pages 600 KiB, 700 KiB and 1 MiB down: one page each\n");
	expect_segv((volatile char *)U_GUARD + 100, 1, "writing the stack's guard page");
	expect_segv((volatile char *)U_GUARD + PG - 1, 0, "reading the stack's guard page");
	CHECK_EQ(phys_free_pages(), f0 - 3);

	/* Real stack growth, in children: to within 16 KiB of the bottom... */
	pid_t pid = fork();
	if (pid == 0) {
		long fa = phys_free_pages();
		recurse(U_STACK_BOTTOM + 16 * 1024, 0);
		long d = deepest;
		CHECK(d > 200);
		CHECK(lowest < U_STACK_BOTTOM + 16 * 1024);
		CHECK(fa - phys_free_pages() > 200);
		printf("lazy: recursion %ld frames deep, down to 0x%lx: ok\n", d,
		       (unsigned long)lowest);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	/* ...and past it: the guard page stops it. */
	pid = fork();
	if (pid == 0) {
		recurse(0, 0);
		_exit(0);
	}
	int st = reap(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGSEGV);
	printf("lazy: unbounded recursion -> signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	CHECK_EQ(phys_free_pages(), f0 - 3);
}

/* ---- Demand paging under fork --------------------------------------- */

#define DEEP (U_TOP - 800 * 1024) /* a stack page nobody touched */

static void test_fork_lazy(void)
{
	need_small_heap(4);
	char *lz = sbrk(4 * PG);
	CHECK(lz != (void *)-1);
	volatile char *deep = (volatile char *)DEEP;
	struct range ex = { (uintptr_t)lz, (uintptr_t)lz + 4 * PG };
	int rdy[2], go[2];
	CHECK_EQ(pipe(rdy), 0);
	CHECK_EQ(pipe(go), 0);
	long p0 = my_pages();
	pid_t pid = fork();
	if (pid == 0) {
		make_private(&ex, 1);
		char c;
		CHECK_EQ(write(rdy[1], "p", 1), 1);
		CHECK_EQ(read(go[0], &c, 1), 1); /* the parent is done copying */
		long fa = phys_free_pages();
		lz[0] = 'C';
		lz[2 * PG + 1] = 'C';
		*deep = 'C';
		CHECK_EQ(phys_free_pages(), fa - 3); /* three fresh pages, nothing shared */
		CHECK_EQ(write(rdy[1], "c", 1), 1);
		CHECK_EQ(read(go[0], &c, 1), 1);
		CHECK_EQ(lz[PG + 3], 0); /* the parent's page 1 is not ours */
		CHECK_EQ(lz[0], 'C');
		child_done();
	}
	make_private(&ex, 1);
	char c;
	CHECK_EQ(read(rdy[0], &c, 1), 1);
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(read(rdy[0], &c, 1), 1);
	CHECK_EQ(my_pages(), p0); /* the child's touches added nothing here */
	CHECK_EQ(lz[0], 0);
	CHECK_EQ(lz[2 * PG + 1], 0);
	CHECK_EQ(*deep, 0);
	lz[PG + 3] = 'P';
	CHECK_EQ(my_pages(), p0 + 4); /* our own reads and write took our own pages */
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(lz[0], 0);
	CHECK_EQ(lz[PG + 3], 'P');
	CHECK(sbrk(-4 * PG) == lz + 4 * PG);
	for (int i = 0; i < 2; i++) {
		close(rdy[i]);
		close(go[i]);
	}
	printf("lazy: pages first touched by a child after fork stay the child's\n");
}

int main(void)
{
	deep_warm();
	long before = phys_free_pages();
	run_isolated(test_grow, "lazy: grow", 1);
	run_isolated(test_shrink_untouched, "lazy: shrink untouched", 1);
	run_isolated(test_shrink_partial, "lazy: shrink partial", 1);
	run_isolated(test_regrow_zero, "lazy: regrow zero", 1);
	run_isolated(test_limit, "lazy: limit", 1);
	run_isolated(test_overpromise, "lazy: overpromise", 1);
	run_isolated(test_tables, "lazy: tables", 1);
	run_isolated(test_cow_shrink, "lazy: cow shrink", 1);
	run_isolated(test_stack, "lazy: stack", 1);
	run_isolated(test_fork_lazy, "lazy: fork lazy", 1);
	CHECK_EQ(phys_free_pages(), before);
	return check_exit("t_lazy");
}
