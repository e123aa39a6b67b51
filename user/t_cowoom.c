/* Running out of memory in the fast paths: a copy-on-write fault, a
 * demand-paged heap or stack page, and the kernel's own writes into such
 * pages (read() into a buffer, wait()'s status, meminfo/procinfo), fork and
 * sbrk, all with free memory held at an exact number of pages by a hog
 * child (t_cow.h).
 *
 * What the kernel does, and what is asserted:
 *  - a store from U-mode that needs a page when none is left kills the
 *    process with SIGKILL and the console line "lde: pid N (NAME) killed:
 *    out of memory, sepc=... stval=ADDR" (ADDR checked by tests/suites/
 *    cow.py against the "expect-oom:" lines printed here);
 *  - a kernel write that needs a page (copyout -> vm_user_ptr -> vm_fault
 *    -> cow_break or vm_map_anon) fails with ENOMEM: read() from a pipe
 *    returns -1/ENOMEM and the bytes stay in the pipe; wait() returns
 *    -1/ENOMEM and the zombie stays to be reaped later; meminfo() and
 *    procinfo() return -1/ENOMEM; the caller is not killed;
 *  - writes (user or kernel) to a copy-on-write page nobody else holds any
 *    more need no page, and succeed with no memory left;
 *  - write() from a shared page only reads it: it works with no memory;
 *  - fork fails with ENOMEM at every point where its page tables run out,
 *    and gives back exactly what it took; sbrk refuses growth beyond the
 *    pages free and not promised, and shrinking works with no memory left;
 *  - a heap page sbrk promised is backed even when nothing else is free
 *    (the kernel set it aside); a stack page, never promised, is not;
 *  - everybody else keeps running with intact data, and once the hog and
 *    the victims are gone the free-page count is exactly what it was.
 * Run as init: init=/t_cowoom */
#include "t_cow.h"

#define K 32 /* shared pages */

static void verify_region(unsigned char *reg, long from, long to, unsigned seed, const char *who)
{
	for (long j = from; j < to; j++) {
		long k = page_differs(reg + j * PG, seed, j);
		if (k >= 0) {
			printf("FAIL: %s: page %ld differs at %ld\n", who, j, k);
			check_failures++;
		}
	}
}

/* ---- A copy-on-write fault with no page left ------------------------ */

/* The victim: writes every shared page in turn; with R pages free it copies
 * R of them and dies on the next. */
static void victim(unsigned char *reg, const struct range *ex, int rdy, int go)
{
	make_private(ex, 1);
	char c = 0;
	CHECK_EQ(write(rdy, "v", 1), 1);
	CHECK_EQ(read(go, &c, 1), 1);
	for (long j = 0; j < K; j++) {
		CHECK_EQ(reg[j * PG], pat(0, j, 0));
		reg[j * PG + 8] = 0xee;
	}
	child_done(); /* not reached: fewer than K pages were free */
}

/* A bystander sharing the pages: copies the first half when told, then
 * exits (status 42) when told again, checking its view each time. */
static void bystander(unsigned char *reg, const struct range *ex, int rdy, int go)
{
	make_private(ex, 1);
	char c = 0;
	CHECK_EQ(write(rdy, "b", 1), 1);
	CHECK_EQ(read(go, &c, 1), 1);
	verify_region(reg, 0, K, 0, "bystander before writing");
	for (long j = 0; j < K / 2; j++)
		fill_page(reg + j * PG, 2, j);
	CHECK_EQ(write(rdy, "B", 1), 1);
	CHECK_EQ(read(go, &c, 1), 1);
	verify_region(reg, 0, K / 2, 2, "bystander's copies");
	verify_region(reg, K / 2, K, 0, "bystander's shared half");
	fflush(stdout);
	_exit(check_failures ? 1 : 42);
}

/* Another sharer that only reads. It copies the first half at once (so
 * that only the parent and the bystander share those pages), and keeps
 * the second half shared until told to check and exit (status 43). */
static void reader(unsigned char *reg, const struct range *ex, int rdy, int go)
{
	struct range half = { ex->lo + (K / 2) * PG, ex->hi };
	make_private(&half, 1);
	char c = 0;
	CHECK_EQ(write(rdy, "r", 1), 1);
	CHECK_EQ(read(go, &c, 1), 1);
	verify_region(reg, 0, K, 0, "reader");
	fflush(stdout);
	_exit(check_failures ? 1 : 43);
}

static void test_cow_oom(void)
{
	struct hog h;
	CHECK_EQ(hog_start(&h), 0);
	/* The region comes after the hog's fork: the hog does not share it. */
	unsigned char *reg = sbrk(K * PG);
	CHECK(reg != (void *)-1);
	for (long j = 0; j < K; j++)
		fill_page(reg + j * PG, 0, j);
	struct range ex = { (uintptr_t)reg, (uintptr_t)reg + K * PG };
	int rdy[2], vgo[2], bgo[2], rgo[2], data[2];
	CHECK_EQ(pipe(rdy), 0);
	CHECK_EQ(pipe(vgo), 0);
	CHECK_EQ(pipe(bgo), 0);
	CHECK_EQ(pipe(rgo), 0);
	CHECK_EQ(pipe(data), 0);
	pid_t v = fork();
	if (v == 0)
		victim(reg, &ex, rdy[1], vgo[0]);
	pid_t b = fork();
	if (b == 0)
		bystander(reg, &ex, rdy[1], bgo[0]);
	pid_t r = fork();
	if (r == 0)
		reader(reg, &ex, rdy[1], rgo[0]);
	CHECK(v > 0 && b > 0 && r > 0);
	make_private(&ex, 1);
	char buf[64], c;
	CHECK_EQ(read_all(rdy[0], buf, 3), 3);

	/* 1. The victim writes K shared pages with 5 pages free: it copies 5
	 * and is killed on the sixth, at exactly that address. */
	CHECK_EQ(hog_set(&h, 5), 5);
	CHECK_EQ(free_pages(), 5);
	expect_oom(v, (uintptr_t)reg + 5 * PG + 8);
	CHECK_EQ(write(vgo[1], "g", 1), 1);
	int st = reap(v);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGKILL);
	verify_region(reg, 0, K, 0, "parent after the victim died");
	printf("cowoom: a child writing %d shared pages with 5 free died of signal %d\n", K,
	       WIFSIGNALED(st) ? WTERMSIG(st) : 0);

	/* 2. The bystander copies the first half; that takes the last pages. */
	CHECK_EQ(hog_set(&h, K / 2), K / 2);
	CHECK_EQ(write(bgo[1], "g", 1), 1);
	CHECK_EQ(read(rdy[0], &c, 1), 1);
	CHECK_EQ(c, 'B');
	CHECK_EQ(free_pages(), 0);

	/* 3. No page left. Our writes to the pages only we hold now (the
	 * bystander copied them) are done in place: no page needed. */
	for (long j = 0; j < K / 4; j++)
		fill_page(reg + j * PG, 3, j);
	CHECK_EQ(free_pages(), 0);
	printf("cowoom: with no page free, %d copy-on-write pages nobody else holds were written\n",
	       K / 4);

	/* 4. Kernel writes. Into a page only we hold: works. */
	unsigned char *solo = reg + (K / 4) * PG, *shared = reg + (K / 2) * PG;
	for (int i = 0; i < 64; i++)
		buf[i] = (char)('a' + i % 26);
	CHECK_EQ(write(data[1], buf, 64), 64);
	CHECK_EQ(read(data[0], solo, 64), 64);
	CHECK(!memcmp(solo, buf, 64));
	CHECK_EQ(free_pages(), 0);
	/* Reading a shared page (write() from it) needs no page. */
	unsigned char back[32];
	CHECK_EQ(write(data[1], shared + 3 * PG, 32), 32);
	CHECK_EQ(read(data[0], back, 32), 32);
	for (int i = 0; i < 32; i++)
		CHECK_EQ(back[i], pat(0, K / 2 + 3, i));
	CHECK_EQ(free_pages(), 0);
	/* Into a page still shared (with the reader): ENOMEM, the process
	 * lives, the bytes stay in the pipe. */
	/* (A tail after the bytes: a read that lost them would return the
	 * tail instead of blocking.) */
	CHECK_EQ(write(data[1], "0123456789abcdefTAILtailTAILtail", 32), 32);
	errno = 0;
	CHECK_EQ(read(data[0], shared, 16), -1);
	CHECK_EQ(errno, ENOMEM);
	CHECK_EQ(page_differs(shared, 0, K / 2), -1);
	errno = 0;
	CHECK_EQ(meminfo((struct lde_meminfo *)(shared + PG)), -1);
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	CHECK_EQ(procinfo(0, (struct lde_procinfo *)(shared + 2 * PG), 1), -1);
	CHECK_EQ(errno, ENOMEM);
	printf("cowoom: with no page free, read() into a shared page: ENOMEM, "
	       "meminfo/procinfo: ENOMEM, write() from it: works\n");

	/* 5. fork needs page tables: with 0..4 pages (less than the root, two
	 * middle and two leaf tables the smallest process needs) it fails
	 * with ENOMEM at each step and gives back all it took. */
	for (long n = 0; n <= 4; n++) {
		CHECK_EQ(hog_set(&h, n), n);
		errno = 0;
		pid_t f = fork();
		if (f == 0)
			_exit(99); /* must not happen */
		CHECK_EQ(f, -1);
		CHECK_EQ(errno, ENOMEM);
		CHECK_EQ(free_pages(), n);
	}
	/* A failed fork left our pages copy-on-write, held by us alone:
	 * writing them still needs nothing. */
	CHECK_EQ(hog_set(&h, 0), 0);
	make_private(&ex, 1);
	CHECK_EQ(free_pages(), 0);
	/* sbrk cannot grow by more than is free, but a shrink always works. */
	errno = 0;
	CHECK(sbrk(PG) == (void *)-1);
	CHECK_EQ(errno, ENOMEM);
	CHECK(sbrk(0) == reg + K * PG);
	printf("cowoom: fork with 0..4 pages free: ENOMEM, nothing kept; sbrk(+1 page): ENOMEM\n");

	/* 6. One page: the read that failed now succeeds with the same bytes. */
	CHECK_EQ(hog_set(&h, 1), 1);
	CHECK_EQ(read(data[0], shared, 16), 16);
	CHECK(!memcmp(shared, "0123456789abcdef", 16));
	CHECK_EQ(free_pages(), 0);
	CHECK_EQ(read(data[0], buf, 16), 16);
	CHECK(!memcmp(buf, "TAILtailTAILtail", 16));
	for (int i = 0; i < 64; i++)
		buf[i] = (char)('a' + i % 26); /* solo's bytes again, checked below */

	/* 7. wait()'s status into a shared page: the bystander exits; with no
	 * page the status cannot be stored: ENOMEM, the zombie stays. */
	CHECK_EQ(write(bgo[1], "x", 1), 1);
	CHECK_EQ(wait_state(b, LDE_P_ZOMBIE, 5000), 0);
	CHECK_EQ(hog_set(&h, 0), 0);
	int *ust = (int *)(shared + 4 * PG);
	errno = 0;
	CHECK_EQ(wait(ust), -1);
	CHECK_EQ(errno, ENOMEM);
	CHECK_EQ(proc_state(b), LDE_P_ZOMBIE);
	CHECK_EQ(page_differs(shared + 4 * PG, 0, K / 2 + 4), -1);
	CHECK_EQ(hog_set(&h, 1), 1);
	if (proc_state(b) == LDE_P_ZOMBIE) /* else wait() would block */
		CHECK_EQ(wait(ust), b);
	CHECK(WIFEXITED(*ust));
	CHECK_EQ(WEXITSTATUS(*ust), 42);
	CHECK_EQ(free_pages(), 0);
	printf("cowoom: wait() storing into a shared page with no page free: ENOMEM, "
	       "the zombie reaped later with status %d\n",
	       WIFEXITED(*ust) ? WEXITSTATUS(*ust) : -1);

	/* Memory back. The reader still sees the original pages. */
	st = hog_stop(&h);
	CHECK_EQ(st, 0);
	CHECK_EQ(write(rgo[1], "g", 1), 1);
	st = reap(r);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 43);
	CHECK_EQ(wait(NULL), -1);
	/* Our own view: what we wrote, the kernel's reads, the pattern. */
	verify_region(reg, 0, K / 4, 3, "parent's own writes");
	CHECK(!memcmp(solo, buf, 64));
	CHECK(!memcmp(shared, "0123456789abcdef", 16));
	verify_region(reg, K / 4 + 1, K / 2, 0, "parent");
	verify_region(reg, K / 2 + 1, K / 2 + 4, 0, "parent");
	verify_region(reg, K / 2 + 5, K, 0, "parent");
	for (int i = 0; i < 2; i++) {
		close(rdy[i]);
		close(vgo[i]);
		close(bgo[i]);
		close(rgo[i]);
		close(data[i]);
	}
	CHECK(sbrk(-K * PG) == reg + K * PG);
}

/* ---- Demand-paged heap and stack pages with no page left ------------- */

#define L 8				/* lazy heap pages */
#define DEEP_STACK (U_TOP - 900 * 1024) /* a stack page nobody touched */

static void lazy_victim(char *lz, const struct range *ex, int rdy, int go, int stack)
{
	make_private(ex, 1);
	char c = 0;
	CHECK_EQ(write(rdy, "l", 1), 1);
	CHECK_EQ(read(go, &c, 1), 1);
	if (stack)
		*(volatile char *)(DEEP_STACK + 40) = 1;
	else
		((volatile char *)lz)[3 * PG + 16] = 1;
	child_done(); /* the heap toucher gets here (its page was promised) */
}

static void test_lazy_oom(void)
{
	struct hog h;
	CHECK_EQ(hog_start(&h), 0);
	char *lz = sbrk(L * PG); /* promised, not backed */
	CHECK(lz != (void *)-1);
	struct range ex = { (uintptr_t)lz, (uintptr_t)lz + L * PG };
	int rdy[2], go[2], data[2];
	CHECK_EQ(pipe(rdy), 0);
	CHECK_EQ(pipe(go), 0);
	CHECK_EQ(pipe(data), 0);
	pid_t vh = fork();
	if (vh == 0)
		lazy_victim(lz, &ex, rdy[1], go[0], 0);
	pid_t vs = fork();
	if (vs == 0)
		lazy_victim(lz, &ex, rdy[1], go[0], 1);
	make_private(&ex, 1);
	char buf[16];
	CHECK_EQ(read_all(rdy[0], buf, 2), 2);
	CHECK_EQ(hog_set(&h, 0), 0);

	/* Nothing is free but what was promised: the kernel backs a promised
	 * heap page for read(), not a stack page (stacks are not promised). */
	CHECK_EQ(write(data[1], "lazylazylazylazyTAILtailTAILtail", 32), 32);
	CHECK_EQ(read(data[0], lz + PG, 16), 16);
	CHECK(!memcmp(lz + PG, "lazylazylazylazy", 16));
	errno = 0;
	CHECK_EQ(read(data[0], (char *)DEEP_STACK - 2 * PG, 16), -1);
	CHECK_EQ(errno, ENOMEM);
	CHECK_EQ(free_pages(), 0);
	printf("cowoom: read() with no unpromised page free: into an untouched heap page works "
	       "(it was promised), into a stack page ENOMEM\n");

	/* A child touching its (inherited) promised heap page lives; one
	 * touching a new stack page dies. */
	expect_oom(vs, DEEP_STACK + 40);
	int st = -1, heap_st = -1, stack_st = -1;
	for (int n = 0; n < 2; n++) {
		CHECK_EQ(hog_set(&h, 0), 0);	   /* what the last child gave back */
		CHECK_EQ(write(go[1], "g", 1), 1); /* wakes one of them */
		pid_t got = wait(&st);
		CHECK(got == vh || got == vs);
		if (got == vh)
			heap_st = st;
		else
			stack_st = st;
	}
	CHECK(WIFEXITED(heap_st) && WEXITSTATUS(heap_st) == 0);
	CHECK(WIFSIGNALED(stack_st) && WTERMSIG(stack_st) == SIGKILL);
	printf("cowoom: with no unpromised page free, a child touching a promised heap page exited "
	       "%d, one touching a new stack page died of signal %d\n",
	       WIFEXITED(heap_st) ? WEXITSTATUS(heap_st) : -1,
	       WIFSIGNALED(stack_st) ? WTERMSIG(stack_st) : 0);

	/* Shrinking over the untouched pages works with nothing free and
	 * gives their promise back; growing past what is free cannot. */
	CHECK_EQ(hog_set(&h, 0), 0);
	long phys = phys_free_pages();
	CHECK(sbrk(-L * PG) == lz + L * PG);
	CHECK(phys_free_pages() >= phys); /* took nothing */
	CHECK_EQ(hog_set(&h, 0), 0);
	errno = 0;
	CHECK(sbrk(L * PG) == (void *)-1);
	CHECK_EQ(errno, ENOMEM);
	/* With one page free, one page may be promised, and backed. */
	CHECK_EQ(hog_set(&h, 1), 1);
	CHECK(sbrk(PG) == lz);
	CHECK_EQ(free_pages(), 0);
	CHECK_EQ(read(data[0], lz, 16), 16);
	CHECK(!memcmp(lz, "TAILtailTAILtail", 16));
	CHECK_EQ(free_pages(), 0);
	CHECK_EQ(hog_stop(&h), 0);
	CHECK(sbrk(-PG) == lz + PG);
	CHECK_EQ(wait(NULL), -1);
	for (int i = 0; i < 2; i++) {
		close(rdy[i]);
		close(go[i]);
		close(data[i]);
	}
}

int main(void)
{
	deep_warm();
	long before = free_pages();
	run_isolated(test_cow_oom, "cowoom: copy-on-write", 0);
	run_isolated(test_lazy_oom, "cowoom: lazy pages", 0);
	CHECK_EQ(free_pages(), before);
	return check_exit("t_cowoom");
}
