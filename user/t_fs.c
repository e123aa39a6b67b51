/* The file-system server (servers/fs) on the disk, as init: starts the
 * disk and file-system services as user/init.c does, mounts the server at
 * "/", and uses files on the disk like any program (tests/suites/fs.py,
 * which gives it a fresh rootfs image and checks it on the host after).
 *
 *   t_fs posix     POSIX calls through the server, exec from the disk,
 *                  a killed process's handles come back, a uid-1000
 *                  process refused root's files
 *   t_fs write1    writes /persist (first boot of an image)
 *   t_fs read2     reads it back (the second boot of the same image)
 *   t_fs crash     the server killed while it holds a write
 *   t_fs timer     a write that only the server's flush timer writes back
 *   t_fs scribble  (from the shell, not as init) writes a file without
 *                  syncing, and puts a program in /bin that the initrd
 *                  lacks: init's sync at power-off, the shell's /bin */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include "blk.h"
#include "dirent.h"
#include "fssvc.h"
#include "t_util.h"
#include "t_disk.h"

#define BIG (1u << 20)
#define CRASH_BYTES (8u << 20)

static int svc_pid;

/* The bytes of the 1 MiB file: tests/suites/fs.py's big_byte(). */
static unsigned char big_byte(uint32_t i) { return (unsigned char)((i * 2654435761u) >> 13); }

static long open_handles(void)
{
	struct lde_statfs st;
	if (lde_sys_statfs("/", &st) < 0)
		return -1;
	return (long)st.open_handles;
}

/* The disk service at BLK_FD, then the file system at "/". */
static int start(const char *bufs, const char *flush_ms)
{
	t_disk_start(NULL);
	int r = t_fs_start(bufs, flush_ms, &svc_pid);
	CHECK_EQ(r, 0);
	return r;
}

static long slurp(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	long r = read_all(fd, buf, n);
	close(fd);
	return r;
}

static void basics(void)
{
	char buf[64];
	int fd = open("/tmp/a", O_CREAT | O_RDWR | O_EXCL, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "hello world", 11), 11);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd, buf, sizeof buf), 11);
	CHECK(memcmp(buf, "hello world", 11) == 0);
	CHECK_EQ(lseek(fd, 6, SEEK_SET), 6);
	CHECK_EQ(write(fd, "WORLD", 5), 5);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 11);
	CHECK_EQ(lseek(fd, 100, SEEK_SET), 100); /* a hole up to 100 */
	CHECK_EQ(write(fd, "x", 1), 1);
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 101);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0644 & ~022);
	CHECK_EQ(lseek(fd, 50, SEEK_SET), 50);
	CHECK_EQ(read(fd, buf, 4), 4);
	CHECK(memcmp(buf, "\0\0\0\0", 4) == 0);
	CHECK_EQ(ftruncate(fd, 11), 0);
	close(fd);
	CHECK_EQ(open("/tmp/a", O_CREAT | O_RDWR | O_EXCL, 0644), -1);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(open("/tmp/missing", O_RDONLY), -1);
	CHECK_EQ(errno, ENOENT);

	/* O_APPEND writes at the end, wherever the offset was. */
	fd = open("/tmp/a", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "!!", 2), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 13);
	close(fd);
	CHECK_EQ(slurp("/tmp/a", buf, sizeof buf), 13);
	CHECK(memcmp(buf, "hello WORLD!!", 13) == 0);
	/* O_TRUNC empties it. */
	fd = open("/tmp/a", O_WRONLY | O_TRUNC);
	CHECK(fd >= 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(write(fd, "short\n", 6), 6);
	close(fd);
	/* fopen and friends over the same calls. */
	FILE *f = fopen("/tmp/hello.txt", "w");
	CHECK(f != NULL);
	if (f) {
		fprintf(f, "written by t_fs through the file server\n");
		CHECK_EQ(fclose(f), 0);
	}
	printf("fs: create, write, read back, lseek, holes, O_EXCL, O_APPEND, O_TRUNC\n");
}

static void directories(void)
{
	struct stat st;
	CHECK_EQ(mkdir("/tmp/d", 0755), 0);
	CHECK_EQ(mkdir("/tmp/d", 0755), -1);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(rename("/tmp/a", "/tmp/d/b"), 0);
	CHECK_EQ(stat("/tmp/a", &st), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(link("/tmp/d/b", "/tmp/d/c"), 0);
	CHECK_EQ(stat("/tmp/d/b", &st), 0);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_EQ(st.st_size, 6);
	ino_t ino = st.st_ino;
	CHECK_EQ(stat("/tmp/d/c", &st), 0);
	CHECK_EQ(st.st_ino, ino);
	CHECK_EQ(rmdir("/tmp/d"), -1);
	CHECK_EQ(errno, ENOTEMPTY);
	/* readdir: ".", "..", "b", "c". */
	DIR *d = opendir("/tmp/d");
	CHECK(d != NULL);
	int seen = 0, n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		n++;
		if (strcmp(e->d_name, "b") == 0)
			seen |= 1;
		if (strcmp(e->d_name, "c") == 0)
			seen |= 2;
	}
	if (d)
		closedir(d);
	CHECK_EQ(n, 4);
	CHECK_EQ(seen, 3);
	CHECK_EQ(unlink("/tmp/d/c"), 0);
	CHECK_EQ(stat("/tmp/d/b", &st), 0);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(chmod("/tmp/d/b", 0600), 0);
	CHECK_EQ(stat("/tmp/d/b", &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_EQ(mkdir("/tmp/gone", 0700), 0);
	CHECK_EQ(rmdir("/tmp/gone"), 0);
	CHECK_EQ(stat("/tmp/gone", &st), -1);
	CHECK_EQ(unlink("/tmp/d"), -1);
	CHECK_EQ(errno, EISDIR);
	/* The current directory on the disk, and relative paths. */
	CHECK_EQ(chdir("/tmp/d"), 0);
	CHECK_EQ(stat("b", &st), 0);
	CHECK_EQ(chdir("/"), 0);
	/* What mke2fs put there. */
	char buf[128];
	CHECK(slurp("/etc/passwd", buf, sizeof buf) > 0);
	CHECK(strncmp(buf, "root:x:0:0:", 11) == 0);
	CHECK_EQ(stat("/home/user", &st), 0);
	CHECK_EQ(st.st_uid, 1000);
	printf("fs: mkdir, rmdir, rename, link, unlink, readdir, stat, chmod, chdir\n");
}

/* 1 MiB, far past the 12 direct blocks (1 KiB blocks: single and double
 * indirect), written in pieces of odd sizes and read back whole. */
static void big_file(void)
{
	unsigned char *b = malloc(BIG), *r = malloc(BIG);
	CHECK(b && r);
	if (!b || !r)
		return;
	for (uint32_t i = 0; i < BIG; i++)
		b[i] = big_byte(i);
	int fd = open("/home/user/big", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd >= 0);
	size_t done = 0, piece = 1000;
	while (done < BIG) {
		size_t n = BIG - done < piece ? BIG - done : piece;
		CHECK_EQ(write(fd, b + done, n), n);
		done += n;
		piece = piece * 3 % 70001 + 1;
	}
	CHECK_EQ(fsync(fd), 0);
	close(fd);
	memset(r, 0, BIG);
	CHECK_EQ(slurp("/home/user/big", (char *)r, BIG), BIG);
	CHECK(memcmp(b, r, BIG) == 0);
	struct stat st;
	CHECK_EQ(stat("/home/user/big", &st), 0);
	CHECK_EQ(st.st_size, BIG);
	free(b);
	free(r);
	printf("fs: a 1 MiB file through the indirect blocks\n");
}

static int run(const char *path)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)path, NULL };
		exec(path, argv);
		_exit(127);
	}
	return reap(pid);
}

/* /bin/hello is on the disk (and, under its own name, in the initrd);
 * a copy under a name only the disk has is run from the disk. */
static void exec_from_disk(void)
{
	CHECK_EQ(run("/bin/hello"), 0);
	static char img[256 * 1024];
	long n = slurp("/bin/hello", img, sizeof img);
	CHECK(n > 0 && n < (long)sizeof img);
	int fd = open("/tmp/hello2", O_CREAT | O_WRONLY | O_TRUNC, 0755);
	CHECK(fd >= 0);
	CHECK_EQ(write_all(fd, img, (size_t)n), n);
	close(fd);
	CHECK_EQ(run("/tmp/hello2"), 0);
	CHECK_EQ(chmod("/tmp/hello2", 0644), 0);
	CHECK_EQ(WEXITSTATUS(run("/tmp/hello2")), 127); /* no execute bit: exec fails */
	printf("fs: exec of programs on the disk\n");
}

/* A process killed with files open: the server's table comes back. */
static void killed_with_files(void)
{
	long base = open_handles();
	CHECK(base >= 0);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < 8; i++)
			if (open(i % 2 ? "/etc/passwd" : "/tmp/hello.txt", O_RDONLY) < 0)
				printf("FAIL: open %d: %d\n", i, errno);
		(void)!write(p[1], "x", 1);
		for (;;)
			sleep(1000);
	}
	close(p[1]);
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1);
	close(p[0]);
	CHECK_EQ(open_handles(), base + 8);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	CHECK_EQ(reap(pid), LDE_W_SIGNALED(SIGKILL));
	/* The closes are queued ahead of every later call: statfs finds them
	 * delivered. */
	CHECK_EQ(open_handles(), base);
	printf("fs: a process killed with 8 files open leaves none in the server\n");
}

/* A uid-1000 process: the server enforces the modes for the uid and gid
 * the kernel puts in each request. */
static void permissions(void)
{
	int fd = open("/tmp/rootfile", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd >= 0);
	close(fd);
	pid_t pid = fork();
	if (pid == 0) {
		CHECK_EQ(setgid(1000), 0);
		CHECK_EQ(setuid(1000), 0);
		CHECK_EQ(open("/tmp/rootfile", O_WRONLY), -1);
		CHECK_EQ(errno, EACCES);
		CHECK_EQ(open("/etc/passwd", O_RDWR), -1);
		CHECK_EQ(errno, EACCES);
		CHECK_EQ(open("/bin/mine", O_CREAT | O_WRONLY, 0755), -1);
		CHECK_EQ(errno, EACCES);
		CHECK_EQ(chmod("/tmp/rootfile", 0666), -1);
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(unlink("/etc/group"), -1);
		CHECK_EQ(errno, EACCES);
		int r = open("/tmp/rootfile", O_RDONLY); /* reading is allowed */
		CHECK(r >= 0);
		close(r);
		/* Its own files, owned by it, in its home. */
		int w = open("/home/user/mine", O_CREAT | O_WRONLY | O_EXCL, 0600);
		CHECK(w >= 0);
		CHECK_EQ(write(w, "mine\n", 5), 5);
		close(w);
		struct stat st;
		CHECK_EQ(stat("/home/user/mine", &st), 0);
		CHECK_EQ(st.st_uid, 1000);
		CHECK_EQ(st.st_gid, 1000);
		child_done();
	}
	CHECK_EQ(reap(pid), 0);
	/* Root may read the user's 0600 file. */
	char buf[8];
	CHECK_EQ(slurp("/home/user/mine", buf, sizeof buf), 5);
	printf("fs: uid 1000 refused root's files (EACCES, EPERM), owns what it creates\n");
}

static int posix(void)
{
	basics();
	directories();
	big_file();
	exec_from_disk();
	killed_with_files();
	permissions();
	CHECK_EQ(lde_sys_sync(), 0);
	return check_exit("t_fs posix");
}

static int write1(void)
{
	int fd = open("/home/user/persist", O_CREAT | O_WRONLY | O_EXCL, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "from the first boot\n", 20), 20);
	close(fd);
	CHECK_EQ(mkdir("/home/user/dir", 0755), 0);
	CHECK_EQ(lde_sys_sync(), 0);
	return check_exit("t_fs write1");
}

static int read2(void)
{
	char buf[64];
	CHECK_EQ(slurp("/home/user/persist", buf, sizeof buf), 20);
	CHECK(memcmp(buf, "from the first boot\n", 20) == 0);
	struct stat st;
	CHECK_EQ(stat("/home/user/dir", &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	return check_exit("t_fs read2");
}

/* The server whose parent is svc (its ticker is its own child). */
static int server_pid(void)
{
	static struct lde_procinfo all[64];
	int n = procinfo(-1, all, 64);
	for (int i = 0; i < n; i++)
		if (all[i].ppid == svc_pid && strcmp(all[i].name, "fs") == 0 &&
		    all[i].state != LDE_P_ZOMBIE)
			return all[i].pid;
	return -1;
}

static int sleeping_on(int pid, const char *prefix)
{
	struct lde_procinfo pi;
	return proc_get(pid, &pi) == 0 && pi.state == LDE_P_SLEEPING &&
	       strncmp(pi.wchan, prefix, strlen(prefix)) == 0;
}

/* Killed while it holds a write: the writer gets EIO, svc starts a new
 * server on the same endpoint, a new open works, the old descriptor is
 * stale. The server runs without its flush timer, so that when the
 * writer waits in its call and the server is not waiting for calls, the
 * server holds that write. */
static int crash(void)
{
	int fd = open("/tmp/victim", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "before\n", 7), 7);
	CHECK_EQ(lde_sys_sync(), 0);
	int srv = server_pid();
	CHECK(srv > 0);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t writer = fork();
	if (writer == 0) {
		close(p[0]);
		char *b = malloc(CRASH_BYTES);
		CHECK(b != NULL);
		memset(b, 'w', CRASH_BYTES);
		int w = open("/tmp/big", O_CREAT | O_WRONLY | O_TRUNC, 0644);
		CHECK(w >= 0);
		(void)!write(p[1], "x", 1); /* from here on, its one call is the write */
		long r = write(w, b, CRASH_BYTES);
		CHECK_EQ(r, -1);
		CHECK_EQ(errno, EIO);
		child_done();
	}
	close(p[1]);
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1);
	close(p[0]);
	/* Both conditions at once, observed between two samples of the
	 * writer's: its one call is under way all along. */
	long end = uptime() + 20000;
	int held = 0;
	while (!held && uptime() < end) {
		held = sleeping_on(writer, "call") && !sleeping_on(srv, "recv") &&
		       proc_state(srv) != LDE_P_ZOMBIE && sleeping_on(writer, "call");
		if (!held)
			usleep(1000);
	}
	CHECK(held);
	CHECK_EQ(kill(srv, SIGKILL), 0);
	CHECK_EQ(reap(writer), 0);
	/* The supervisor's new server serves the mount. */
	int fd2 = open("/tmp/victim", O_RDWR);
	CHECK(fd2 >= 0);
	char buf[16];
	CHECK_EQ(read(fd2, buf, sizeof buf), 7);
	CHECK(memcmp(buf, "before\n", 7) == 0);
	CHECK_EQ(write(fd2, "after\n", 6), 6);
	close(fd2);
	CHECK(server_pid() != srv && server_pid() > 0);
	/* A file opened through the dead server is stale. */
	CHECK_EQ(read(fd, buf, 1), -1);
	CHECK_EQ(errno, EIO);
	close(fd);
	CHECK_EQ(lde_sys_sync(), 0);
	printf("fs: server killed holding a write: EIO to the writer, restarted, a new open works\n");
	return check_exit("t_fs crash");
}

/* No sync: the server's timer must write it back. The driver's count of
 * writes says when it has. */
static int timer(void)
{
	struct blk b;
	struct blk_stats st0, st;
	CHECK_EQ(blk_open(&b, BLK_FD), 0);
	CHECK_EQ(lde_sys_sync(), 0);
	CHECK_EQ(blk_stats(&b, &st0), 0);
	int fd = open("/home/user/timed", O_CREAT | O_WRONLY | O_EXCL, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "written back by the timer\n", 26), 26);
	close(fd);
	long t0 = uptime(), end = t0 + 20000;
	do {
		usleep(10000);
		CHECK_EQ(blk_stats(&b, &st), 0);
	} while (st.flushes == st0.flushes && uptime() < end);
	CHECK(st.flushes > st0.flushes);
	/* The timer's sync has begun; the server answers this call only once
	 * that sync is over (it serves one message at a time). */
	struct stat sb;
	CHECK_EQ(stat("/", &sb), 0);
	CHECK_EQ(blk_stats(&b, &st), 0);
	CHECK(st.writes > st0.writes);
	printf("fs: the flush timer wrote back after %ld ms\n", uptime() - t0);
	return check_exit("t_fs timer"); /* and no sync on the way out */
}

static int scribble(void)
{
	int fd = open("/home/user/note", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "kept by init's sync\n", 20), 20);
	close(fd);
	static char img[256 * 1024];
	long n = slurp("/bin/hello", img, sizeof img);
	CHECK(n > 0);
	fd = open("/bin/hellodisk", O_CREAT | O_WRONLY | O_TRUNC, 0755);
	CHECK(fd >= 0);
	CHECK_EQ(write_all(fd, img, (size_t)n), n);
	close(fd);
	return check_exit("t_fs scribble");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "posix";
	if (strcmp(mode, "scribble") == 0)
		return scribble();
	int crash_mode = strcmp(mode, "crash") == 0;
	if (start(crash_mode ? "64" : NULL, crash_mode ? "0" : NULL) < 0)
		return check_exit("t_fs");
	if (strcmp(mode, "posix") == 0)
		return posix();
	if (strcmp(mode, "write1") == 0)
		return write1();
	if (strcmp(mode, "read2") == 0)
		return read2();
	if (crash_mode)
		return crash();
	if (strcmp(mode, "timer") == 0)
		return timer();
	printf("FAIL: t_fs: unknown mode %s\n", mode);
	return 1;
}
