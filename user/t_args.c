/* argc/argv as exec (or the kernel command line) passed them, and the
 * layout of a fresh address space.
 *
 *   t_args [ARG...]   prints "t_args: argc=N" and "t_args: argv[i]=<...>"
 *                     (tests/suites/firstprog.py compares them with what it
 *                     passed), then checks the initial stack, the layout and
 *                     the heap.
 * Arguments with a meaning (they are printed like any other first):
 *   exit=N    return N from main (if every check passed)
 *   pid=N     check that getpid() is N (exec keeps the pid)
 *   ppid=N    check that getppid() is N
 *   quiet     check the initial stack only (no layout, heap, deep stack)
 *   errno     check that errno (in picolibc's TLS block) aliases no other
 *             object of the program
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "lde.h"
#include "uapi_layout.h"

extern char _end[]; /* user/user.ld: the end of .bss */
int main(int argc, char **argv);
static const char ro_str[] = "rodata";
static int data_var = 1234;
static int bss_var;
static uintptr_t brk_at_entry;
static char bss_block[256];

static uintptr_t page_up(uintptr_t a) { return (a + PGSIZE - 1) & ~(uintptr_t)(PGSIZE - 1); }

/* The System V initial stack: argc at sp, argv[] at sp + 8, NULL, an empty
 * envp (NULL) and an auxiliary vector that is just AT_NULL (0, 0). crt0
 * hands main argv = sp + 8, so sp was 16-byte aligned iff argv % 16 == 8. */
static void check_initial_stack(int argc, char **argv)
{
	uintptr_t av = (uintptr_t)argv;
	CHECK(argc >= 0 && argc <= LDE_ARG_MAX);
	CHECK(av >= USER_STACK_BOTTOM && av < USER_TOP);
	CHECK_EQ(av % 16, 8);
	CHECK_EQ(((long *)argv)[-1], argc);
	CHECK(argv[argc] == NULL);
	CHECK(argv[argc + 1] == NULL);	   /* envp: empty */
	CHECK_EQ((long)argv[argc + 2], 0); /* auxv: AT_NULL ... */
	CHECK_EQ((long)argv[argc + 3], 0); /* ... and its value */
	/* The strings lie above the vectors, in the stack's top pages. */
	uintptr_t lowest = USER_TOP, total = 0;
	for (int i = 0; i < argc; i++) {
		uintptr_t s = (uintptr_t)argv[i];
		size_t len = strlen(argv[i]) + 1;
		CHECK(s > (uintptr_t)&argv[argc + 3] && s < USER_TOP && s + len <= USER_TOP);
		if (s < lowest)
			lowest = s;
		total += len;
	}
	CHECK(USER_TOP - lowest <= 2 * PGSIZE);
	if (argc)
		CHECK(USER_TOP - lowest >= total); /* they do not overlap */
}

static void check_layout(void)
{
	uintptr_t text = (uintptr_t)main, ro = (uintptr_t)ro_str;
	uintptr_t data = (uintptr_t)&data_var, bss = (uintptr_t)&bss_var;
	uintptr_t end = (uintptr_t)_end;
	int local;
	uintptr_t stack = (uintptr_t)&local;
	printf("t_args: text %#lx rodata %#lx data %#lx bss %#lx end %#lx brk %#lx stack %#lx\n",
	       (unsigned long)text, (unsigned long)ro, (unsigned long)data, (unsigned long)bss,
	       (unsigned long)end, (unsigned long)brk_at_entry, (unsigned long)stack);
	CHECK(text >= USER_BASE); /* page 0 is not part of the image */
	CHECK(text < ro && ro < data && data < bss && bss < end);
	/* Different permissions, different pages. */
	CHECK(text / PGSIZE < ro / PGSIZE && ro / PGSIZE < data / PGSIZE);
	/* The heap starts on the page after the image. */
	CHECK_EQ(brk_at_entry, page_up(end));
	CHECK(stack >= USER_STACK_BOTTOM && stack < USER_TOP);
	CHECK_EQ(data_var, 1234);
	CHECK_EQ(bss_var, 0);
	data_var++, bss_var++; /* data and bss are writable */
	CHECK_EQ(data_var, 1235);
	CHECK_EQ(bss_var, 1);
	CHECK(!strcmp(ro_str, "rodata"));
}

/* errno (picolibc keeps it in the TLS block, at tp) is an object of its
 * own: writing it changes nothing else. */
static void check_errno_home(void)
{
	struct {
		const char *name;
		void *addr;
		size_t size;
	} objs[] = {
		{ "data_var", &data_var, sizeof data_var },
		{ "bss_var", &bss_var, sizeof bss_var },
		{ "brk_at_entry", &brk_at_entry, sizeof brk_at_entry },
		{ "bss_block", bss_block, sizeof bss_block },
		{ "check_failures", &check_failures, sizeof check_failures },
	};
	uintptr_t e = (uintptr_t)&errno;
	printf("t_args: &errno %#lx\n", (unsigned long)e);
	CHECK(e >= USER_BASE && e < (uintptr_t)_end);
	for (unsigned i = 0; i < sizeof objs / sizeof objs[0]; i++) {
		uintptr_t a = (uintptr_t)objs[i].addr;
		if (e + sizeof(int) > a && e < a + objs[i].size) {
			printf("FAIL: t_args: errno (%#lx) overlaps %s (%#lx)\n", (unsigned long)e,
			       objs[i].name, (unsigned long)a);
			check_failures++;
		}
	}
	/* Through volatile pointers: the compiler may assume distinct objects
	 * do not alias, which is what is being checked. */
	volatile int *fails = &check_failures, *bss = &bss_var, *data = &data_var;
	volatile char *block = bss_block;
	int saved_failures = *fails, saved_bss = *bss, saved_data = *data;
	*(volatile int *)&errno = 0x7e7e7e7e;
	int clobbered = *fails != saved_failures || *bss != saved_bss || *data != saved_data;
	for (unsigned i = 0; i < sizeof bss_block; i++)
		clobbered |= block[i] != 0;
	check_failures = saved_failures;
	errno = 0;
	CHECK(!clobbered);
}

static uint64_t free_pages(void)
{
	struct lde_meminfo mi;
	CHECK_EQ(meminfo(&mi), 0);
	return mi.free_pages;
}

static void check_heap(void)
{
	uintptr_t start = (uintptr_t)sbrk(0);
	/* Growing. */
	char *p = sbrk(3 * PGSIZE);
	CHECK_EQ((uintptr_t)p, start);
	CHECK_EQ((uintptr_t)sbrk(0), start + 3 * PGSIZE);
	for (int i = 0; i < 3 * PGSIZE; i++)
		p[i] = (char)i;
	for (int i = 0; i < 3 * PGSIZE; i++)
		if (p[i] != (char)i) {
			CHECK(p[i] == (char)i);
			break;
		}
	/* Shrinking returns the old break. */
	CHECK_EQ((uintptr_t)sbrk(-3 * PGSIZE), start + 3 * PGSIZE);
	CHECK_EQ((uintptr_t)sbrk(0), start);
	/* Pages are promised by sbrk but arrive on first touch. */
	uint64_t before = free_pages();
	char *big = sbrk(16 << 20);
	CHECK(big != (void *)-1);
	CHECK_EQ(free_pages(), before);
	big[0] = 1;
	big[8 << 20] = 2;
	big[(16 << 20) - 1] = 3;
	CHECK(free_pages() <= before - 3);
	/* A re-grown page is zero again. */
	CHECK(sbrk(-(16 << 20)) != (void *)-1);
	CHECK(sbrk(PGSIZE) == big);
	CHECK_EQ(big[0], 0);
	CHECK(sbrk(-PGSIZE) != (void *)-1);
	/* Limits: not below the heap's start, not into the stack, not more
	 * than free memory. */
	CHECK(sbrk(-(intptr_t)(start + 1)) == (void *)-1);
	CHECK_EQ(errno, EINVAL);
	CHECK(sbrk(-(intptr_t)(start - page_up((uintptr_t)_end)) - 1) == (void *)-1);
	CHECK_EQ(errno, EINVAL);
	CHECK(sbrk((intptr_t)(USER_TOP - start)) == (void *)-1);
	CHECK_EQ(errno, ENOMEM);
	CHECK(sbrk((intptr_t)(USER_STACK_BOTTOM - PGSIZE - start)) == (void *)-1);
	CHECK_EQ(errno, ENOMEM); /* fits below the guard page, but not in RAM */
	CHECK(sbrk(INTPTR_MAX) == (void *)-1);
	CHECK_EQ(errno, ENOMEM);
	CHECK_EQ((uintptr_t)sbrk(0), start);
}

/* Use most of the 1 MiB stack: pages arrive as it grows. */
static uintptr_t deepest;
static int dig(int depth)
{
	volatile char frame[1000];
	frame[0] = (char)depth;
	frame[sizeof frame - 1] = (char)depth;
	if ((uintptr_t)frame < deepest)
		deepest = (uintptr_t)frame;
	if (depth == 0)
		return frame[0];
	return dig(depth - 1) + frame[sizeof frame - 1] - (char)(depth - 1);
}

static void check_deep_stack(void)
{
	deepest = USER_TOP;
	int r = dig(880); /* about 900 KiB */
	(void)r;
	printf("t_args: stack reached %#lx (%lu KiB below USER_TOP)\n", (unsigned long)deepest,
	       (unsigned long)((USER_TOP - deepest) >> 10));
	CHECK(deepest >= USER_STACK_BOTTOM);
	CHECK(USER_TOP - deepest >= 850 * 1024);
}

int main(int argc, char **argv)
{
	brk_at_entry = (uintptr_t)sbrk(0); /* before stdio could allocate */
	printf("t_args: argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("t_args: argv[%d]=<%s>\n", i, argv[i]);
	check_initial_stack(argc, argv);

	int status = 0, quiet = 0, errno_home = 0;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "exit=", 5))
			status = atoi(argv[i] + 5);
		else if (!strncmp(argv[i], "pid=", 4))
			CHECK_EQ(getpid(), atoi(argv[i] + 4));
		else if (!strncmp(argv[i], "ppid=", 5))
			CHECK_EQ(getppid(), atoi(argv[i] + 5));
		else if (!strcmp(argv[i], "quiet"))
			quiet = 1;
		else if (!strcmp(argv[i], "errno"))
			errno_home = 1;
	}
	if (errno_home)
		check_errno_home();
	if (!quiet) {
		check_layout();
		check_heap();
		check_deep_stack();
	}
	int failed = check_exit("t_args");
	return failed ? failed : status;
}
