/* exec(path, argv): the new image replaces the old one (fresh data, bss and
 * heap), the pid and parent stay, argv arrives intact; a failed exec returns
 * an error and leaves the caller's image, memory and pages untouched.
 * Run as init: init=/t_exec. Also its own exec target: t_exec stage2 ... */
#include "t_util.h"

static int marker = 1; /* .data: the caller sets it before exec */
static int bss_marker; /* .bss */

#define STAGE2_STATUS 77

/* The new image: argv[2] is the pid before exec, argv[3] the parent's,
 * argv[4..] must be exactly the strings below. */
static int stage2(int argc, char **argv)
{
	static const char *want[] = { "with space", "", "last" };
	CHECK_EQ(argc, 7);
	if (argc != 7)
		return 1;
	CHECK_EQ(getpid(), atoi(argv[2]));
	CHECK_EQ(getppid(), atoi(argv[3]));
	for (int i = 0; i < 3; i++)
		if (strcmp(argv[4 + i], want[i]))
			printf("FAIL: argv[%d] is '%s', expected '%s'\n", 4 + i, argv[4 + i],
			       want[i]);
	CHECK(argv[argc] == NULL);
	/* A fresh image: the values of the file, not of the old process. */
	CHECK_EQ(marker, 1);
	CHECK_EQ(bss_marker, 0);
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(0, &pi), 0);
	CHECK(!strcmp(pi.name, "t_exec"));
	return check_failures ? 1 : STAGE2_STATUS;
}

static char long_path[300];

static void test_failures(void)
{
	int local = 1234;
	marker = 5;
	bss_marker = 6;
	char *heap = malloc(100);
	CHECK(heap != NULL);
	strcpy(heap, "heap survives");
	long before = free_pages();
	char *argv[] = { "x", NULL };

	struct {
		const char *path;
		int err;
	} bad[] = {
		{ "/no-such-program", ENOENT },
		{ "", ENOENT },
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		CHECK_EQ(exec(bad[i].path, argv), -1);
		CHECK_EQ(errno, bad[i].err);
	}
	/* Bad pointers: the path, argv itself, and a string in argv. */
	/* (Raw calls: the compiler rightly refuses such pointers to exec.) */
	CHECK_EQ(lde_syscall(SYS_exec, 8, (long)argv, 0, 0, 0, 0), -EFAULT);
	CHECK_EQ(lde_syscall(SYS_exec, (long)"/hello", 8, 0, 0, 0, 0), -EFAULT);
	char *badarg[] = { "hello", (char *)16, NULL };
	errno = 0;
	CHECK_EQ(exec("/hello", badarg), -1);
	CHECK_EQ(errno, EFAULT);
	/* Too many arguments, and a path too long. */
	static char *many[LDE_ARG_MAX + 2];
	for (int i = 0; i < LDE_ARG_MAX + 1; i++)
		many[i] = "a";
	many[LDE_ARG_MAX + 1] = NULL;
	errno = 0;
	/* Setting errno must not change the program's own data (the barrier
	 * makes the compiler store errno and reload many[] from memory). */
	__asm__ volatile("" ::: "memory");
	CHECK(many[1] == many[0]);
	CHECK_EQ(exec("/hello", many), -1);
	CHECK_EQ(errno, E2BIG);
	memset(long_path, 'p', sizeof long_path - 1);
	long_path[0] = '/';
	errno = 0;
	CHECK_EQ(exec(long_path, argv), -1);
	CHECK(errno == ENAMETOOLONG || errno == ENOENT);

	/* The caller is exactly as it was. */
	CHECK_EQ(local, 1234);
	CHECK_EQ(marker, 5);
	CHECK_EQ(bss_marker, 6);
	CHECK(!strcmp(heap, "heap survives"));
	CHECK_EQ(free_pages(), before); /* failed execs leak nothing */
	free(heap);
	printf("exec: failed execs return errors and leave the caller intact\n");
}

static void test_replace(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		marker = 99;
		bss_marker = 98;
		char pidbuf[16], ppidbuf[16];
		snprintf(pidbuf, sizeof pidbuf, "%d", getpid());
		snprintf(ppidbuf, sizeof ppidbuf, "%d", parent);
		char *argv[] = {
			"t_exec", "stage2", pidbuf, ppidbuf, "with space", "", "last", NULL
		};
		exec("/t_exec", argv);
		printf("FAIL: exec /t_exec returned, errno %d\n", errno);
		_exit(1);
	}
	int st = reap(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), STAGE2_STATUS);

	/* Another program, whose output the test runner checks. */
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "hello", "a", "b", NULL };
		execv("/hello", argv);
		_exit(1);
	}
	st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* exec takes the program's name; the pid stays; kill still works. */
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "spin", NULL };
		exec("/spin", argv);
		_exit(1);
	}
	long end = uptime() + 2000;
	struct lde_procinfo pi;
	while (uptime() < end && (proc_get(pid, &pi) || strcmp(pi.name, "spin")))
		usleep(1000);
	CHECK_EQ(proc_get(pid, &pi), 0);
	CHECK(!strcmp(pi.name, "spin"));
	CHECK_EQ(pi.pid, pid);
	CHECK_EQ(pi.ppid, parent);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	st = reap(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	/* A big process execs a small one: its memory goes back. */
	long before = free_pages();
	pid = fork();
	if (pid == 0) {
		char *p = sbrk(256 * 4096);
		if (p != (char *)-1)
			for (int i = 0; i < 256; i++)
				p[i * 4096] = 1;
		char *argv[] = { "t_exec", "report", NULL };
		exec("/t_exec", argv);
		_exit(1);
	}
	st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(free_pages(), before);
	printf("exec: image replaced, pid and parent kept, argv passed\n");
}

/* Run after a big process exec'd us: our heap is empty again. */
static int report(void)
{
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(0, &pi), 0);
	CHECK(pi.pages < 100); /* a fresh image, not the 256 heap pages */
	return check_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "stage2"))
		return stage2(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "report"))
		return report();
	warm_up();
	test_failures();
	test_replace();
	CHECK_EQ(wait(NULL), -1);
	return check_exit("t_exec");
}
