/* exec of corrupt executables (scripts/mkbadelf.py writes them into the
 * test initrd as /bad_* and /ok_*) must fail cleanly: -1 with errno
 * ENOEXEC (ENOMEM for bad_nomem_*), the caller still running its own
 * image, and every page back. The ok_* controls, made the same way, must
 * run. Then exec of good programs with arguments.
 *
 * Prints one line per file, "t_badexec: /NAME: ..." (the test suite checks
 * that every variant mkbadelf.py knows appears). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "lde.h"

#define MAX_FILES 128
#define NAME_LEN 64

static char (*names)[NAME_LEN]; /* on the heap */
static int nnames;
static volatile uint64_t sentinel = 0x5eedf00dcafe1234ULL; /* .data */
static volatile uint64_t zeroed;			   /* .bss */
static pid_t my_pid; /* 1 as init; any pid when run from the shell */

static uint64_t free_pages(void)
{
	struct lde_meminfo mi;
	CHECK_EQ(meminfo(&mi), 0);
	return mi.free_pages;
}

/* readdir returns the name's length, 0 past the end. (It once returned the
 * file's size, which is 0 for bad_empty too: so the end is also required
 * to come back without a name.) */
static void list_initrd(void)
{
	for (int i = 0; i < 1000; i++) {
		char buf[NAME_LEN];
		buf[0] = 0;
		long r = initrd_readdir(i, buf, sizeof buf);
		CHECK(r >= 0);
		if (r < 0 || (r == 0 && buf[0] == 0))
			break;
		if (strncmp(buf, "bad_", 4) && strncmp(buf, "ok_", 3))
			continue;
		CHECK(nnames < MAX_FILES);
		if (nnames < MAX_FILES)
			strcpy(names[nnames++], buf);
	}
}

static const char *errname(int e)
{
	switch (e) {
	case ENOEXEC: return "ENOEXEC";
	case ENOMEM: return "ENOMEM";
	case ENOENT: return "ENOENT";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	default: return "?";
	}
}

/* picolibc's errno lives in the TLS block; if the runtime put that block
 * on top of .bss, every failed call would clobber one of our variables
 * and the checks below would blame exec: say so first. */
static int errno_overlaps(volatile void *p, size_t n)
{
	uintptr_t e = (uintptr_t)&errno, a = (uintptr_t)p;
	return e + sizeof(int) > a && e < a + n;
}

static void check_errno_home(void)
{
	const struct {
		const char *name;
		volatile void *p;
		size_t n;
	} objs[] = { { "zeroed", &zeroed, sizeof zeroed },
		     { "nnames", &nnames, sizeof nnames },
		     { "names", &names, sizeof names },
		     { "check_failures", &check_failures, sizeof check_failures } };
	for (unsigned i = 0; i < sizeof objs / sizeof objs[0]; i++) {
		if (errno_overlaps(objs[i].p, objs[i].n)) {
			printf("FAIL: t_badexec: errno (%p) overlaps .bss object %s: the user "
			       "runtime's TLS layout is wrong (not exec's fault)\n",
			       (void *)&errno, objs[i].name);
			check_failures++;
		}
	}
}

/* The caller's image must be exactly as it was. */
static void check_intact(const char *what, volatile uint64_t *stack_var, char *heap)
{
	const char *bad = sentinel != 0x5eedf00dcafe1234ULL ? "a .data variable"
			  : zeroed != 0 && !errno_overlaps(&zeroed, sizeof zeroed)
				  ? "a .bss variable"
			  : *stack_var != 0x57ac4ULL			? "a stack variable"
			  : strcmp(heap, "heap survives exec failures") ? "the heap"
			  : getpid() != my_pid				? "the pid"
									: NULL;
	if (bad) {
		printf("FAIL: t_badexec: %s changed after %s\n", bad, what);
		check_failures++;
	}
}

static int refuse_all(int round, volatile uint64_t *stack_var, char *heap)
{
	int nbad = 0;
	for (int i = 0; i < nnames; i++) {
		if (strncmp(names[i], "bad_", 4))
			continue;
		nbad++;
		char path[NAME_LEN + 1] = "/";
		strcat(path, names[i]);
		char *argv[] = { names[i], "should-not-run", NULL };
		errno = 0;
		int r = exec(path, argv);
		int e = errno;
		int want = strncmp(names[i], "bad_nomem_", 10) ? ENOEXEC : ENOMEM;
		if (r != -1 || e != want) {
			printf("FAIL: t_badexec: %s: exec returned %d errno %d (%s), want -1 %s\n",
			       path, r, e, errname(e), errname(want));
			check_failures++;
		} else if (round == 0) {
			printf("t_badexec: %s: refused, errno %s\n", path, errname(e));
		}
		check_intact(path, stack_var, heap);
	}
	return nbad;
}

static int run_child(const char *path, char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		exec(path, argv);
		printf("FAIL: t_badexec: exec %s: errno %d (%s)\n", path, errno, errname(errno));
		_exit(127);
	}
	CHECK(pid > 0);
	int st = -1;
	CHECK_EQ(wait(&st), pid);
	return st;
}

int main(int argc, char **argv)
{
	volatile uint64_t stack_var = 0x57ac4;
	my_pid = getpid();
	if (getppid() == 0) /* run as init */
		CHECK_EQ(my_pid, 1);
	char *heap = malloc(64);
	CHECK(heap != NULL);
	strcpy(heap, "heap survives exec failures");

	check_errno_home();
	names = malloc(MAX_FILES * NAME_LEN);
	CHECK(names != NULL);
	list_initrd();
	printf("t_badexec: %d bad_*/ok_* files in the initrd\n", nnames);
	CHECK(nnames > 0);

	/* Warm up (stack pages, page tables), then measure. */
	char *nope[] = { "nope", NULL };
	CHECK_EQ(exec("/bad_empty", nope), -1);
	int st = run_child("/hello", nope);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	uint64_t base = free_pages();

	int nbad = 0;
	for (int round = 0; round < 3; round++)
		nbad = refuse_all(round, &stack_var, heap);
	CHECK(nbad > 0);

	/* Missing files. */
	const char *missing[] = { "/bad_does_not_exist",
				  "/no/such/file",
				  "/",
				  "",
				  "/hell",
				  "/helloo",
				  "/hello/x",
				  "/HELLO" };
	for (unsigned i = 0; i < sizeof missing / sizeof missing[0]; i++) {
		errno = 0;
		CHECK_EQ(exec(missing[i], nope), -1);
		CHECK_EQ(errno, ENOENT);
		check_intact(missing[i], &stack_var, heap);
	}
	printf("t_badexec: missing files: ENOENT\n");

	uint64_t after = free_pages();
	printf("t_badexec: %d bad files x 3 refused; free pages %lu, before %lu\n", nbad,
	       (unsigned long)after, (unsigned long)base);
	CHECK_EQ(after, base);

	/* The controls run (as the good program: hello prints its argv). */
	for (int i = 0; i < nnames; i++) {
		if (strncmp(names[i], "ok_", 3))
			continue;
		char path[NAME_LEN + 1] = "/";
		strcat(path, names[i]);
		char *args[] = { names[i], "control", NULL };
		st = run_child(path, args);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			printf("t_badexec: %s: ran, status 0\n", path);
		else
			printf("FAIL: t_badexec: %s: status 0x%x, want exit 0\n", path, st),
				check_failures++;
	}

	/* Good programs with arguments, from a child (exec replaces it). */
	char *hello[] = { "hello", "one", "two", NULL };
	st = run_child("/hello", hello);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
	/* t_args checks its own pid and ppid (exec keeps both) and exits 7;
	 * it prints its argv, which the suite compares. */
	char pidarg[32], ppidarg[32];
	pid_t pid = fork();
	if (pid == 0) {
		snprintf(pidarg, sizeof pidarg, "pid=%d", getpid());
		snprintf(ppidarg, sizeof ppidarg, "ppid=%d", getppid());
		char *targs[] = { "t_args", "with space", "",	   pidarg,
				  ppidarg,  "exit=7",	  "quiet", NULL };
		exec("/t_args", targs);
		printf("FAIL: t_badexec: exec /t_args: errno %d\n", errno);
		_exit(127);
	}
	CHECK_EQ(wait(&st), pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 7);
	/* argv == NULL: argc 0, still runs. */
	st = run_child("/hello", NULL);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	CHECK_EQ(free_pages(), base);
	check_intact("the good execs", &stack_var, heap);
	printf("t_badexec: caller still running as pid %d\n", getpid());
	return check_exit("t_badexec");
}
