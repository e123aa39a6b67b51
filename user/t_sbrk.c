/* sbrk: grows and shrinks the heap, returns the old break, gives zeroed
 * usable memory, takes freed pages away (touching them faults: SIGSEGV),
 * refuses impossible sizes with ENOMEM, and gives every page back.
 * Run as init: init=/t_sbrk */
#include "t_util.h"

#define PG 4096L

/* In a child: touch addr; the child must die of SIGSEGV. */
static void expect_segv(volatile char *addr, int write, const char *what)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (write)
			*addr = 1;
		else
			(void)*addr;
		_exit(0); /* the access did not fault */
	}
	int st = reap(pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGSEGV);
	printf("sbrk: %s -> %s %d\n", what, WIFSIGNALED(st) ? "signal" : "exit status",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

static void test_grow_shrink(void)
{
	long base_free = free_pages();
	char *b0 = sbrk(0);
	CHECK(b0 != (char *)-1);
	char *old = sbrk(3 * PG + 100);
	CHECK(old == b0); /* the old break */
	char *b1 = sbrk(0);
	CHECK(b1 == b0 + 3 * PG + 100);
	/* New memory is zeroed and usable. */
	for (long i = 0; i < 3 * PG + 100; i++)
		if (old[i]) {
			CHECK_EQ(old[i], 0);
			break;
		}
	for (long i = 0; i < 3 * PG + 100; i++)
		old[i] = (char)(i * 7);
	for (long i = 0; i < 3 * PG + 100; i++)
		if (old[i] != (char)(i * 7)) {
			CHECK_EQ(old[i], (char)(i * 7));
			break;
		}
	/* Shrink: returns the old break. */
	char *r = sbrk(-(3 * PG + 100));
	CHECK(r == b1);
	CHECK(sbrk(0) == b0);
	CHECK_EQ(free_pages(), base_free);
	/* The freed range faults, read or write. */
	char *top = (char *)(((unsigned long)b0 + PG - 1) & ~(PG - 1)); /* first fully freed page */
	expect_segv(top + PG, 1, "writing a page given back by sbrk");
	expect_segv(top + PG + 8, 0, "reading a page given back by sbrk");
	/* Growing again gives zeroed pages, not the old contents. */
	char *again = sbrk(3 * PG + 100);
	CHECK(again == b0);
	for (long i = 0; i < 3 * PG + 100; i++)
		if (again[i]) {
			CHECK_EQ(again[i], 0);
			break;
		}
	CHECK(sbrk(-(3 * PG + 100)) == b1);
	CHECK_EQ(free_pages(), base_free);
	/* Above the break there is nothing, even before any shrink. */
	expect_segv(top + 16 * PG, 1, "writing far above the break");
}

static void test_sizes(void)
{
	char *b0 = sbrk(0);
	long base_free = free_pages();
	/* Huge: fails cleanly with ENOMEM, the break does not move. */
	long huge[] = { 1L << 40, 1L << 34, (free_pages() + 16) * PG, 0x7fffffffffff0000L };
	for (unsigned i = 0; i < sizeof huge / sizeof huge[0]; i++) {
		errno = 0;
		CHECK(sbrk(huge[i]) == (void *)-1);
		CHECK_EQ(errno, ENOMEM);
		CHECK(sbrk(0) == b0);
	}
	/* Shrinking below the start of the heap fails too. */
	errno = 0;
	CHECK(sbrk(-(1L << 40)) == (void *)-1);
	CHECK(errno == EINVAL || errno == ENOMEM);
	CHECK(sbrk(0) == b0);
	CHECK_EQ(free_pages(), base_free);

	/* 8 MiB, every page touched and checked, then given back. */
	struct lde_procinfo pi0;
	CHECK_EQ(proc_get(0, &pi0), 0);
	long n = 2048;
	char *p = sbrk(n * PG);
	CHECK(p == b0);
	if (p == (char *)-1)
		return;
	for (long i = 0; i < n; i++) {
		CHECK_EQ(p[i * PG + 123], 0);
		p[i * PG] = (char)i;
	}
	long used = base_free - free_pages();
	CHECK(used >= n);
	int bad = 0;
	for (long i = 0; i < n; i++)
		bad += p[i * PG] != (char)i;
	CHECK_EQ(bad, 0);
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(0, &pi), 0);
	CHECK(pi.pages >= (uint64_t)n);
	CHECK(sbrk(-n * PG) == p + n * PG);
	long after = free_pages();
	struct lde_procinfo pi1;
	CHECK_EQ(proc_get(0, &pi1), 0);
	printf("sbrk: 8 MiB used %ld pages; free pages %ld before, %ld after shrinking; "
	       "resident pages (page tables included) %lu before, %lu after\n",
	       used, base_free, after, (unsigned long)pi0.pages, (unsigned long)pi1.pages);
	CHECK_EQ(after, base_free);
	CHECK_EQ(pi1.pages, pi0.pages);

	/* Byte-sized steps across page boundaries, and a break that is not
	 * page aligned: the page it is in stays usable. */
	char *q = sbrk(0);
	for (int i = 0; i < 5000; i++) {
		char *o = sbrk(1);
		CHECK(o == q + i);
		if (o != q + i)
			break;
		*o = (char)i;
	}
	for (int i = 0; i < 5000; i++)
		if (q[i] != (char)i) {
			CHECK_EQ(q[i], (char)i);
			break;
		}
	CHECK(sbrk(-5000) == q + 5000);
	CHECK_EQ(free_pages(), base_free);
}

/* The heap is part of the address space fork copies: the child's grows
 * and shrinks are its own. */
static void test_fork(void)
{
	char *b0 = sbrk(0);
	char *p = sbrk(2 * PG);
	CHECK(p == b0);
	strcpy(p, "parent heap");
	pid_t pid = fork();
	if (pid == 0) {
		CHECK(sbrk(0) == b0 + 2 * PG);
		CHECK(!strcmp(p, "parent heap"));
		strcpy(p, "child heap");
		CHECK(sbrk(-2 * PG) == b0 + 2 * PG);
		char *c = sbrk(10 * PG);
		CHECK(c == b0);
		CHECK_EQ(c[0], 0); /* zeroed, not the parent's bytes */
		memset(c, 1, 10 * PG);
		child_done();
	}
	int st = reap(pid);
	CHECK_EQ(st, 0);
	CHECK(sbrk(0) == b0 + 2 * PG);
	CHECK(!strcmp(p, "parent heap"));
	CHECK(sbrk(-2 * PG) == b0 + 2 * PG);
}

int main(void)
{
	warm_up();
	long before = free_pages();
	test_grow_shrink();
	test_sizes();
	test_fork();
	CHECK_EQ(free_pages(), before);
	return check_exit("t_sbrk");
}
