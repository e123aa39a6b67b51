/* Pipes and descriptors: 0, 1, 2 are the console; read, write, close, dup
 * (lowest free descriptor); reads that block until data or end-of-file,
 * writes that block while the pipe is full (64 KiB through a slow reader
 * arrive whole and in order); end-of-file only when every writer, inherited
 * copies included, has closed; EPIPE with no reader; EBADF.
 * Run as init: init=/t_pipe */
#include "t_util.h"

#define BIG 65536

static unsigned char pattern(long i) { return (unsigned char)((i * 7 + i / 4093) % 251); }

static void test_console_fds(void)
{
	CHECK_EQ(write(1, "pipe: fd 1 is the console\n", 26), 26);
	CHECK_EQ(write(2, "pipe: fd 2 is the console\n", 26), 26);
	/* 0, 1 and 2 are taken, so a first pipe gets 3 and 4. */
	int fds[2] = { -1, -1 };
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(fds[0], 3);
	CHECK_EQ(fds[1], 4);
	close(fds[0]);
	close(fds[1]);
	/* fd 0 is open too: its dup takes the lowest free descriptor. */
	int d = dup(0);
	CHECK_EQ(d, 3);
	CHECK_EQ(close(d), 0);
}

static void test_basic(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(write(fds[1], "hello", 5), 5);
	CHECK_EQ(write(fds[1], ", world", 7), 7);
	char buf[64] = { 0 };
	/* A read returns what is there, even if it asked for more. */
	CHECK_EQ(read(fds[0], buf, sizeof buf), 12);
	CHECK(!memcmp(buf, "hello, world", 12));
	/* Partial reads keep the rest in order. */
	CHECK_EQ(write(fds[1], "abcdef", 6), 6);
	CHECK_EQ(read(fds[0], buf, 2), 2);
	CHECK(!memcmp(buf, "ab", 2));
	CHECK_EQ(read(fds[0], buf, 10), 4);
	CHECK(!memcmp(buf, "cdef", 4));
	/* Zero-byte transfers. */
	CHECK_EQ(write(fds[1], buf, 0), 0);
	CHECK_EQ(read(fds[0], buf, 0), 0);
	/* The wrong end: EBADF. */
	errno = 0;
	CHECK_EQ(write(fds[0], "x", 1), -1);
	CHECK_EQ(errno, EBADF);
	errno = 0;
	CHECK_EQ(read(fds[1], buf, 1), -1);
	CHECK_EQ(errno, EBADF);
	/* Bad buffers: EFAULT, and the pipe still works. */
	errno = 0;
	CHECK_EQ(write(fds[1], (void *)8, 4), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(write(fds[1], "ok", 2), 2);
	errno = 0;
	CHECK_EQ(read(fds[0], (void *)8, 2), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(read(fds[0], buf, 2), 2);
	CHECK(!memcmp(buf, "ok", 2));
	/* End-of-file once the only writer closes; data before it first. */
	CHECK_EQ(write(fds[1], "z", 1), 1);
	CHECK_EQ(close(fds[1]), 0);
	CHECK_EQ(read(fds[0], buf, 10), 1);
	CHECK_EQ(read(fds[0], buf, 10), 0);
	CHECK_EQ(read(fds[0], buf, 10), 0);
	CHECK_EQ(close(fds[0]), 0);
}

static void test_dup_close(void)
{
	int a[2], b[2];
	CHECK_EQ(pipe(a), 0); /* 3, 4 */
	CHECK_EQ(pipe(b), 0); /* 5, 6 */
	CHECK_EQ(a[0], 3);
	CHECK_EQ(b[1], 6);
	CHECK_EQ(close(a[0]), 0);
	CHECK_EQ(dup(b[1]), 3); /* the lowest free descriptor */
	CHECK_EQ(dup(b[1]), 7);
	/* Writes through a dup arrive in the same pipe. */
	CHECK_EQ(write(3, "one", 3), 3);
	CHECK_EQ(write(7, "two", 3), 3);
	CHECK_EQ(close(b[1]), 0); /* the dups still hold the write end */
	char buf[16];
	CHECK_EQ(read(b[0], buf, sizeof buf), 6);
	CHECK(!memcmp(buf, "onetwo", 6));
	CHECK_EQ(close(3), 0);
	CHECK_EQ(write(7, "x", 1), 1);
	CHECK_EQ(close(7), 0); /* the last writer */
	CHECK_EQ(read(b[0], buf, sizeof buf), 1);
	CHECK_EQ(read(b[0], buf, sizeof buf), 0);
	/* Bad descriptors. */
	int badfds[] = { -1, 3, 7, 16, 99, 1 << 20 };
	for (unsigned i = 0; i < sizeof badfds / sizeof badfds[0]; i++) {
		errno = 0;
		CHECK_EQ(close(badfds[i]), -1);
		CHECK_EQ(errno, EBADF);
		errno = 0;
		CHECK_EQ(dup(badfds[i]), -1);
		CHECK_EQ(errno, EBADF);
		errno = 0;
		CHECK_EQ(read(badfds[i], buf, 1), -1);
		CHECK_EQ(errno, EBADF);
		errno = 0;
		CHECK_EQ(write(badfds[i], buf, 1), -1);
		CHECK_EQ(errno, EBADF);
	}
	CHECK_EQ(close(b[0]), 0);
	errno = 0;
	CHECK_EQ(close(b[0]), -1); /* twice */
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(close(a[1]), 0);
	/* The descriptor table is full at 16; dup says EMFILE. */
	int n = 0, last = -1;
	for (;;) {
		int d = dup(1);
		if (d < 0) {
			CHECK_EQ(errno, EMFILE);
			break;
		}
		last = d;
		n++;
	}
	CHECK_EQ(n, 13); /* 3..15 */
	CHECK_EQ(last, 15);
	int f[2];
	errno = 0;
	CHECK_EQ(pipe(f), -1);
	CHECK_EQ(errno, EMFILE);
	for (int d = 3; d <= 15; d++)
		CHECK_EQ(close(d), 0);
}

/* The writer is a child sending 64 KiB in one write(); the reader reads
 * small pieces slowly. Both block in turn; the bytes arrive in order. */
static void test_big_slow_reader(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		static unsigned char out[BIG];
		for (long i = 0; i < BIG; i++)
			out[i] = pattern(i);
		long t0 = uptime();
		CHECK_EQ(write(fds[1], out, BIG), BIG); /* returns only when all is in */
		long took = uptime() - t0;
		CHECK(took >= 100); /* it had to wait for the slow reader */
		/* And in odd-sized pieces, continuing the sequence. */
		for (long i = 0; i < BIG; i++)
			out[i] = pattern(BIG + i);
		for (long off = 0; off < BIG;) {
			long n = BIG - off < 1237 ? BIG - off : 1237;
			CHECK_EQ(write(fds[1], out + off, n), n);
			off += n;
		}
		child_done();
	}
	close(fds[1]);
	static unsigned char in[2 * BIG];
	long got = 0, reads = 0;
	long t0 = uptime();
	for (;;) {
		long want = got < BIG ? 700 : 3000;
		if (want > 2 * BIG - got)
			want = 2 * BIG - got;
		if (want == 0)
			break;
		ssize_t n = read(fds[0], in + got, (size_t)want);
		if (n <= 0) {
			CHECK(n == 0);
			break;
		}
		got += n;
		reads++;
		if (got < BIG && reads % 4 == 0)
			usleep(5000); /* slow */
	}
	long took = uptime() - t0;
	CHECK_EQ(got, 2 * BIG);
	long bad = -1;
	for (long i = 0; i < got; i++)
		if (in[i] != pattern(i)) {
			bad = i;
			break;
		}
	CHECK_EQ(bad, -1);
	CHECK_EQ(read(fds[0], in, 1), 0); /* the writer exited: end-of-file */
	int st = reap(pid);
	CHECK_EQ(st, 0);
	close(fds[0]);
	printf("pipe: %d bytes through a slow reader in %ld reads, %ld ms, in order\n", 2 * BIG,
	       reads, took);
}

/* A read blocks until a writer writes. */
static void test_blocking_read(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		usleep(150000);
		write(fds[1], "late", 4);
		_exit(0);
	}
	close(fds[1]);
	char buf[8];
	long t0 = uptime();
	CHECK_EQ(read(fds[0], buf, sizeof buf), 4);
	long took = uptime() - t0;
	CHECK(took >= 100);
	CHECK(!memcmp(buf, "late", 4));
	CHECK_EQ(read(fds[0], buf, sizeof buf), 0);
	reap(pid);
	close(fds[0]);
}

/* End-of-file waits for every copy of the write end, inherited ones too. */
static void test_eof_inherited(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	enum { N = 3 };
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(fds[0]);
			usleep(100000 * (i + 1));
			char c = (char)('a' + i);
			write(fds[1], &c, 1);
			_exit(0); /* closes its copy */
		}
	}
	CHECK_EQ(close(fds[1]), 0); /* ours is closed; theirs are not */
	char buf[8];
	long t0 = uptime();
	long got = 0;
	ssize_t n;
	while ((n = read(fds[0], buf + got, sizeof buf - got)) > 0)
		got += n;
	long took = uptime() - t0;
	CHECK_EQ(n, 0);
	CHECK_EQ(got, N);
	CHECK(!memcmp(buf, "abc", 3));
	CHECK(took >= 250); /* not before the last child exited */
	for (int i = 0; i < N; i++)
		reap(pids[i]);
	close(fds[0]);
	printf("pipe: end-of-file after the last of %d inherited writers, %ld ms\n", N, took);
}

static void test_epipe(void)
{
	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(close(fds[0]), 0);
	errno = 0;
	CHECK_EQ(write(fds[1], "x", 1), -1);
	CHECK_EQ(errno, EPIPE);
	CHECK_EQ(close(fds[1]), 0);

	/* A writer blocked on a full pipe learns EPIPE when the last reader,
	 * in another process, goes away. */
	CHECK_EQ(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[1]);
		char buf[100];
		read_all(fds[0], buf, sizeof buf);
		usleep(100000);
		_exit(0); /* closes the only read end */
	}
	close(fds[0]);
	static char big[BIG];
	long r = write(fds[1], big, BIG); /* blocks, then the reader dies */
	CHECK(r > 0 && r < BIG);	  /* what went in before */
	errno = 0;
	CHECK_EQ(write(fds[1], big, 1), -1);
	CHECK_EQ(errno, EPIPE);
	reap(pid);
	close(fds[1]);
	printf("pipe: EPIPE with no reader (after %ld bytes were accepted)\n", r);
}

/* Pipes are given back: many created and closed leak nothing. */
static void test_no_leak(void)
{
	long before = free_pages();
	for (int i = 0; i < 200; i++) {
		int fds[2];
		if (pipe(fds)) {
			CHECK(!"pipe failed");
			break;
		}
		write(fds[1], "x", 1);
		close(fds[i & 1]);
		close(fds[!(i & 1)]);
	}
	CHECK_EQ(free_pages(), before);
}

int main(void)
{
	/* Run from a shell that has a disk, the program holds the disk's
	 * client descriptor (BLK_FD, 15: user/init.c); the table checks
	 * below count on a table of its own. */
	close(15);
	warm_up();
	long before = free_pages();
	test_console_fds();
	test_basic();
	test_dup_close();
	test_big_slow_reader();
	test_blocking_read();
	test_eof_inherited();
	test_epipe();
	test_no_leak();
	CHECK_EQ(free_pages(), before);
	return check_exit("t_pipe");
}
