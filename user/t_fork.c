/* fork: return values, identities, a private copy of the whole address
 * space (data, bss, heap, stack) in both directions, several children,
 * nested forks, and a clean failure when memory runs out.
 * Run as init: init=/t_fork */
#include "t_util.h"

static int global_data = 1; /* .data */
static int global_bss;	    /* .bss */

#define STACK_WORDS 2048 /* 16 KiB of stack, several pages */

static void test_copy(void)
{
	int p2c[2], c2p[2];
	CHECK_EQ(pipe(p2c), 0);
	CHECK_EQ(pipe(c2p), 0);
	char *heap = sbrk(3 * 4096); /* the heap, grown by hand */
	CHECK(heap != (char *)-1);
	memset(heap, 'p', 3 * 4096);
	volatile long stack[STACK_WORDS];
	for (int i = 0; i < STACK_WORDS; i++)
		stack[i] = i * 3;
	global_data = 1;
	global_bss = 0;
	int local = 100;
	pid_t parent = getpid();

	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p2c[1]);
		close(c2p[0]);
		pid_t me = getpid();
		CHECK(me != parent);
		CHECK_EQ(getppid(), parent);
		/* The child starts with the parent's values... */
		CHECK_EQ(global_data, 1);
		CHECK_EQ(global_bss, 0);
		CHECK_EQ(local, 100);
		for (int i = 0; i < 3 * 4096; i++)
			if (heap[i] != 'p') {
				CHECK_EQ(heap[i], 'p');
				break;
			}
		for (int i = 0; i < STACK_WORDS; i++)
			if (stack[i] != i * 3) {
				CHECK_EQ(stack[i], i * 3);
				break;
			}
		/* ...then changes its own copy. */
		global_data = 2;
		global_bss = 22;
		local = 200;
		memset(heap, 'c', 3 * 4096);
		for (int i = 0; i < STACK_WORDS; i++)
			stack[i] = -i;
		CHECK_EQ(write(c2p[1], &me, sizeof me), (long)sizeof me);
		/* Wait until the parent has changed its copy. */
		char go;
		CHECK_EQ(read(p2c[0], &go, 1), 1);
		CHECK_EQ(global_data, 2);
		CHECK_EQ(global_bss, 22);
		CHECK_EQ(local, 200);
		CHECK_EQ(heap[0], 'c');
		CHECK_EQ(heap[3 * 4096 - 1], 'c');
		CHECK_EQ(stack[STACK_WORDS - 1], -(STACK_WORDS - 1));
		child_done();
	}
	close(p2c[0]);
	close(c2p[1]);
	pid_t reported = 0;
	CHECK_EQ(read(c2p[0], &reported, sizeof reported), (long)sizeof reported);
	CHECK_EQ(reported, pid); /* the child's getpid() is fork's return value */
	/* The child's writes are invisible here. */
	CHECK_EQ(global_data, 1);
	CHECK_EQ(global_bss, 0);
	CHECK_EQ(local, 100);
	CHECK_EQ(heap[0], 'p');
	CHECK_EQ(heap[3 * 4096 - 1], 'p');
	CHECK_EQ(stack[STACK_WORDS - 1], (STACK_WORDS - 1) * 3);
	/* And the parent's are invisible there (the child checks). */
	global_data = 3;
	global_bss = 33;
	local = 300;
	memset(heap, 'P', 3 * 4096);
	stack[STACK_WORDS - 1] = 7;
	CHECK_EQ(write(p2c[1], "g", 1), 1);
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(global_data, 3);
	close(p2c[1]);
	close(c2p[0]);
	CHECK(sbrk(-3 * 4096) == heap + 3 * 4096);
	printf("fork: address spaces are private in both directions\n");
}

static void test_identity(void)
{
	pid_t parent = getpid();
	struct lde_procinfo me;
	CHECK_EQ(proc_get(0, &me), 0);
	CHECK_EQ(me.pid, parent);
	pid_t pid = fork();
	if (pid == 0) {
		struct lde_procinfo pi;
		CHECK_EQ(proc_get(0, &pi), 0);
		CHECK_EQ(pi.pid, getpid());
		CHECK_EQ(pi.ppid, parent);
		CHECK(!strcmp(pi.name, me.name)); /* fork keeps the name */
		child_done();
	}
	CHECK(pid > 0 && pid != parent);
	struct lde_procinfo pi;
	if (proc_get(pid, &pi) == 0) { /* unless it already was reaped: it cannot be */
		CHECK_EQ(pi.pid, pid);
		CHECK_EQ(pi.ppid, parent);
	} else {
		CHECK(!"procinfo of a fresh child failed");
	}
	int st = reap(pid);
	CHECK_EQ(st, 0);
	/* The child's 0 does not depend on what the registers held: a raw
	 * fork with junk in a0..a5 still returns 0 in the child. */
	fflush(stdout);
	long r = lde_syscall(SYS_fork, 12345, 2, 3, 4, 5, 6);
	if (r == 0)
		_exit(77);
	CHECK(r > pid);
	st = reap((pid_t)r);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 77);
	/* Pids are never reused right away: a new child gets a new pid. */
	pid_t pid2 = fork();
	if (pid2 == 0)
		_exit(0);
	CHECK(pid2 > pid);
	reap(pid2);
}

static int only_parent_writes; /* .data: the child only reads it */
static char kbuf[3 * 4096];    /* holds one whole page only the kernel writes */

/* After fork, a write by one process, or by the kernel into one process's
 * memory (read() from a pipe), is invisible to the other, even to pages
 * the other never wrote. */
static void test_writes_after_fork(void)
{
	int p2c[2], c2p[2], data[2];
	CHECK_EQ(pipe(p2c), 0);
	CHECK_EQ(pipe(c2p), 0);
	CHECK_EQ(pipe(data), 0);
	char *kp = (char *)(((uintptr_t)kbuf + 4095) & ~(uintptr_t)4095);
	strcpy(kp, "original");
	only_parent_writes = 50;
	char *heap = sbrk(4096);
	CHECK(heap != (char *)-1);
	strcpy(heap, "heap original");

	pid_t pid = fork();
	if (pid == 0) {
		char go;
		CHECK_EQ(read(p2c[0], &go, 1), 1); /* the parent has written */
		CHECK_EQ(only_parent_writes, 50);
		CHECK(!strcmp(heap, "heap original"));
		CHECK(!strcmp(kp, "original"));
		/* Now the kernel writes into the child's copy. */
		CHECK_EQ(read(data[0], kp, 9), 9);
		CHECK(!memcmp(kp, "childdata", 9));
		CHECK_EQ(write(c2p[1], "d", 1), 1);
		child_done();
	}
	only_parent_writes = 51;
	strcpy(heap, "heap changed");
	CHECK_EQ(write(data[1], "parentdat", 9), 9);
	CHECK_EQ(read(data[0], kp, 9), 9); /* the kernel writes into our copy */
	CHECK_EQ(write(p2c[1], "g", 1), 1);
	CHECK_EQ(write(data[1], "childdata", 9), 9);
	char c;
	CHECK_EQ(read(c2p[0], &c, 1), 1);
	CHECK(!memcmp(kp, "parentdat", 9)); /* the child's read did not reach us */
	CHECK_EQ(only_parent_writes, 51);
	CHECK(!strcmp(heap, "heap changed"));
	CHECK_EQ(reap(pid), 0);
	CHECK(sbrk(-4096) == heap + 4096);
	for (int i = 0; i < 2; i++) {
		close(p2c[i]);
		close(c2p[i]);
		close(data[i]);
	}
}

/* Several children at once: every pid is distinct and reaped once, with
 * the status that child chose. */
static void test_several(void)
{
	enum { N = 8 };
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0) {
			burn(20000 * (unsigned long)(N - i)); /* finish in varied order */
			_exit(10 + i);
		}
		for (int j = 0; j < i; j++)
			CHECK(pids[j] != pids[i]);
	}
	int seen[N] = { 0 };
	for (int k = 0; k < N; k++) {
		int st;
		pid_t got = wait(&st);
		int idx = -1;
		for (int i = 0; i < N; i++)
			if (pids[i] == got)
				idx = i;
		CHECK(idx >= 0);
		if (idx < 0)
			continue;
		seen[idx]++;
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 10 + idx);
	}
	for (int i = 0; i < N; i++)
		CHECK_EQ(seen[i], 1);
	CHECK_EQ(wait(NULL), -1);
	CHECK_EQ(errno, ECHILD);
	printf("fork: %d children, each reaped once with its own status\n", N);
}

/* A child forks a grandchild and waits for it; the statuses chain up. */
static void test_nested(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		pid_t me = getpid();
		pid_t gc = fork();
		if (gc == 0) {
			CHECK_EQ(getppid(), me);
			_exit(check_failures ? 100 : 40);
		}
		CHECK(gc > me);
		int st;
		CHECK_EQ(wait(&st), gc);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) + 1 : 99);
	}
	int st = reap(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 41);
}

/* Many fork/exit/wait cycles give back every page. */
static void test_no_leak(void)
{
	long before = free_pages();
	for (int i = 0; i < 50; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char *p = sbrk(16 * 4096); /* touch some heap and stack too */
			if (p != (char *)-1)
				for (int k = 0; k < 16; k++)
					p[k * 4096] = 1;
			_exit(i & 0xff);
		}
		int st = reap(pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == i);
	}
	long after = free_pages();
	CHECK_EQ(after, before);
	printf("fork: 50 fork/exit/wait cycles, free pages %ld -> %ld\n", before, after);
}

/* Fork under memory pressure, whatever the copying strategy: a process
 * using 60% of free memory forks. Copying eagerly, fork must fail with
 * ENOMEM and give back every page it took; sharing pages (copy-on-write),
 * fork succeeds, and the child that then writes every page runs out of
 * memory and is killed (SIGKILL). Either way the parent stays intact and
 * every page comes back. (All in a child, so that its big heap's page
 * tables go away with it.) */
static void test_memory_pressure(void)
{
	long before = free_pages();
	pid_t big = fork();
	if (big == 0) {
		/* Our first writes to pages still shared with our parent copy
		 * them; make those now, before the page counts below. */
		warm_up();
		printf("fork: a child grows to 60%% of free memory\n");
		long grow = free_pages() * 6 / 10;
		char *p = sbrk(grow * 4096);
		CHECK(p != (char *)-1);
		if (p == (char *)-1)
			child_done();
		for (long i = 0; i < grow; i++)
			p[i * 4096] = (char)i;
		long full = free_pages();
		pid_t pid = fork();
		if (pid == 0) {
			for (long i = 0; i < grow; i++)
				p[i * 4096] = (char)~i; /* cannot all be copied */
			_exit(0);
		}
		if (pid < 0) {
			CHECK_EQ(errno, ENOMEM);
			printf("fork: under memory pressure (%ld pages): fork failed with ENOMEM\n",
			       grow);
		} else {
			int st = reap(pid);
			CHECK(WIFSIGNALED(st));
			CHECK_EQ(WTERMSIG(st), SIGKILL);
			printf("fork: under memory pressure (%ld pages): the child writing them all "
			       "was killed by signal %d\n",
			       grow, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		}
		CHECK_EQ(free_pages(), full); /* nothing of the attempt is left */
		int bad = 0;
		for (long i = 0; i < grow; i++)
			bad += p[i * 4096] != (char)i; /* the parent is intact */
		CHECK_EQ(bad, 0);
		CHECK(sbrk(-grow * 4096) != (void *)-1);
		pid = fork();
		if (pid == 0)
			_exit(5);
		CHECK(pid > 0);
		int st = reap(pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
		child_done();
	}
	CHECK_EQ(reap(big), 0);
	CHECK_EQ(free_pages(), before);
}

int main(void)
{
	warm_up();
	long before = free_pages();
	test_copy();
	test_writes_after_fork();
	test_identity();
	test_several();
	test_nested();
	test_no_leak();
	test_memory_pressure();
	CHECK_EQ(wait(NULL), -1);
	CHECK_EQ(errno, ECHILD);
	CHECK_EQ(free_pages(), before);
	return check_exit("t_fork");
}
