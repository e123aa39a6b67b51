/* Out of memory must never take init (and so the machine) down. Run as
 * init: reserve heap with sbrk (pages arrive on first touch), let a child
 * eat every free page, then touch the reserved heap: sbrk promised those
 * pages, so they come without harm to anyone. Then touch new stack pages,
 * which nobody promised: the kernel must kill the memory hog instead of
 * init, and init's stores must then succeed. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "lde.h"

#define PG 4096
#define RESERVED 16

static long free_pages(void)
{
	struct lde_meminfo mi;
	meminfo(&mi);
	return (long)mi.free_pages;
}

/* Store into RESERVED stack pages below the caller's frame, deepest last
 * (each a fresh page fault), and check them. */
static __attribute__((noinline)) int touch_stack(void)
{
	volatile char buf[RESERVED * PG];
	for (int i = RESERVED - 1; i >= 0; i--)
		buf[i * PG] = (char)i;
	int bad = 0;
	for (int i = 0; i < RESERVED; i++)
		bad += buf[i * PG] != (char)i;
	return bad;
}

static int proc_state_of(int pid)
{
	struct lde_procinfo pi;
	return procinfo(pid, &pi, 1) == 1 ? pi.state : -1;
}

int main(void)
{
	if (getpid() != 1) {
		printf("t_oominit: run me as init (init=/t_oominit)\n");
		return 0;
	}
	char *heap = sbrk(RESERVED * PG);
	CHECK(heap != (char *)-1);
	int ready[2];
	CHECK_EQ(pipe(ready), 0);
	pid_t hog = fork();
	if (hog == 0) {
		/* First make the pages it will write its own (copy-on-write
		 * breaks need pages too): data, where errno lives, and stack. */
		volatile char stack[2 * PG];
		for (int i = 0; i < (int)sizeof stack; i += 64)
			stack[i] = 0;
		errno = 0;
		/* Then take every page: grow and touch until sbrk says no. */
		for (;;) {
			char *p = sbrk(PG);
			if (p == (char *)-1)
				break;
			*p = 1;
		}
		write(ready[1], "x", 1);
		for (;;)
			sleep(1000);
	}
	close(ready[1]); /* a hog that dies early reads as end-of-file */
	char c;
	CHECK_EQ(read(ready[0], &c, 1), 1);
	printf("t_oominit: hog %d holds the memory, %ld pages free\n", hog, free_pages());
	for (int i = 0; i < RESERVED; i++)
		heap[i * PG] = (char)i; /* faults with no page left, but promised */
	int bad = 0;
	for (int i = 0; i < RESERVED; i++)
		bad += heap[i * PG] != (char)i;
	CHECK_EQ(bad, 0);
	/* Nobody died for them: the hog is alive, asleep once it has had the
	 * CPU after its write (it may not have had it yet). */
	for (int ms = 0; ms < 2000 && proc_state_of(hog) != LDE_P_SLEEPING; ms++)
		usleep(1000);
	CHECK_EQ(proc_state_of(hog), LDE_P_SLEEPING);
	printf("t_oominit: %d promised heap pages touched with %ld pages free, the hog alive\n",
	       RESERVED, free_pages());
	CHECK_EQ(touch_stack(), 0); /* stack faults with no page left */
	int st;
	CHECK_EQ(wait(&st), hog);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	return check_exit("t_oominit");
}
