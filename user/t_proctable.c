/* The process table: fork until it is full; fork then fails cleanly with
 * EAGAIN (no crash, no page lost, the count is the table size minus the
 * live processes), again and again; after reaping everything fork works
 * again, the table fills to the same count, and memory is back.
 * Run as init (init=/t_proctable) or from the shell: the count is relative
 * to the processes there were at the start. */
#include "t_util.h"

#define MAX_CHILDREN 512

static pid_t kids[MAX_CHILDREN];
static struct lde_procinfo table[MAX_CHILDREN + 64];
#define TABLE_N ((int)(sizeof table / sizeof table[0]))

/* Fill the table with children blocked reading a pipe (half of them) or
 * already zombies (the other half). Returns how many forks succeeded. */
static int fill(int release_fd_out[1])
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	int live_before = procinfo(-1, table, TABLE_N);
	int n = 0;
	for (;;) {
		long free_before = free_pages();
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[1]);
			if (n & 1)
				_exit(n & 0xff); /* a zombie */
			char c;
			ssize_t r = read(fds[0], &c, 1); /* until the write end closes */
			_exit(r == 0 ? (n & 0xff) : 200);
		}
		if (pid < 0) {
			CHECK_EQ(errno, EAGAIN);
			/* (Whether the failed fork took pages is checked below: here
			 * our own first writes since the last fork may have had to
			 * copy pages shared with that child.) */
			(void)free_before;
			break;
		}
		if (n == MAX_CHILDREN) {
			CHECK(!"fork never fails");
			break;
		}
		kids[n++] = pid;
	}
	/* Let every child get where it stays (the odd ones zombies, the even
	 * ones asleep on the pipe): until then their first writes and their
	 * exits change the free-page count under us. */
	for (int i = 0; i < n; i++)
		CHECK_EQ(wait_state(kids[i], (i & 1) ? LDE_P_ZOMBIE : LDE_P_SLEEPING, 5000), 0);
	/* It keeps failing the same way, and a failed fork takes no page. */
	for (int i = 0; i < 5; i++) {
		long f = free_pages();
		errno = 0;
		CHECK_EQ(fork(), -1);
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(free_pages(), f);
	}
	int listed = procinfo(-1, table, TABLE_N);
	printf("proctable: %d processes before, %d forks succeeded, %d slots in use when full\n",
	       live_before, n, listed);
	CHECK_EQ(listed, live_before + n);
	CHECK(n >= 16);
	close(fds[0]);
	release_fd_out[0] = fds[1];
	return n;
}

static void drain(int n, int release_fd)
{
	CHECK_EQ(close(release_fd), 0); /* the blocked half sees end-of-file */
	int reaped = 0, bad = 0;
	for (;;) {
		int st;
		pid_t got = wait(&st);
		if (got < 0) {
			CHECK_EQ(errno, ECHILD);
			break;
		}
		int idx = -1;
		for (int i = 0; i < n; i++)
			if (kids[i] == got)
				idx = i;
		if (idx < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != (idx & 0xff)) {
			bad++;
			printf("FAIL: reaped pid %d status 0x%x (index %d)\n", got, st, idx);
		} else {
			kids[idx] = -1;
		}
		reaped++;
	}
	CHECK_EQ(reaped, n);
	CHECK_EQ(bad, 0);
}

int main(void)
{
	warm_up();
	long before = free_pages();
	int rel;
	int n1 = fill(&rel);
	drain(n1, rel);
	CHECK_EQ(free_pages(), before);

	/* fork works again. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(17);
	CHECK(pid > 0);
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 17);

	/* Every slot came back: the table fills to the same count. */
	int n2 = fill(&rel);
	CHECK_EQ(n2, n1);
	drain(n2, rel);
	long after = free_pages();
	CHECK_EQ(after, before);
	printf("proctable: filled twice with %d children; free pages %ld before, %ld after\n", n1,
	       before, after);
	return check_exit("t_proctable");
}
