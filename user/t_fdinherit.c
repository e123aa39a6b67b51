/* Descriptors across fork and exec: a child inherits every open descriptor
 * (console, pipes, dups) at the same numbers; closing in one process does
 * not close in the other; descriptors survive exec; a pipe carries a
 * ping-pong between parent and child.
 * Run as init: init=/t_fdinherit. Also its own exec target:
 * t_fdinherit exec FD */
#include "t_util.h"

static void test_inherit(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	int d = dup(fds[1]);
	CHECK(d > fds[1]);
	pid_t pid = fork();
	if (pid == 0) {
		/* The same numbers, the same pipes. */
		CHECK_EQ(write(1, "fdinherit: child writes to the inherited console\n", 49), 49);
		CHECK_EQ(write(fds[1], "from child;", 11), 11);
		CHECK_EQ(write(d, "via dup;", 8), 8);
		/* Closing here does not close the parent's. */
		CHECK_EQ(close(fds[0]), 0);
		CHECK_EQ(close(fds[1]), 0);
		CHECK_EQ(close(d), 0);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	char buf[64] = { 0 };
	CHECK_EQ(read(fds[0], buf, sizeof buf), 19); /* our read end still works */
	CHECK(!memcmp(buf, "from child;via dup;", 19));
	CHECK_EQ(write(fds[1], "still", 5), 5); /* our write end too */
	CHECK_EQ(read(fds[0], buf, sizeof buf), 5);
	close(fds[0]);
	close(fds[1]);
	close(d);
}

/* Descriptors survive exec: the new image writes to the number it is given. */
static void test_exec(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		char fdbuf[8];
		snprintf(fdbuf, sizeof fdbuf, "%d", fds[1]);
		char *argv[] = { "t_fdinherit", "exec", fdbuf, NULL };
		exec("/t_fdinherit", argv);
		_exit(1);
	}
	close(fds[1]);
	char buf[64] = { 0 };
	long n = read_all(fds[0], buf, sizeof buf - 1);
	CHECK(!strcmp(buf, "survived exec"));
	CHECK_EQ(n, 13);
	CHECK_EQ(reap(pid), 0);
	close(fds[0]);
}

/* Ping-pong: the parent sends n, the child answers n + 1, 500 times. */
static void test_ping_pong(void)
{
	int p2c[2], c2p[2];
	CHECK_EQ(pipe(p2c), 0);
	CHECK_EQ(pipe(c2p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p2c[1]);
		close(c2p[0]);
		long v, rounds = 0;
		while (read_all(p2c[0], &v, sizeof v) == sizeof v) {
			v++;
			write_all(c2p[1], &v, sizeof v);
			rounds++;
		}
		_exit(rounds == 500 ? 0 : 1);
	}
	close(p2c[0]);
	close(c2p[1]);
	long v = 0;
	for (int i = 0; i < 500; i++) {
		CHECK_EQ(write_all(p2c[1], &v, sizeof v), (long)sizeof v);
		long r = -1;
		CHECK_EQ(read_all(c2p[0], &r, sizeof r), (long)sizeof r);
		CHECK_EQ(r, v + 1);
		v = r + 1;
	}
	close(p2c[1]); /* the child sees end-of-file and exits */
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(read(c2p[0], &v, sizeof v), 0);
	close(c2p[0]);
}

/* A grandchild inherits from a child, which inherited from us: three
 * generations write into one pipe; end-of-file when all are gone. */
static void test_generations(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		pid_t gc = fork();
		if (gc == 0) {
			usleep(50000);
			write(fds[1], "G", 1);
			_exit(0);
		}
		write(fds[1], "C", 1);
		wait(NULL);
		_exit(0);
	}
	write(fds[1], "P", 1);
	close(fds[1]);
	char buf[8];
	long n = read_all(fds[0], buf, sizeof buf);
	CHECK_EQ(n, 3);
	CHECK(memchr(buf, 'P', 3) && memchr(buf, 'C', 3) && memchr(buf, 'G', 3));
	CHECK_EQ(reap(pid), 0);
	close(fds[0]);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "exec")) {
		int fd = atoi(argv[2]);
		return write(fd, "survived exec", 13) == 13 ? 0 : 1;
	}
	warm_up();
	long before = free_pages();
	test_inherit();
	test_exec();
	test_ping_pong();
	test_generations();
	/* Back to the three console descriptors: the next pipe is 3, 4. */
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(fds[0], 3);
	CHECK_EQ(fds[1], 4);
	close(fds[0]);
	close(fds[1]);
	CHECK_EQ(free_pages(), before);
	return check_exit("t_fdinherit");
}
