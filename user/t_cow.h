/* Helpers for the copy-on-write and lazy-allocation tests (t_cow.c,
 * t_cowoom.c, t_lazy.c), on top of t_util.h: page patterns, the user
 * layout the tests rely on, making a process's pages private (so that its
 * later writes allocate nothing), and a "hog" child that eats free memory
 * down to an exact number of pages and gives it back on request.
 * Everything is static: each test program includes this once. */
#pragma once
#include "t_util.h"

#define PG 4096L
#define PAGE_DOWN(a) ((uintptr_t)(a) & ~(uintptr_t)(PG - 1))
#define PAGE_UP(a) (((uintptr_t)(a) + PG - 1) & ~(uintptr_t)(PG - 1))

/* The user layout (kernel/uapi_layout.h): the stack ends at USER_TOP and
 * may grow to 1 MiB; the page below it is a guard that is never mapped.
 * The last 2 MiB of user space share one leaf page table, which exists as
 * soon as the process has any stack: a new stack page costs exactly one
 * page. The first 2 MiB (text at 0x10000, data, a small heap) share
 * another. */
#define U_TOP 0x4000000000UL
#define U_STACK_MAX (1UL << 20)
#define U_STACK_BOTTOM (U_TOP - U_STACK_MAX)
#define U_GUARD (U_STACK_BOTTOM - PG)
#define LEAF_SPAN (2UL << 20) /* what one leaf page table maps */

/* The byte a pattern page holds at offset off; seed tells patterns apart. */
static inline unsigned char pat(unsigned seed, long page, long off)
{
	return (unsigned char)(seed * 29 + page * 131 + off * 7 + (off >> 8));
}

static inline void fill_page(volatile unsigned char *p, unsigned seed, long page)
{
	for (long k = 0; k < PG; k++)
		p[k] = pat(seed, page, k);
}

/* The first offset where page differs from its pattern, or -1. */
static inline long page_differs(const volatile unsigned char *p, unsigned seed, long page)
{
	for (long k = 0; k < PG; k++)
		if (p[k] != pat(seed, page, k))
			return k;
	return -1;
}

/* Every byte of the page is c? */
static inline int page_all(const volatile unsigned char *p, unsigned char c)
{
	for (long k = 0; k < PG; k++)
		if (p[k] != c)
			return 0;
	return 1;
}

static inline uintptr_t cur_sp(void)
{
	uintptr_t sp;
	__asm__ volatile("mv %0, sp" : "=r"(sp));
	return sp;
}

/* The writable image starts on the first page after read-only data, whose
 * last word (user.ld) follows __fini_array_end. */
extern char __fini_array_end[];
static inline uintptr_t data_start(void) { return PAGE_UP((uintptr_t)__fini_array_end + 4); }

struct range {
	uintptr_t lo, hi; /* [lo, hi), page aligned */
};

static inline int in_ranges(uintptr_t a, const struct range *ex, int nex)
{
	for (int i = 0; i < nex; i++)
		if (a >= ex[i].lo && a < ex[i].hi)
			return 1;
	return 0;
}

/* How far below the caller's stack pointer make_private() reaches: deeper
 * than anything the tests call (printf, the helpers) will go. */
#define PRIVATE_STACK_BELOW (12 * PG)

/* Make every writable page of this process (data, bss, heap below the
 * break, and the stack from 12 pages below sp up) its own, except the
 * ranges in ex: each page is read and written back unchanged. A page
 * still shared copy-on-write is copied now, a lazy one is allocated now,
 * so later writes to these pages need no memory (the tests that exhaust
 * memory rely on this). Not inlined, so its own frame is where the
 * caller's callees' frames will be. */
static __attribute__((noinline, unused)) void make_private(const struct range *ex, int nex)
{
	uintptr_t end = PAGE_UP((uintptr_t)sbrk(0));
	for (uintptr_t a = data_start(); a < end; a += PG)
		if (!in_ranges(a, ex, nex)) {
			volatile unsigned char *p = (volatile unsigned char *)a;
			*p = *p;
		}
	for (uintptr_t a = PAGE_DOWN(cur_sp()) - PRIVATE_STACK_BELOW; a < U_TOP; a += PG)
		if (!in_ranges(a, ex, nex)) {
			volatile unsigned char *p = (volatile unsigned char *)a;
			*p = *p;
		}
}

/* Map the top 192 KiB of the stack now: make_private() and the tests'
 * page-aligned stack arrays reach that deep, and a page first mapped in the
 * middle of a test would spoil its exact page counts. Call from main. */
static __attribute__((noinline, unused)) void deep_warm(void)
{
	volatile char buf[192 * 1024];
	for (unsigned i = 0; i < sizeof buf; i += 512)
		buf[i] = 0;
	warm_up();
}

/* ---- The hog: a child that holds memory so that exactly N pages stay free.
 *
 * It grows its heap (touching every page) while many pages are free, and
 * takes the last few one by one from the bottom of its stack, where each
 * new page costs exactly one page (the stack's leaf table exists). To give
 * memory back it shrinks its heap. Commands are targets (a long) on one
 * pipe; after each it answers with the free-page count it reached (-1 if
 * it could not). A negative target ends it (EOF would not come while
 * children forked after the hog hold the pipe's write end). It must be
 * forked while memory is plentiful, and the caller must then make its own
 * pages private before asking for a low target. */
struct hog {
	pid_t pid;
	int cmd, rsp;
};

#define HOG_STACK_POOL 192 /* the lowest 768 KiB of the hog's stack */

static long hog_heap, hog_stack; /* pages taken (in the hog) */

static long hog_adjust(long target)
{
	for (int rounds = 0; rounds < 100000; rounds++) {
		long f = free_pages();
		if (f == target)
			return f;
		if (f > target) {
			long d = f - target;
			if (d >= 8) {
				/* d/2 pages and their tables fit in d */
				long n = d / 2;
				char *p = sbrk(n * PG);
				if (p == (char *)-1)
					return -1;
				for (long i = 0; i < n; i++)
					p[i * PG] = 1;
				hog_heap += n;
			} else {
				if (hog_stack >= HOG_STACK_POOL)
					return -1;
				*(volatile char *)(U_STACK_BOTTOM + hog_stack * PG) = 1;
				hog_stack++;
			}
		} else {
			long n = target - f;
			if (n > hog_heap)
				n = hog_heap;
			if (n == 0)
				return -1;
			if (sbrk(-n * PG) == (void *)-1)
				return -1;
			hog_heap -= n;
		}
	}
	return -1;
}

static void hog_main(int cmd, int rsp)
{
	make_private(NULL, 0);
	long target;
	while (read_all(cmd, &target, sizeof target) == (long)sizeof target && target >= 0) {
		long got = hog_adjust(target);
		if (write_all(rsp, &got, sizeof got) != (long)sizeof got)
			break;
	}
	_exit(0);
}

/* Fork the hog (while memory is plentiful). */
static inline int hog_start(struct hog *h)
{
	int c[2], r[2];
	h->pid = -1;
	h->cmd = h->rsp = -1;
	if (pipe(c) || pipe(r))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(c[1]);
		close(r[0]);
		hog_main(c[0], r[1]);
	}
	close(c[0]);
	close(r[1]);
	h->pid = pid;
	h->cmd = c[1];
	h->rsp = r[0];
	return pid > 0 ? 0 : -1;
}

/* Leave exactly target pages free; returns the free count reached. The
 * caller's reads and writes here must touch only private pages. */
static inline long hog_set(struct hog *h, long target)
{
	long got = -2;
	if (write_all(h->cmd, &target, sizeof target) != (long)sizeof target)
		return -2;
	if (read_all(h->rsp, &got, sizeof got) != (long)sizeof got)
		return -2;
	return got;
}

/* The hog exits and gives everything back; returns its wait status (the
 * caller must have no other zombie child: wait() takes any). */
static inline int hog_stop(struct hog *h)
{
	long quit = -1;
	write_all(h->cmd, &quit, sizeof quit);
	close(h->cmd);
	close(h->rsp);
	int st = -1;
	pid_t got = wait(&st);
	return got == h->pid ? st : -1;
}

/* A line tests/suites/cow.py matches against the kernel's own
 * "lde: pid N (NAME) killed: out of memory, sepc=... stval=..." line. */
static inline void expect_oom(pid_t pid, uintptr_t stval)
{
	printf("expect-oom: pid %d stval=0x%lx\n", (int)pid, (unsigned long)stval);
}

/* Run fn in a child of init (the caller), in a process group of its own,
 * and check that the free-page count comes back exactly. If the child
 * fails, whatever it left behind (a hog holding memory, children blocked
 * forever) is killed and reaped, so the next test starts clean. make_priv:
 * make the child's pages its own first (no page shared with init). */
static __attribute__((unused)) void run_isolated(void (*fn)(void), const char *name, int make_priv)
{
	long before = free_pages();
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		if (make_priv)
			make_private(NULL, 0);
		fn();
		child_done();
	}
	int st = reap(pid);
	CHECK_EQ(st, 0);
	if (st != 0) {
		printf("FAIL: %s: status 0x%x; killing what it left\n", name, st);
		kill(-pid, SIGKILL);
		while (wait(NULL) >= 0)
			;
	}
	long after = free_pages();
	CHECK_EQ(after, before);
	printf("%s: free pages %ld before, %ld after\n", name, before, after);
}
