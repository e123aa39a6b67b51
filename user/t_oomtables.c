/* The out-of-memory killer kills the process that makes the kernel hold
 * the most, counting page tables and promised heap, not only the pages
 * mapped. Run as init (init=/t_oomtables):
 *   A promises 40% of memory with sbrk and touches one byte per 2 MiB (each
 *     touch takes a page and a page table: few pages mapped, much held);
 *   B touches 30% of memory, page by page (many pages mapped);
 *   init takes every page left, then touches fresh stack pages: the kernel
 *     must kill A, the bigger, though B maps more pages. */
#include "t_util.h"

#define PG 4096
#define SPAN (2L << 20)
#define STACK_PAGES 32

static void hold(int ready, long pages, int sparse)
{
	char *p = sbrk(pages * PG);
	if (p == (char *)-1)
		_exit(2);
	for (long off = 0; off < pages * PG; off += sparse ? SPAN : PG)
		p[off] = 1;
	CHECK_EQ(write(ready, "r", 1), 1);
	for (;;)
		sleep(1000);
}

static __attribute__((noinline)) int touch_stack(void)
{
	volatile char buf[STACK_PAGES * PG];
	for (int i = STACK_PAGES - 1; i >= 0; i--)
		buf[i * PG] = (char)i;
	int bad = 0;
	for (int i = 0; i < STACK_PAGES; i++)
		bad += buf[i * PG] != (char)i;
	return bad;
}

/* Take every page sbrk still grants, touching each. */
static long eat_all(void)
{
	long taken = 0;
	for (long step = 1024; step > 0; step /= 2) {
		char *p;
		while ((p = sbrk(step * PG)) != (char *)-1) {
			for (long i = 0; i < step; i++)
				p[i * PG] = 1;
			taken += step;
		}
	}
	return taken;
}

int main(void)
{
	if (getpid() != 1) {
		printf("t_oomtables: run me as init (init=/t_oomtables)\n");
		return 1;
	}
	long f = free_pages();
	int rdy[2];
	CHECK_EQ(pipe(rdy), 0);
	pid_t a = fork();
	if (a == 0)
		hold(rdy[1], f * 4 / 10, 1);
	pid_t b = fork();
	if (b == 0)
		hold(rdy[1], f * 3 / 10, 0);
	char buf[2];
	CHECK_EQ(read_all(rdy[0], buf, 2), 2);
	struct lde_procinfo pa, pb;
	CHECK_EQ(proc_get(a, &pa), 0);
	CHECK_EQ(proc_get(b, &pb), 0);
	long taken = eat_all();
	printf("oomtables: A (pid %d) holds %lu pages, B (pid %d) %lu; init took %ld more\n", a,
	       (unsigned long)pa.pages, b, (unsigned long)pb.pages, taken);
	CHECK(pa.pages > pb.pages);
	CHECK_EQ(touch_stack(), 0); /* no page left: someone must die */
	int st = -1;
	pid_t got = wait(&st);
	CHECK_EQ(got, a);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	printf("oomtables: the out-of-memory killer took pid %d (%s)\n", got,
	       got == a ? "A, the one holding the most" : "not A");
	kill(got == a ? b : a, SIGKILL);
	wait(NULL);
	return check_exit("t_oomtables");
}
