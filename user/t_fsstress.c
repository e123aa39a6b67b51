/* Stress and edge cases of files on the disk, of the kinds a classic
 * teaching kernel's file-system tests exercise (issue 14, "Reliability"):
 * races between processes on the same names, concurrent writers, a
 * descriptor shared across fork, big files, many files, deep and long
 * paths, and the errors POSIX gives for the odd cases. As init, on a fresh
 * rootfs image (tests/suites/fsstress.py, which runs e2fsck -fn after).
 *
 *   t_fsstress SCENARIO...   runs each scenario in turn, then syncs
 *
 * Every scenario works under /tmp/NAME, removes what it made, and checks
 * that the server's free blocks and inodes and its open handles are back
 * where they were (leaks there are what e2fsck would call them too). */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include "blk.h"
#include "dirent.h"
#include "fssvc.h"
#include "t_util.h"
#include "t_disk.h"

static char pathbuf[512];

/* snprintf into a static buffer: the scenarios' many generated names. */
#define P(...) (snprintf(pathbuf, sizeof pathbuf, __VA_ARGS__), pathbuf)

static int start(void)
{
	int svc;
	t_disk_start(NULL);
	int r = t_fs_start(NULL, NULL, &svc);
	CHECK_EQ(r, 0);
	return r;
}

/* The server's counts a scenario must leave as it found them. */
struct counts {
	uint64_t bfree, ffree, handles;
};

static struct counts counts(void)
{
	struct lde_statfs st = { 0 };
	CHECK_EQ(lde_sys_statfs("/", &st), 0);
	return (struct counts){ st.bfree, st.ffree, st.open_handles };
}

static void same_counts(const char *what, struct counts a)
{
	struct counts b = counts();
	if (a.bfree != b.bfree || a.ffree != b.ffree || a.handles != b.handles) {
		check_failures++;
		printf("FAIL: %s: free blocks %lu -> %lu, free inodes %lu -> %lu, handles %lu -> %lu\n",
		       what, (unsigned long)a.bfree, (unsigned long)b.bfree, (unsigned long)a.ffree,
		       (unsigned long)b.ffree, (unsigned long)a.handles, (unsigned long)b.handles);
	}
}

static uint32_t rnd_state;
static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Wait for n children; each must exit 0. */
static void reap_all(int n)
{
	for (int i = 0; i < n; i++) {
		int st = -1;
		pid_t pid = wait(&st);
		CHECK(pid > 0);
		if (st != 0)
			printf("FAIL: child %d: status %#x\n", pid, st);
		CHECK_EQ(st, 0);
	}
}

/* The names in dir other than "." and "..", each counted in seen[] by the
 * number after prefix (names without it are errors); returns how many. */
static int list_dir(const char *dir, const char *prefix, unsigned char *seen, int max)
{
	DIR *d = opendir(dir);
	CHECK(d != NULL);
	if (!d)
		return -1;
	int n = 0;
	size_t pl = strlen(prefix);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		int i = strncmp(e->d_name, prefix, pl) ? -1 : atoi(e->d_name + pl);
		if (i < 0 || i >= max) {
			printf("FAIL: %s: unexpected entry %s\n", dir, e->d_name);
			check_failures++;
		} else if (seen) {
			seen[i]++;
		}
	}
	closedir(d);
	return n;
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) < 0 ? -1 : (long)st.st_size;
}

/* ---- races on names ------------------------------------------------------ */

#define NAMES 20
#define KIDS 4

/* Several children create, write, close and unlink the same names at once:
 * every call succeeds or fails with the error the race explains, and when
 * all is done nothing is left. */
static void createdelete(void)
{
	struct counts c0 = counts();
	CHECK_EQ(mkdir("/tmp/cd", 0755), 0);
	for (int k = 0; k < KIDS; k++) {
		if (fork() == 0) {
			rnd_state = 12345u + (uint32_t)k * 7919u;
			for (int it = 0; it < 150; it++) {
				int i = (int)(rnd() % NAMES);
				if (rnd() % 2) {
					int fd = open(P("/tmp/cd/f%d", i), O_CREAT | O_RDWR, 0644);
					CHECK(fd >= 0);
					char b[300];
					memset(b, 'a' + k, sizeof b);
					CHECK_EQ(write(fd, b, sizeof b), sizeof b);
					close(fd);
				} else if (unlink(P("/tmp/cd/f%d", i)) < 0) {
					CHECK_EQ(errno, ENOENT);
				}
			}
			child_done();
		}
	}
	reap_all(KIDS);
	unsigned char seen[NAMES] = { 0 };
	list_dir("/tmp/cd", "f", seen, NAMES);
	for (int i = 0; i < NAMES; i++) {
		CHECK(seen[i] <= 1);
		if (seen[i]) {
			struct stat st;
			CHECK_EQ(stat(P("/tmp/cd/f%d", i), &st), 0);
			CHECK_EQ(st.st_nlink, 1);
			CHECK_EQ(unlink(pathbuf), 0);
		}
	}
	CHECK_EQ(list_dir("/tmp/cd", "f", NULL, NAMES), 0);
	CHECK_EQ(rmdir("/tmp/cd"), 0);
	same_counts("createdelete", c0);
	printf("fsstress: %d processes creating and deleting the same %d names\n", KIDS, NAMES);
}

/* O_CREAT of the same names by several children at once: one file each
 * in the end, and with O_EXCL exactly one child wins each name. */
static void concreate(void)
{
	struct counts c0 = counts();
	CHECK_EQ(mkdir("/tmp/cc", 0755), 0);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	for (int k = 0; k < KIDS; k++) {
		if (fork() == 0) {
			close(p[0]);
			for (int i = 0; i < NAMES; i++) {
				int n = (i + k * 5) % NAMES; /* each starts elsewhere */
				int fd = open(P("/tmp/cc/c%d", n), O_CREAT | O_WRONLY, 0644);
				CHECK(fd >= 0);
				close(fd);
				fd = open(P("/tmp/cc/x%d", n), O_CREAT | O_EXCL | O_WRONLY, 0644);
				if (fd >= 0) {
					char c = (char)n;
					CHECK_EQ(write(p[1], &c, 1), 1); /* a win */
					close(fd);
				} else {
					CHECK_EQ(errno, EEXIST);
				}
			}
			child_done();
		}
	}
	close(p[1]);
	reap_all(KIDS);
	unsigned char wins[NAMES] = { 0 };
	char c;
	while (read(p[0], &c, 1) == 1)
		wins[(int)c]++;
	close(p[0]);
	unsigned char seen[NAMES] = { 0 };
	DIR *d = opendir("/tmp/cc");
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == 'c' || e->d_name[0] == 'x') {
			n++;
			seen[atoi(e->d_name + 1)] += e->d_name[0] == 'c' ? 1 : 16;
		}
	}
	if (d)
		closedir(d);
	CHECK_EQ(n, 2 * NAMES);
	for (int i = 0; i < NAMES; i++) {
		CHECK_EQ(seen[i], 17);
		CHECK_EQ(wins[i], 1);
		CHECK_EQ(unlink(P("/tmp/cc/c%d", i)), 0);
		CHECK_EQ(unlink(P("/tmp/cc/x%d", i)), 0);
	}
	CHECK_EQ(rmdir("/tmp/cc"), 0);
	same_counts("concreate", c0);
	printf("fsstress: concurrent O_CREAT of the same names: one file each, one O_EXCL winner\n");
}

/* link, unlink and create of the same names by several children at once
 * (a few real files, each known under several names); afterwards every
 * file's link count is the number of names it has. */
static void linkunlink(void)
{
	struct counts c0 = counts();
	CHECK_EQ(mkdir("/tmp/lu", 0755), 0);
	for (int k = 0; k < KIDS; k++) {
		if (fork() == 0) {
			rnd_state = 777u + (uint32_t)k * 104729u;
			for (int it = 0; it < 200; it++) {
				int a = (int)(rnd() % NAMES), b = (int)(rnd() % NAMES);
				char from[32];
				snprintf(from, sizeof from, "/tmp/lu/n%d", a);
				switch (rnd() % 3) {
				case 0: {
					int fd = open(from, O_CREAT | O_RDWR, 0644);
					CHECK(fd >= 0);
					close(fd);
					break;
				}
				case 1:
					if (link(from, P("/tmp/lu/n%d", b)) < 0 && errno != EEXIST)
						CHECK_EQ(errno, ENOENT);
					break;
				default:
					if (unlink(from) < 0)
						CHECK_EQ(errno, ENOENT);
				}
			}
			child_done();
		}
	}
	reap_all(KIDS);
	/* Count each inode's names. */
	uint64_t ino[NAMES];
	int nl[NAMES];
	for (int i = 0; i < NAMES; i++) {
		struct stat st;
		ino[i] = 0;
		if (stat(P("/tmp/lu/n%d", i), &st) == 0) {
			ino[i] = st.st_ino;
			nl[i] = (int)st.st_nlink;
		}
	}
	for (int i = 0; i < NAMES; i++) {
		if (!ino[i])
			continue;
		int names = 0;
		for (int j = 0; j < NAMES; j++)
			names += ino[j] == ino[i];
		CHECK_EQ(nl[i], names);
	}
	for (int i = 0; i < NAMES; i++)
		if (ino[i])
			CHECK_EQ(unlink(P("/tmp/lu/n%d", i)), 0);
	CHECK_EQ(rmdir("/tmp/lu"), 0);
	same_counts("linkunlink", c0);
	printf("fsstress: link/unlink/create races: link counts are the names\n");
}

/* ---- concurrent writers -------------------------------------------------- */

static unsigned char pattern(int k, uint32_t i)
{
	return (unsigned char)(k * 31 + i * 7 + (i >> 9));
}

/* Four processes each write a file of their own at the same time, in
 * pieces of different sizes; all are then read back. */
static void fourfiles(void)
{
	struct counts c0 = counts();
	enum { SIZE = 48 * 1024 + 333 };
	for (int k = 0; k < 4; k++) {
		if (fork() == 0) {
			static unsigned char b[SIZE];
			for (uint32_t i = 0; i < SIZE; i++)
				b[i] = pattern(k, i);
			int fd = open(P("/tmp/four%d", k), O_CREAT | O_EXCL | O_WRONLY, 0644);
			CHECK(fd >= 0);
			size_t done = 0, piece = 100 + (size_t)k * 450;
			while (done < SIZE) {
				size_t n = SIZE - done < piece ? SIZE - done : piece;
				CHECK_EQ(write(fd, b + done, n), n);
				done += n;
			}
			close(fd);
			child_done();
		}
	}
	reap_all(4);
	static unsigned char r[SIZE + 1];
	for (int k = 0; k < 4; k++) {
		int fd = open(P("/tmp/four%d", k), O_RDONLY);
		CHECK(fd >= 0);
		CHECK_EQ(read_all(fd, r, sizeof r), SIZE);
		close(fd);
		int bad = 0;
		for (uint32_t i = 0; i < SIZE && !bad; i++)
			bad = r[i] != pattern(k, i);
		CHECK(!bad);
		CHECK_EQ(unlink(P("/tmp/four%d", k)), 0);
	}
	same_counts("fourfiles", c0);
	printf("fsstress: four processes writing four files at once\n");
}

/* One open file shared by a parent and its child (fork), both writing
 * records at once: the offset is shared, so no record overwrites
 * another; the file holds all of both. */
static void sharedfd(void)
{
	struct counts c0 = counts();
	enum { N = 400, SZ = 10 };
	int fd = open("/tmp/shared", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	pid_t pid = fork();
	char b[SZ];
	memset(b, pid == 0 ? 'c' : 'p', SZ);
	for (int i = 0; i < N; i++)
		CHECK_EQ(write(fd, b, SZ), SZ);
	if (pid == 0)
		child_done();
	reap_all(1);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2 * N * SZ);
	close(fd);
	CHECK_EQ(file_size("/tmp/shared"), 2 * N * SZ);
	static char r[2 * N * SZ + 1];
	fd = open("/tmp/shared", O_RDONLY);
	CHECK_EQ(read_all(fd, r, sizeof r), 2 * N * SZ);
	close(fd);
	int nc = 0, np = 0;
	for (int i = 0; i < 2 * N * SZ; i++) {
		nc += r[i] == 'c';
		np += r[i] == 'p';
	}
	CHECK_EQ(nc, N * SZ);
	CHECK_EQ(np, N * SZ);
	CHECK_EQ(unlink("/tmp/shared"), 0);
	same_counts("sharedfd", c0);
	printf("fsstress: a descriptor shared across fork, written by both: no lost bytes\n");
}

static int waiting_on(int pid, const char *wchan)
{
	struct lde_procinfo pi;
	return proc_get(pid, &pi) == 0 && pi.state == LDE_P_SLEEPING &&
	       strncmp(pi.wchan, wchan, strlen(wchan)) == 0;
}

/* While one process's long write holds the shared offset, another that
 * waits for it can be killed, and the first finishes as if nothing had
 * happened. */
static void offsetkill(void)
{
	struct counts c0 = counts();
	enum { BIG = 8 << 20 };
	int fd = open("/tmp/held", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	char *b = malloc(BIG);
	CHECK(b != NULL);
	memset(b, 'h', BIG);
	pid_t holder = fork();
	if (holder == 0) {
		CHECK_EQ(write(fd, b, BIG), BIG);
		child_done();
	}
	long end = uptime() + 20000;
	while (!waiting_on(holder, "call") && uptime() < end)
		usleep(500);
	pid_t waiter = fork();
	if (waiter == 0) {
		(void)!write(fd, "w", 1);
		child_done();
	}
	while (!waiting_on(waiter, "file offset") && uptime() < end)
		usleep(500);
	/* Seen waiting for the offset while the holder is still in its call:
	 * a kill ends the wait. */
	CHECK(waiting_on(waiter, "file offset"));
	CHECK_EQ(kill(waiter, SIGKILL), 0);
	CHECK_EQ(reap(waiter), LDE_W_SIGNALED(SIGKILL));
	CHECK_EQ(reap(holder), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), BIG);
	CHECK_EQ(write(fd, "end", 3), 3);
	CHECK_EQ(file_size("/tmp/held"), BIG + 3);
	close(fd);
	free(b);
	CHECK_EQ(unlink("/tmp/held"), 0);
	same_counts("offsetkill", c0);
	printf("fsstress: a process waiting for a shared offset killed; the holder's write whole\n");
}

/* dup shares the offset; two processes with O_APPEND opens of their own
 * each add whole records at the end. */
static void dupappend(void)
{
	struct counts c0 = counts();
	int fd = open("/tmp/dup", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(fd >= 0);
	int fd2 = dup(fd);
	CHECK(fd2 >= 0);
	CHECK_EQ(write(fd, "abc", 3), 3);
	CHECK_EQ(write(fd2, "def", 3), 3);
	CHECK_EQ(lseek(fd2, 0, SEEK_CUR), 6);
	CHECK_EQ(lseek(fd, 1, SEEK_SET), 1);
	char b[8] = { 0 };
	CHECK_EQ(read(fd2, b, 2), 2);
	CHECK(!memcmp(b, "bc", 2));
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 3);
	close(fd);
	CHECK_EQ(read(fd2, b, 8), 3);
	CHECK(!memcmp(b, "def", 3));
	close(fd2);
	CHECK_EQ(unlink("/tmp/dup"), 0);

	enum { N = 300, REC = 16 };
	fd = open("/tmp/app", O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK_EQ(write(fd, "head", 4), 4);
	close(fd);
	for (int k = 0; k < 2; k++) {
		if (fork() == 0) {
			int a = open("/tmp/app", O_WRONLY | O_APPEND);
			CHECK(a >= 0);
			char rec[REC];
			for (int i = 0; i < N; i++) {
				snprintf(rec, sizeof rec, "%c%05d.........", 'A' + k, i);
				rec[REC - 1] = '\n';
				CHECK_EQ(write(a, rec, REC), REC);
			}
			close(a);
			child_done();
		}
	}
	reap_all(2);
	CHECK_EQ(file_size("/tmp/app"), 4 + 2 * N * REC);
	static char r[4 + 2 * N * REC];
	fd = open("/tmp/app", O_RDONLY);
	CHECK_EQ(read_all(fd, r, sizeof r), sizeof r);
	close(fd);
	int next[2] = { 0, 0 }, bad = 0;
	for (int i = 0; i < 2 * N; i++) {
		const char *rec = r + 4 + i * REC;
		int k = rec[0] - 'A';
		if (k < 0 || k > 1 || atoi(rec + 1) != next[k] || rec[REC - 1] != '\n')
			bad++;
		else
			next[k]++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(next[0], N);
	CHECK_EQ(next[1], N);
	CHECK_EQ(unlink("/tmp/app"), 0);
	same_counts("dupappend", c0);
	printf("fsstress: dup shares the offset; O_APPEND from two processes keeps every record\n");
}

/* ---- big files ------------------------------------------------------------ */

#define BIG_MB 6

static uint32_t big_word(uint32_t i) { return i * 2654435761u ^ 0x5a5a5a5au; }

/* Several MiB through the double-indirect block (1 KiB blocks: from
 * 268 KiB), written and read back in odd pieces; then a byte at the
 * largest offset ext2 can map (the triple-indirect block's last), and
 * EFBIG one past it. */
static void bigfile(void)
{
	struct counts c0 = counts();
	enum { WORDS = 1024 };
	static uint32_t b[WORDS], r[WORDS];
	int fd = open("/tmp/big", O_CREAT | O_EXCL | O_RDWR, 0644);
	CHECK(fd >= 0);
	uint32_t total = BIG_MB << 20, done = 0, piece = 1;
	while (done < total) {
		uint32_t n = total - done < piece ? total - done : piece;
		n = n > sizeof b ? sizeof b : n;
		for (uint32_t i = 0; i < n; i++)
			((unsigned char *)b)[i] = (unsigned char)big_word((done + i) / 4);
		long w = write(fd, b, n);
		if (w != (long)n) {
			CHECK_EQ(w, n);
			break;
		}
		done += n;
		piece = piece * 5 % 4093 + 1;
	}
	CHECK_EQ(fsync(fd), 0);
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, total);
	/* The data blocks and the indirect ones: 1 + 1 + 24 of 1 KiB. */
	CHECK(st.st_blocks >= (blkcnt_t)(total / 512));
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	int bad = 0;
	for (done = 0; done < total && !bad; done += sizeof r) {
		CHECK_EQ(read_all(fd, r, sizeof r), sizeof r);
		for (uint32_t i = 0; i < WORDS; i++)
			bad |= ((unsigned char *)r)[i * 4] != (unsigned char)big_word(done / 4 + i);
	}
	CHECK(!bad);
	char c;
	CHECK_EQ(read(fd, &c, 1), 0);

	/* The largest file with 1 KiB blocks: 12 + 256 + 256^2 + 256^3 blocks. */
	int64_t max = (12LL + 256 + 65536 + 16777216) * 1024;
	CHECK_EQ(lseek(fd, max - 1, SEEK_SET), max - 1);
	CHECK_EQ(write(fd, "z", 1), 1);
	CHECK_EQ(lseek(fd, 0, SEEK_END), max);
	CHECK_EQ(write(fd, "y", 1), -1);
	CHECK_EQ(errno, EFBIG);
	CHECK_EQ(lseek(fd, max + 4096, SEEK_SET), max + 4096);
	CHECK_EQ(write(fd, "y", 1), -1);
	CHECK_EQ(errno, EFBIG);
	CHECK_EQ(lseek(fd, max - 1, SEEK_SET), max - 1);
	CHECK_EQ(read(fd, &c, 1), 1);
	CHECK_EQ(c, 'z');
	CHECK_EQ(read(fd, &c, 1), 0);
	/* A hole reads as zeros. */
	CHECK_EQ(lseek(fd, (int64_t)total + 123456789, SEEK_SET), (int64_t)total + 123456789);
	c = 1;
	CHECK_EQ(read(fd, &c, 1), 1);
	CHECK_EQ(c, 0);
	CHECK_EQ(ftruncate(fd, total), 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, total);
	close(fd);
	CHECK_EQ(unlink("/tmp/big"), 0);
	same_counts("bigfile", c0);
	printf("fsstress: a %d MiB file read back; the largest offset, then EFBIG\n", BIG_MB);
}

/* Writes of odd sizes at odd offsets, across block boundaries, over what
 * is there and past the end, checked against a copy in memory. */
static void oddsizes(void)
{
	struct counts c0 = counts();
	enum { MAX = 20000 };
	static unsigned char model[MAX], r[MAX];
	static const int sizes[] = { 1, 3, 511, 512, 513, 1023, 1024, 1025, 2047, 4095, 4097, 7 };
	int fd = open("/tmp/odd", O_CREAT | O_EXCL | O_RDWR, 0644);
	CHECK(fd >= 0);
	size_t len = 0;
	rnd_state = 99;
	for (int it = 0; it < 120; it++) {
		size_t n = (size_t)sizes[it % (int)(sizeof sizes / sizeof sizes[0])];
		size_t off = rnd() % (MAX - 4100);
		if (it % 5 == 0)
			off = (rnd() % 16) * 1024 - (off % 3); /* just before a block's end */
		if (off + n > MAX)
			off = MAX - n;
		unsigned char v = (unsigned char)(it + 1);
		unsigned char buf[4097];
		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)(v + i);
		CHECK_EQ(lseek(fd, (off_t)off, SEEK_SET), off);
		CHECK_EQ(write(fd, buf, n), n);
		memcpy(model + off, buf, n);
		if (off + n > len)
			len = off + n;
	}
	CHECK_EQ(file_size("/tmp/odd"), len);
	/* Read back in odd pieces too. */
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	size_t got = 0;
	int k = 0;
	while (got < len) {
		long n = read(fd, r + got, (size_t)sizes[k++ % 12]);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	CHECK_EQ(got, len);
	CHECK(memcmp(model, r, len) == 0);
	close(fd);
	CHECK_EQ(unlink("/tmp/odd"), 0);
	same_counts("oddsizes", c0);
	printf("fsstress: writes of odd sizes across block boundaries read back\n");
}

/* ---- many files, big directories ----------------------------------------- */

/* Hundreds of files in one directory, each with its own bytes; then a
 * directory of 2,000 names (links to one file) listed whole by readdir,
 * each name once, and emptied. */
static void manyfiles(void)
{
	struct counts c0 = counts();
	enum { FILES = 300, LINKS = 2000 };
	CHECK_EQ(mkdir("/tmp/many", 0755), 0);
	for (int i = 0; i < FILES; i++) {
		int fd = open(P("/tmp/many/f%d", i), O_CREAT | O_EXCL | O_WRONLY, 0644);
		CHECK(fd >= 0);
		char b[16];
		int n = snprintf(b, sizeof b, "file %d\n", i);
		CHECK_EQ(write(fd, b, (size_t)n), n);
		close(fd);
	}
	static unsigned char seen[LINKS];
	CHECK_EQ(list_dir("/tmp/many", "f", seen, FILES), FILES);
	for (int i = 0; i < FILES; i++) {
		CHECK_EQ(seen[i], 1);
		char b[16], w[16];
		int fd = open(P("/tmp/many/f%d", i), O_RDONLY);
		int n = snprintf(w, sizeof w, "file %d\n", i);
		CHECK_EQ(read(fd, b, sizeof b), n);
		CHECK(!memcmp(b, w, (size_t)n));
		close(fd);
		CHECK_EQ(unlink(pathbuf), 0);
	}
	CHECK_EQ(list_dir("/tmp/many", "f", NULL, FILES), 0);
	CHECK_EQ(rmdir("/tmp/many"), 0);
	same_counts("manyfiles", c0);

	CHECK_EQ(mkdir("/tmp/bigdir", 0755), 0);
	int fd = open("/tmp/bigdir/l0", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	for (int i = 1; i < LINKS; i++)
		CHECK_EQ(link("/tmp/bigdir/l0", P("/tmp/bigdir/l%d", i)), 0);
	struct stat st;
	CHECK_EQ(stat("/tmp/bigdir/l1999", &st), 0);
	CHECK_EQ(st.st_nlink, LINKS);
	memset(seen, 0, sizeof seen);
	CHECK_EQ(list_dir("/tmp/bigdir", "l", seen, LINKS), LINKS);
	int once = 0;
	for (int i = 0; i < LINKS; i++)
		once += seen[i] == 1;
	CHECK_EQ(once, LINKS);
	for (int i = LINKS - 1; i >= 0; i--)
		CHECK_EQ(unlink(P("/tmp/bigdir/l%d", i)), 0);
	CHECK_EQ(list_dir("/tmp/bigdir", "l", NULL, LINKS), 0);
	CHECK_EQ(rmdir("/tmp/bigdir"), 0);
	/* The directory's blocks went with it. */
	same_counts("bigdir", c0);
	printf("fsstress: %d files in a directory; %d names listed once each\n", FILES, LINKS);
}

/* ---- paths ---------------------------------------------------------------- */

/* 50 levels made with chdir down each, a file at the bottom, getcwd, back
 * up with "..", then the path of names 255 bytes long (256 refused) and
 * paths over 4 KiB (refused). */
static void deep(void)
{
	struct counts c0 = counts();
	enum { LEVELS = 50 };
	CHECK_EQ(chdir("/tmp"), 0);
	for (int i = 0; i < LEVELS; i++) {
		CHECK_EQ(mkdir(P("d%d", i), 0755), 0);
		CHECK_EQ(chdir(pathbuf), 0);
	}
	int fd = open("bottom", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "deep", 4), 4);
	close(fd);
	static char cwd[1024], want[1024];
	CHECK(getcwd(cwd, sizeof cwd) != NULL);
	size_t wl = (size_t)snprintf(want, sizeof want, "/tmp");
	for (int i = 0; i < LEVELS; i++)
		wl += (size_t)snprintf(want + wl, sizeof want - wl, "/d%d", i);
	CHECK(!strcmp(cwd, want));
	for (int i = 0; i < LEVELS; i++)
		CHECK_EQ(chdir(".."), 0);
	CHECK(getcwd(cwd, sizeof cwd) != NULL);
	CHECK(!strcmp(cwd, "/tmp"));
	strcat(want, "/bottom");
	CHECK_EQ(file_size(want), 4);
	/* Relative, through ".." and "." on the way. */
	CHECK_EQ(
		file_size(
			"d0/d1/../d1/./d2/../../../../tmp/d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/"
			"d14/d15/d16/d17/d18/d19/d20/d21/d22/d23/d24/d25/d26/d27/d28/d29/d30/"
			"d31/d32/d33/d34/d35/d36/d37/d38/d39/d40/d41/d42/d43/d44/d45/d46/d47/"
			"d48/d49/bottom"),
		4);
	CHECK_EQ(rmdir("d0"), -1);
	CHECK_EQ(errno, ENOTEMPTY);
	CHECK_EQ(unlink(want), 0);
	for (int i = LEVELS - 1; i >= 0; i--) {
		want[wl] = 0;
		CHECK_EQ(rmdir(want), 0);
		while (wl > 0 && want[wl - 1] != '/')
			wl--;
		wl--;
	}
	CHECK_EQ(chdir("/"), 0);

	/* Names of 255 bytes work; 256 do not. */
	static char name[300];
	memset(name, 0, sizeof name);
	strcpy(name, "/tmp/");
	memset(name + 5, 'n', 255);
	fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(file_size(name), 0);
	CHECK_EQ(unlink(name), 0);
	name[5 + 255] = 'n';
	CHECK_EQ(open(name, O_CREAT | O_EXCL | O_WRONLY, 0644), -1);
	CHECK_EQ(errno, ENAMETOOLONG);
	CHECK_EQ(mkdir(name, 0755), -1);
	CHECK_EQ(errno, ENAMETOOLONG);
	CHECK_EQ(stat(name, &(struct stat){ 0 }), -1);
	CHECK_EQ(errno, ENAMETOOLONG);

	/* A path over 4 KiB, made of short names that exist ("./" repeated),
	 * is refused whole; one just under works. */
	static char longp[4200];
	size_t n = 0;
	while (n + 2 < 4097)
		longp[n++] = '.', longp[n++] = '/';
	strcpy(longp + n, "tmp");
	CHECK_EQ(chdir("/"), 0);
	CHECK_EQ(stat(longp, &(struct stat){ 0 }), -1);
	CHECK_EQ(errno, ENAMETOOLONG);
	CHECK_EQ(open(longp, O_CREAT | O_WRONLY, 0644), -1);
	CHECK_EQ(errno, ENAMETOOLONG);
	struct stat st;
	CHECK_EQ(stat(longp + 200, &st), 0); /* 3.9 KiB */
	CHECK(S_ISDIR(st.st_mode));
	same_counts("deep", c0);
	printf("fsstress: %d levels down and back with \"..\"; 255-byte names, 256 and 4 KiB "
	       "paths refused\n",
	       LEVELS);
}

/* rmdir and unlink of the odd cases: a directory with something in it,
 * ".", "..", a directory through unlink and a file through rmdir. */
static void rmdot(void)
{
	struct counts c0 = counts();
	CHECK_EQ(mkdir("/tmp/dots", 0755), 0);
	CHECK_EQ(mkdir("/tmp/dots/sub", 0755), 0);
	CHECK_EQ(rmdir("/tmp/dots"), -1);
	CHECK_EQ(errno, ENOTEMPTY);
	CHECK_EQ(chdir("/tmp/dots/sub"), 0);
	CHECK_EQ(rmdir("."), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(rmdir(".."), -1);
	CHECK_EQ(errno, ENOTEMPTY);
	CHECK_EQ(unlink("."), -1);
	CHECK_EQ(unlink(".."), -1);
	CHECK_EQ(chdir("/tmp"), 0);
	CHECK_EQ(rmdir("dots/sub/."), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(rmdir("dots/sub/.."), -1);
	CHECK_EQ(errno, ENOTEMPTY);
	CHECK_EQ(unlink("dots/sub/."), -1);
	CHECK_EQ(unlink("dots/sub/.."), -1);
	CHECK_EQ(mkdir("dots/sub/.", 0755), -1);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(mkdir("dots/sub/..", 0755), -1);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(rename("dots/sub/.", "moved"), -1);
	CHECK_EQ(errno, EBUSY);
	CHECK_EQ(rename("dots/sub/..", "moved"), -1);
	CHECK_EQ(errno, EBUSY);
	struct stat st;
	CHECK_EQ(stat("/tmp/dots/sub", &st), 0);
	CHECK_EQ(unlink("/tmp/dots/sub"), -1);
	CHECK_EQ(errno, EISDIR);
	int fd = open("/tmp/dots/f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(link("/tmp/dots/f", "dots/sub/."), -1);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(rename("/tmp/dots/f", "dots/sub/.."), -1);
	CHECK_EQ(errno, EBUSY);
	CHECK_EQ(open("dots/sub/.", O_CREAT | O_RDONLY, 0644), -1);
	CHECK_EQ(errno, EISDIR);
	CHECK_EQ(stat("/tmp/dots/sub", &st), 0);
	CHECK_EQ(stat("/tmp/dots/f", &st), 0);
	CHECK_EQ(rmdir("/tmp/dots/f"), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(unlink("/tmp/dots/f"), 0);
	CHECK_EQ(rmdir("/tmp/dots/sub"), 0);
	CHECK_EQ(rmdir("/tmp/dots"), 0);
	CHECK_EQ(chdir("/"), 0);
	same_counts("rmdot", c0);
	printf("fsstress: rmdir of a full directory, \".\" and \"..\" refused\n");
}

/* A directory opened for writing, a file used as a directory, and
 * creating in a directory that was removed. */
static void dirfile(void)
{
	struct counts c0 = counts();
	CHECK_EQ(mkdir("/tmp/df", 0755), 0);
	CHECK_EQ(open("/tmp/df", O_WRONLY), -1);
	CHECK_EQ(errno, EISDIR);
	CHECK_EQ(open("/tmp/df", O_RDWR), -1);
	CHECK_EQ(errno, EISDIR);
	CHECK_EQ(open("/tmp/df", O_CREAT | O_WRONLY, 0644), -1);
	CHECK_EQ(errno, EISDIR);
	CHECK_EQ(open("/tmp/df", O_CREAT | O_RDONLY, 0644), -1);
	CHECK_EQ(errno, EISDIR);
	int fd = open("/tmp/df", O_RDONLY);
	CHECK(fd >= 0);
	char c;
	CHECK_EQ(write(fd, "x", 1), -1);
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(read(fd, &c, 1), -1);
	CHECK_EQ(errno, EISDIR);
	close(fd);

	fd = open("/tmp/df/file", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	struct stat st;
	CHECK_EQ(open("/tmp/df/file/x", O_RDONLY), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(open("/tmp/df/file/x", O_CREAT | O_WRONLY, 0644), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(mkdir("/tmp/df/file/x", 0755), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(stat("/tmp/df/file/x", &st), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(unlink("/tmp/df/file/x"), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(link("/tmp/df/file", "/tmp/df/file/x"), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(rename("/tmp/df/file", "/tmp/df/file/x"), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(chdir("/tmp/df/file"), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(open("/tmp/df/file", O_RDONLY | O_DIRECTORY), -1);
	CHECK_EQ(errno, ENOTDIR);
	/* A '/' after a name wants a directory there. */
	CHECK_EQ(open("/tmp/df/file/", O_RDONLY), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(open("/tmp/df/new/", O_CREAT | O_WRONLY, 0644), -1);
	CHECK_EQ(errno, EISDIR);
	CHECK_EQ(stat("/tmp/df/new", &st), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(stat("/tmp/df/file/", &st), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(unlink("/tmp/df/file/"), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(rename("/tmp/df/file/", "/tmp/df/f2"), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(rename("/tmp/df/file", "/tmp/df/f2/"), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(chmod("/tmp/df/file/", 0600), -1);
	CHECK_EQ(errno, ENOTDIR);
	CHECK_EQ(stat("/tmp/df/file", &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0644);
	CHECK_EQ(mkdir("/tmp/df/sub/", 0755), 0);
	CHECK_EQ(stat("/tmp/df/sub/", &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(unlink("/tmp/df/sub/"), -1);
	CHECK_EQ(errno, EISDIR);
	CHECK_EQ(rename("/tmp/df/sub/", "/tmp/df/sub2/"), 0);
	fd = open("/tmp/df/sub2//", O_RDONLY);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(rmdir("/tmp/df/sub2/"), 0);
	CHECK_EQ(unlink("/tmp/df/file"), 0);

	/* Standing in a directory that is removed: nothing can be made there. */
	CHECK_EQ(mkdir("/tmp/df/gone", 0755), 0);
	CHECK_EQ(chdir("/tmp/df/gone"), 0);
	CHECK_EQ(rmdir("/tmp/df/gone"), 0);
	CHECK_EQ(open("new", O_CREAT | O_WRONLY, 0644), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(mkdir("newdir", 0755), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(link("/etc/passwd", "lnk"), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(chdir("/"), 0);
	CHECK_EQ(rmdir("/tmp/df"), 0);
	same_counts("dirfile", c0);
	printf("fsstress: EISDIR, ENOTDIR, ENOENT in a removed directory\n");
}

/* ---- the last close ------------------------------------------------------- */

/* A file unlinked while open keeps its bytes for whoever has it open,
 * until the last close; then its blocks and inode are free. */
static void unlinkopen(void)
{
	struct counts c0 = counts();
	enum { SZ = 5000 };
	static unsigned char b[SZ], r[SZ];
	for (int i = 0; i < SZ; i++)
		b[i] = (unsigned char)(i * 13);
	int fd = open("/tmp/ul", O_CREAT | O_EXCL | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, b, SZ), SZ);
	int fd2 = open("/tmp/ul", O_RDONLY);
	CHECK(fd2 >= 0);
	CHECK_EQ(unlink("/tmp/ul"), 0);
	CHECK_EQ(file_size("/tmp/ul"), -1);
	CHECK_EQ(errno, ENOENT);
	/* A new file of the same name is another file. */
	int fd3 = open("/tmp/ul", O_CREAT | O_EXCL | O_RDWR, 0644);
	CHECK(fd3 >= 0);
	CHECK_EQ(write(fd3, "other", 5), 5);
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(st.st_size, SZ);
	CHECK_EQ(read_all(fd2, r, SZ), SZ);
	CHECK(!memcmp(b, r, SZ));
	/* Still writable through the open file. */
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "HEAD", 4), 4);
	CHECK_EQ(lseek(fd2, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd2, r, 4), 4);
	CHECK(!memcmp(r, "HEAD", 4));
	/* A child holds it too, and exits without closing it. */
	pid_t pid = fork();
	if (pid == 0) {
		close(fd);
		CHECK_EQ(lseek(fd2, 4, SEEK_SET), 4);
		CHECK_EQ(read(fd2, r, 4), 4);
		CHECK(!memcmp(r, b + 4, 4));
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	close(fd);
	struct counts c1 = counts();
	CHECK(c1.bfree < c0.bfree); /* still held by fd2 */
	CHECK_EQ(fstat(fd2, &st), 0);
	CHECK_EQ(st.st_size, SZ);
	close(fd2);
	/* Renamed over while open: the same, for the file replaced. */
	int fd4 = open("/tmp/ul2", O_CREAT | O_EXCL | O_RDWR, 0644);
	CHECK(fd4 >= 0);
	CHECK_EQ(rename("/tmp/ul2", "/tmp/ul"), 0);
	CHECK_EQ(lseek(fd3, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd3, r, 16), 5);
	CHECK(!memcmp(r, "other", 5));
	CHECK_EQ(fstat(fd3, &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(file_size("/tmp/ul"), 0);
	close(fd3);
	close(fd4);
	CHECK_EQ(unlink("/tmp/ul"), 0);
	same_counts("unlinkopen", c0);

	/* The same when the last holder is a child that exits with the file
	 * open in a directory that was removed. */
	CHECK_EQ(mkdir("/tmp/iput", 0755), 0);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		CHECK_EQ(chdir("/tmp/iput"), 0);
		int f = open("held", O_CREAT | O_EXCL | O_RDWR, 0644);
		CHECK(f >= 0);
		CHECK_EQ(write(f, b, SZ), SZ);
		int d = open(".", O_RDONLY);
		CHECK(d >= 0);
		CHECK_EQ(write(p[1], "r", 1), 1);
		/* Wait for the parent to remove everything. */
		while (file_size("/tmp/iput") >= 0)
			usleep(1000);
		CHECK_EQ(lseek(f, 0, SEEK_SET), 0);
		CHECK_EQ(read_all(f, r, SZ), SZ);
		CHECK(!memcmp(b, r, SZ));
		child_done(); /* f and d still open */
	}
	close(p[1]);
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1);
	close(p[0]);
	CHECK_EQ(unlink("/tmp/iput/held"), 0);
	CHECK_EQ(rmdir("/tmp/iput"), 0);
	CHECK_EQ(reap(pid), 0);
	same_counts("iput on exit", c0);
	printf("fsstress: an unlinked file lives until its last close, by exit too\n");
}

/* Many opens and closes in a loop, of one file and of many, with the
 * descriptor table filled (EMFILE); nothing left after. */
static void openclose(void)
{
	struct counts c0 = counts();
	int fd = open("/tmp/oc", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	for (int i = 0; i < 3000; i++) {
		fd = open("/tmp/oc", i % 2 ? O_RDONLY : O_RDWR);
		if (fd < 0) {
			CHECK(fd >= 0);
			break;
		}
		close(fd);
	}
	int fds[64];
	int n = 0;
	while (n < 64 && (fds[n] = open("/tmp/oc", O_RDONLY)) >= 0)
		n++;
	CHECK(n < 64);
	CHECK_EQ(errno, EMFILE);
	CHECK(n > 8);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	/* Children that open and exit without closing, many times. */
	for (int k = 0; k < 20; k++) {
		if (fork() == 0) {
			for (int i = 0; i < 5; i++)
				CHECK(open("/tmp/oc", O_RDONLY) >= 0);
			child_done();
		}
		reap_all(1);
	}
	CHECK_EQ(unlink("/tmp/oc"), 0);
	same_counts("openclose", c0);
	printf("fsstress: 3000 opens and closes, EMFILE, children exiting with files open\n");
}

/* ---- more races ----------------------------------------------------------- */

/* mkdir, rmdir, rename of directories into each other and back, and
 * files made inside them, by several children at once: every call works
 * or fails for a reason the race explains, and afterwards the tree is
 * whole (e2fsck, on the host, checks every link count and "..". */
static void dirraces(void)
{
	struct counts c0 = counts();
	enum { D = 6 };
	CHECK_EQ(mkdir("/tmp/dr", 0755), 0);
	for (int k = 0; k < KIDS; k++) {
		if (fork() == 0) {
			rnd_state = 4242u + (uint32_t)k * 31337u;
			for (int it = 0; it < 150; it++) {
				int a = (int)(rnd() % D), b = (int)(rnd() % D);
				char pa[48];
				snprintf(pa, sizeof pa, "/tmp/dr/d%d", a);
				int r, ok1 = 0, ok2 = 0;
				switch (rnd() % 5) {
				case 0:
					r = mkdir(pa, 0755);
					ok1 = EEXIST;
					break;
				case 1:
					r = rmdir(pa);
					ok1 = ENOENT, ok2 = ENOTEMPTY;
					break;
				case 2: /* in: /tmp/dr/dA -> /tmp/dr/dB/dA */
					r = rename(pa, P("/tmp/dr/d%d/d%d", b, a));
					ok1 = ENOENT, ok2 = a == b ? EINVAL : ENOTEMPTY;
					break;
				case 3: /* and out again */
					r = rename(P("/tmp/dr/d%d/d%d", b, a), pa);
					ok1 = ENOENT, ok2 = ENOTEMPTY;
					break;
				default: {
					int fd = open(P("/tmp/dr/d%d/f%d", a, k),
						      O_CREAT | O_WRONLY, 0644);
					r = fd;
					ok1 = ENOENT;
					if (fd >= 0)
						close(fd);
					else if (errno == ENOENT)
						break;
					/* dA may have moved since: ENOENT. */
					if (rnd() % 2 && fd >= 0 && unlink(pathbuf) < 0)
						CHECK_EQ(errno, ENOENT);
				}
				}
				if (r < 0 && errno != ok1 && errno != ok2 && errno != EEXIST) {
					printf("FAIL: dirraces: errno %d (%s)\n", errno,
					       strerror(errno));
					check_failures++;
				}
			}
			child_done();
		}
	}
	reap_all(KIDS);
	/* Take the tree down, deepest first (directories moved into each
	 * other nest to any depth). */
	static char stack[16][320];
	int depth = 0;
	strcpy(stack[0], "/tmp/dr");
	while (depth >= 0) {
		DIR *d = opendir(stack[depth]);
		CHECK(d != NULL);
		if (!d)
			break;
		struct dirent *e;
		int descended = 0;
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char child[320];
			snprintf(child, sizeof child, "%s/%s", stack[depth], e->d_name);
			struct stat st;
			CHECK_EQ(stat(child, &st), 0);
			if (S_ISDIR(st.st_mode) && depth + 1 < 16) {
				strcpy(stack[++depth], child);
				descended = 1;
				break;
			}
			CHECK_EQ(unlink(child), 0);
		}
		closedir(d);
		if (!descended)
			CHECK_EQ(rmdir(stack[depth--]), 0);
	}
	same_counts("dirraces", c0);
	printf("fsstress: mkdir, rmdir, rename of directories into each other by %d processes\n",
	       KIDS);
}

/* A directory listed while other names come and go in it: every name that
 * stays is seen exactly once by each listing. */
static void readdirrace(void)
{
	struct counts c0 = counts();
	enum { STAY = 150, MOVE = 60 };
	CHECK_EQ(mkdir("/tmp/rr", 0755), 0);
	for (int i = 0; i < STAY; i++) {
		int fd = open(P("/tmp/rr/s%d", i), O_CREAT | O_EXCL | O_WRONLY, 0644);
		CHECK(fd >= 0);
		close(fd);
		/* Room made between them, where new names will go. */
		if (i % 3 == 0) {
			fd = open(P("/tmp/rr/t%d", i), O_CREAT | O_EXCL | O_WRONLY, 0644);
			close(fd);
		}
	}
	for (int i = 0; i < STAY; i += 3)
		CHECK_EQ(unlink(P("/tmp/rr/t%d", i)), 0);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		rnd_state = 5;
		char c;
		while (read(p[0], &c, 1) < 0) {
			int i = (int)(rnd() % MOVE);
			char name[80];
			/* Long and short names: entries of different sizes. */
			snprintf(name, sizeof name, "/tmp/rr/t%d%s", i,
				 i % 2 ? "-a-rather-longer-name-than-the-others" : "");
			int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
			if (fd >= 0)
				close(fd);
			else
				CHECK_EQ(unlink(name), 0);
		}
		for (int i = 0; i < MOVE; i++) {
			unlink(P("/tmp/rr/t%d", i));
			unlink(P("/tmp/rr/t%d-a-rather-longer-name-than-the-others", i));
		}
		child_done();
	}
	close(p[0]);
	for (int round = 0; round < 6; round++) {
		static unsigned char seen[STAY];
		memset(seen, 0, sizeof seen);
		DIR *d = opendir("/tmp/rr");
		CHECK(d != NULL);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			if (e->d_name[0] == 's')
				seen[atoi(e->d_name + 1)]++;
			usleep(200); /* let the child change the directory under us */
		}
		if (d)
			closedir(d);
		int once = 0;
		for (int i = 0; i < STAY; i++)
			once += seen[i] == 1;
		CHECK_EQ(once, STAY);
	}
	close(p[1]);
	CHECK_EQ(reap(pid), 0);
	for (int i = 0; i < STAY; i++)
		CHECK_EQ(unlink(P("/tmp/rr/s%d", i)), 0);
	CHECK_EQ(rmdir("/tmp/rr"), 0);
	same_counts("readdirrace", c0);
	printf("fsstress: readdir while names come and go: the others seen once each\n");
}

/* Truncation under an open file: another descriptor's offset stays where
 * it was, reads there find the end, writes there leave a hole; and a
 * writer racing with O_TRUNC opens of the same file. */
static void truncates(void)
{
	struct counts c0 = counts();
	int fd = open("/tmp/tr", O_CREAT | O_EXCL | O_RDWR, 0644);
	CHECK(fd >= 0);
	static char b[6000];
	memset(b, 'q', sizeof b);
	CHECK_EQ(write(fd, b, sizeof b), sizeof b);
	int t = open("/tmp/tr", O_WRONLY | O_TRUNC);
	CHECK(t >= 0);
	CHECK_EQ(file_size("/tmp/tr"), 0);
	char c;
	CHECK_EQ(read(fd, &c, 1), 0);
	CHECK_EQ(write(fd, "x", 1), 1);
	CHECK_EQ(file_size("/tmp/tr"), 6001);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	static char r[6001];
	CHECK_EQ(read_all(fd, r, sizeof r), 6001);
	int zeros = 0;
	for (int i = 0; i < 6000; i++)
		zeros += r[i] == 0;
	CHECK_EQ(zeros, 6000);
	CHECK_EQ(r[6000], 'x');
	CHECK_EQ(ftruncate(t, 1500), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 1500);
	close(t);
	close(fd);

	/* A child writes while the parent truncates, over and over. */
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 100; i++) {
			int w = open("/tmp/tr", O_WRONLY);
			CHECK(w >= 0);
			CHECK_EQ(write(w, b, 1000 + (size_t)i * 37), 1000 + i * 37);
			close(w);
		}
		child_done();
	}
	for (int i = 0; i < 100; i++) {
		int w = open("/tmp/tr", O_WRONLY | O_TRUNC);
		CHECK(w >= 0);
		if (i % 2)
			CHECK_EQ(write(w, "pp", 2), 2);
		close(w);
	}
	CHECK_EQ(reap(pid), 0);
	long size = file_size("/tmp/tr");
	CHECK(size >= 0 && size <= 6000);
	CHECK_EQ(unlink("/tmp/tr"), 0);
	same_counts("truncates", c0);
	printf("fsstress: truncation under open files, and racing with a writer\n");
}

/* Buffers a process does not own: nothing reaches the file, or exactly
 * what write says; reads into them fail and change nothing. */
static void badbuf(void)
{
	struct counts c0 = counts();
	int fd = open("/tmp/bad", O_CREAT | O_EXCL | O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, (void *)0x10, 100), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(write(fd, (void *)0xffffffc000000000ul, 100), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(file_size("/tmp/bad"), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
	static char b[5000];
	memset(b, 'v', sizeof b);
	CHECK_EQ(write(fd, b, sizeof b), sizeof b);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd, (void *)0x10, 100), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(read(fd, (void *)counts, 100), -1); /* program text: not writable */
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
	/* Half in the heap, half past its end. */
	char *brk = sbrk(0);
	char *end = (char *)(((uintptr_t)brk + 4095) & ~(uintptr_t)4095);
	if (end - brk < 100)
		end = (char *)sbrk(4096) + 4096, end = (char *)(((uintptr_t)end + 4095) & ~4095ul);
	long w = write(fd, end - 100, 200);
	CHECK(w == -1 || w == 100);
	if (w < 0)
		CHECK_EQ(errno, EFAULT);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), w < 0 ? 0 : w);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	long n = read(fd, end - 100, 200);
	CHECK(n == -1 || n == 100);
	CHECK_EQ(file_size("/tmp/bad"), 5000);
	/* Fresh heap pages nobody touched yet are the program's: written from
	 * (zeros) and read into like any other; once given back, they are
	 * not. */
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	char *fresh = sbrk(3 * 4096);
	CHECK(fresh != (char *)-1);
	CHECK_EQ(write(fd, fresh + 4096, 4096), 4096);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd, fresh + 2 * 4096, 4096), 4096);
	int z = 0;
	for (int i = 0; i < 4096; i++)
		z += fresh[2 * 4096 + i] == 0;
	CHECK_EQ(z, 4096);
	CHECK(sbrk(-3 * 4096) != (char *)-1);
	if ((char *)sbrk(0) <= fresh + 4096) {
		CHECK_EQ(write(fd, fresh + 4096, 1024), -1);
		CHECK_EQ(errno, EFAULT);
		CHECK_EQ(read(fd, fresh + 4096, 1024), -1);
		CHECK_EQ(errno, EFAULT);
	}
	CHECK_EQ(file_size("/tmp/bad"), 5000);
	/* Many in a row, as a hostile program would: nothing leaks. */
	for (int i = 0; i < 200; i++)
		CHECK_EQ(write(fd,
			       (void *)(i % 2 ? 8ul * (unsigned long)i
					      : 0xffffffc000000000ul + 4096ul * (unsigned long)i),
			       8192),
			 -1);
	close(fd);
	CHECK_EQ(unlink("/tmp/bad"), 0);
	/* Paths in memory it does not own, and empty ones. */
	CHECK_EQ(open((char *)0x10, O_RDONLY), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK_EQ(mkdir((char *)0xffffffc000000000ul, 0755), -1);
	CHECK_EQ(errno, EFAULT);
	/* A path running into memory it does not own, without its NUL. */
	char *top = sbrk(0);
	char *pg = (char *)(((uintptr_t)top + 4095) & ~(uintptr_t)4095);
	if (pg - top < 64)
		pg += 4096;
	CHECK(sbrk(pg - top) != (char *)-1);
	memset(pg - 64, 'a', 64);
	CHECK_EQ(open(pg - 64, O_CREAT | O_WRONLY, 0644), -1);
	CHECK_EQ(errno, EFAULT);
	CHECK(sbrk(-(pg - top)) != (char *)-1);
	CHECK_EQ(open("", O_CREAT | O_WRONLY, 0644), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(mkdir("", 0755), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(unlink(""), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(link("/etc/passwd", ""), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(chdir(""), -1);
	CHECK_EQ(errno, ENOENT);
	same_counts("badbuf", c0);
	printf("fsstress: buffers and paths a process does not own: EFAULT, nothing written\n");
}

/* More processes holding more files than the system has room for: the
 * ones past the end get ENFILE (or EMFILE at their own limit), nothing
 * breaks, and once they exit every file and handle is back. */
static void manyopen(void)
{
	struct counts c0 = counts();
	enum { KIDS_OPEN = 40 };
	int fd = open("/tmp/mo", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	/* A call after a close finds it delivered (docs/files.md, "Close
	 * never waits"): only then does the kernel's count of files drop. */
	struct stat st;
	CHECK_EQ(stat("/tmp/mo", &st), 0);
	struct lde_meminfo m0;
	CHECK_EQ(meminfo(&m0), 0);
	int up[2], go[2];
	CHECK_EQ(pipe(up), 0);
	CHECK_EQ(pipe(go), 0);
	for (int k = 0; k < KIDS_OPEN; k++) {
		if (fork() == 0) {
			for (int i = 3; i < 16; i++)
				if (i != up[1] && i != go[0])
					close(i); /* room for 11 files each */
			int n = 0, err = 0;
			for (;;) {
				int f = open("/tmp/mo", O_RDONLY);
				if (f < 0) {
					err = errno;
					break;
				}
				n++;
			}
			CHECK(err == EMFILE || err == ENFILE);
			char c = (char)(err == ENFILE ? 'N' : 'M');
			CHECK_EQ(write(up[1], &c, 1), 1);
			CHECK_EQ(read(go[0], &c, 1), 0); /* until the parent lets go */
			(void)n;
			child_done(); /* with all its files open */
		}
	}
	close(up[1]);
	close(go[0]);
	int enfile = 0;
	char c;
	for (int k = 0; k < KIDS_OPEN; k++) {
		CHECK_EQ(read(up[0], &c, 1), 1);
		enfile += c == 'N';
	}
	CHECK(enfile > 0); /* 40 x 11 is more than the table holds */
	close(go[1]);
	reap_all(KIDS_OPEN);
	close(up[0]);
	/* Every close is delivered before this stat: the kernel's table is as
	 * it was. */
	CHECK_EQ(stat("/tmp/mo", &st), 0);
	struct lde_meminfo m1;
	CHECK_EQ(meminfo(&m1), 0);
	CHECK_EQ(m1.files, m0.files);
	fd = open("/tmp/mo", O_RDONLY);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(unlink("/tmp/mo"), 0);
	same_counts("manyopen", c0);
	printf("fsstress: %d processes opening until ENFILE, then exiting with them open\n",
	       KIDS_OPEN);
}

static const struct {
	const char *name;
	void (*fn)(void);
} scenarios[] = {
	{ "createdelete", createdelete },
	{ "concreate", concreate },
	{ "linkunlink", linkunlink },
	{ "fourfiles", fourfiles },
	{ "sharedfd", sharedfd },
	{ "offsetkill", offsetkill },
	{ "dupappend", dupappend },
	{ "bigfile", bigfile },
	{ "oddsizes", oddsizes },
	{ "manyfiles", manyfiles },
	{ "deep", deep },
	{ "rmdot", rmdot },
	{ "dirfile", dirfile },
	{ "unlinkopen", unlinkopen },
	{ "openclose", openclose },
	{ "manyopen", manyopen },
	{ "dirraces", dirraces },
	{ "readdirrace", readdirrace },
	{ "truncates", truncates },
	{ "badbuf", badbuf },
};

int main(int argc, char **argv)
{
	if (start() < 0)
		return check_exit("t_fsstress");
	for (int i = 1; i < argc; i++) {
		int found = 0;
		for (size_t j = 0; j < sizeof scenarios / sizeof scenarios[0]; j++) {
			if (!strcmp(argv[i], scenarios[j].name)) {
				scenarios[j].fn();
				found = 1;
			}
		}
		if (!found) {
			printf("FAIL: t_fsstress: no scenario %s\n", argv[i]);
			check_failures++;
		}
	}
	CHECK_EQ(lde_sys_sync(), 0);
	return check_exit("t_fsstress");
}
