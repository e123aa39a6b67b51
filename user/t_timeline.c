/* The event timeline's system call and ring buffer (docs/timeline.md).
 *   t_timeline wrap   run as init with timeline=16: 300 system calls, far
 *                     more events than the ring holds; the kernel never
 *                     waits for room (tests/suites/timeline.py checks the
 *                     dump: the newest 16 events, whole and in order)
 *   t_timeline ops    bad operations are refused; a dump with nothing
 *                     recorded is empty; turning recording on records this
 *                     process from then on
 *   t_timeline faults run as init with timeline=all: a heap page touched
 *                     (lazy), then written by fork's child (copy on write), a
 *                     null write (fatal), each after a mark with its address
 *                     (tests/suites/timeline.py finds them)
 *   t_timeline pipe   run as init with timeline=all: init sleeps reading a
 *                     pipe, its child waits for that, writes a byte and exits
 *                     (state changes, the exit)
 *   t_timeline exec   a child that execs /true (fork, exec with its path, exit)
 *   t_timeline ipc    a server child receives one call from init and replies
 *   t_timeline idle   sleeps with nothing else runnable: the timer interrupt
 *                     arrives in the idle loop */
#include <string.h>
#include "t_util.h"

/* Not a constant: the compiler would refuse a store through it. */
static volatile uintptr_t unmapped = 8;

static int faults(void)
{
	volatile char *heap = sbrk(4096);
	CHECK(heap != (void *)-1);
	CHECK(timeline(LDE_TL_OP_MARK, (long)heap) == 0);
	heap[0] = 1;
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		timeline(LDE_TL_OP_MARK, (long)(heap + 1));
		heap[1] = 2; /* the heap page nothing else writes */
		timeline(LDE_TL_OP_MARK, (long)unmapped);
		*(volatile int *)unmapped = 1;
		_exit(1);
	}
	int st;
	CHECK(wait(&st) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	CHECK(heap[1] == 0);
	printf("PASS: t_timeline\n");
	return 0;
}

/* Yield until process pid sleeps (no race with the scheduler: waits for
 * the state, not for time). */
static void wait_until_sleeping(int pid)
{
	struct lde_procinfo info;
	while (procinfo(pid, &info, 1) == 1 && info.state != LDE_P_SLEEPING)
		yield();
}

static int pipe_scene(void)
{
	int fd[2];
	char c = 0;
	CHECK(pipe(fd) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		wait_until_sleeping(getppid());
		CHECK(write(fd[1], "x", 1) == 1);
		_exit(0);
	}
	CHECK(read(fd[0], &c, 1) == 1 && c == 'x');
	int st;
	CHECK(wait(&st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	printf("PASS: t_timeline\n");
	return 0;
}

static int exec_scene(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "true", NULL };
		exec("/true", argv);
		_exit(127);
	}
	int st;
	CHECK(wait(&st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	printf("PASS: t_timeline\n");
	return 0;
}

static int ipc_scene(void)
{
	int ep = ep_create();
	CHECK(ep >= 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	struct lde_msg m = { 0 };
	if (pid == 0) {
		CHECK(ipc_recv(ep, &m) == 7 && m.w[0] == 11);
		m.info = 8;
		m.w[0] = 12;
		CHECK(ipc_reply(&m) == 0);
		_exit(0);
	}
	wait_until_sleeping(pid); /* in its recv */
	m.info = 7;
	m.w[0] = 11;
	CHECK(ipc_call(ep, &m, NULL) == 8 && m.w[0] == 12);
	int st;
	CHECK(wait(&st) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	printf("PASS: t_timeline\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "pipe"))
		return pipe_scene();
	if (argc == 2 && !strcmp(argv[1], "exec"))
		return exec_scene();
	if (argc == 2 && !strcmp(argv[1], "ipc"))
		return ipc_scene();
	if (argc == 2 && !strcmp(argv[1], "idle")) {
		CHECK(usleep(2000) == 0);
		printf("PASS: t_timeline\n");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "wrap")) {
		for (int i = 0; i < 300; i++)
			CHECK(getpid() == 1);
		printf("PASS: t_timeline\n");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "ops")) {
		CHECK(timeline(99, 0) == -1 && errno == EINVAL);
		CHECK(timeline(-1, 0) == -1 && errno == EINVAL);
		CHECK(timeline(LDE_TL_OP_DUMP, 0) == 0); /* nothing recorded: 0 events */
		CHECK(timeline(LDE_TL_OP_ON, 0) == 0);
		CHECK(timeline(LDE_TL_OP_MARK, 77) == 0);
		CHECK(getppid() == 0);
		CHECK(timeline(LDE_TL_OP_OFF, 0) == 0);
		CHECK(getppid() == 0); /* not recorded */
		CHECK(timeline(LDE_TL_OP_DUMP, 0) == 0);
		printf("PASS: t_timeline\n");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "faults"))
		return faults();
	fprintf(stderr, "usage: t_timeline wrap|ops|faults|pipe|exec|ipc|idle\n");
	return 2;
}
