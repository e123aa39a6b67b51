/* fsbench: the file-system server's benchmarks, run as init in a boot of
 * its own by scripts/bench.py with a fresh rootfs image (like blkbench):
 * it starts the disk and file-system services, mounts the server at "/"
 * (its flush timer off, so that nothing but the operation runs), and
 * prints BENCH lines like bench's:
 *
 *   file_read_4k_cached      read() of 4 KiB of a file the cache holds
 *   stat_path                stat() of a 3-component path, cached
 *   file_create_write_close  open(O_CREAT|O_EXCL) of a new file in a
 *                            directory of 100 files, a 4 KiB write, close
 *                            (the definition; the file is unlinked
 *                            after the measured part, so the directory
 *                            stays at 100)
 *   fork_exec_wait_fs        fork, exec of /bin/tru (a copy of true that only
 *                            the disk has, cached), wait
 *
 * Each operation is measured alone with instret, minus what the kernel
 * counted as idle meanwhile (blkbench's method); the figure is the median
 * of N, so that a timer tick inside one operation does not count.
 *
 *   fsbench [N [ONLY]]    (N default 200; ONLY: read, stat, create or
 *                          exec runs that one alone, for scripts/profile.py;
 *                          "wall": all, then bench_wall's wall-clock lines)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "blk.h"
#include "fssvc.h"
#include "devbench.h"
#include "lde.h"

#define TIMEBASE_HZ 10000000UL /* QEMU virt; ns per tick = 100 */
/* A cache that holds every block the benchmarks touch, so that no measured
 * operation waits for the disk: a write-back or a re-read inside one lets
 * the host's disk timing into the count (the timer ticks while it waits),
 * and two runs of file_create_write_close differed with the default 128. */
#define FS_BENCH_BUFS "2048"

static unsigned long *cost;
static unsigned long n, t_start, idle0, insn0;

static inline void op_begin(void)
{
	idle0 = idle_now();
	insn0 = instret();
}

static inline void op_end(unsigned long i)
{
	unsigned long d = instret() - insn0;
	cost[i] = d - (idle_now() - idle0);
}

static void report(const char *name)
{
	unsigned long dt = now_ticks() - t_start;
	qsort(cost, n, sizeof *cost, cmp_ul);
	printf("BENCH %s %lu %lu %lu\n", name, cost[n / 2], n,
	       dt * (1000000000UL / TIMEBASE_HZ) / n);
}

static int start(void)
{
	int mgr = (int)lde_sys_dev_manager();
	int ep = ep_create();
	int client = ep_mint(ep, 1), svc;
	if (mgr < 0 || client < 0 || dup2(client, BLK_FD) != BLK_FD ||
	    blk_service_start(mgr, ep, NULL, &svc) < 0)
		return -1;
	close(mgr);
	if (client != BLK_FD)
		close(client);
	int fep = ep_create();
	if (fep < 0 || fs_service_start(fep, BLK_FD, FS_BENCH_BUFS, "0", &svc) < 0 ||
	    mount("/", fep) < 0)
		return -1;
	close(fep);
	return 0;
}

static void bench_read(void)
{
	static char buf[4096] __attribute__((aligned(4096)));
	int fd = open("/bench.4k", O_CREAT | O_RDWR | O_TRUNC, 0644);
	memset(buf, 'r', sizeof buf);
	if (fd < 0 || write(fd, buf, sizeof buf) != sizeof buf) {
		printf("BENCH-FAIL fsbench: cannot write /bench.4k\n");
		return;
	}
	for (int i = 0; i < 10; i++) {
		lseek(fd, 0, SEEK_SET);
		(void)!read(fd, buf, sizeof buf);
	}
	t_start = now_ticks();
	for (unsigned long i = 0; i < n; i++) {
		lseek(fd, 0, SEEK_SET);
		op_begin();
		long r = read(fd, buf, sizeof buf);
		op_end(i);
		if (r != sizeof buf)
			printf("BENCH-FAIL fsbench: read %ld\n", r);
	}
	report("file_read_4k_cached");
	close(fd);
}

static void bench_stat(void)
{
	struct stat st;
	for (int i = 0; i < 10; i++)
		stat("/usr/share/notes", &st);
	t_start = now_ticks();
	for (unsigned long i = 0; i < n; i++) {
		op_begin();
		int r = stat("/usr/share/notes", &st);
		op_end(i);
		if (r != 0)
			printf("BENCH-FAIL fsbench: stat failed\n");
	}
	report("stat_path");
}

static void bench_create(void)
{
	static char data[4096];
	memset(data, 'x', sizeof data);
	mkdir("/bench", 0755);
	char name[32];
	/* Every name of the same length, so that every iteration does the
	 * same work: the directory scan compares the first byte of each name
	 * as long as the new one (the server's dir_scan). With names of 2, 3
	 * and 4 characters, iterations differed by hundreds of instructions
	 * (thousands with a byte-wise memcmp) in groups of 10, 90 and 100,
	 * and the median fell at a group's edge, where the few iterations a
	 * timer tick lands in (which differ from boot to boot) moved it. */
	for (int i = 0; i < 99; i++) { /* with the one being made: 100 files */
		snprintf(name, sizeof name, "/bench/p%03d", i);
		int fd = open(name, O_CREAT | O_WRONLY, 0644);
		if (fd >= 0)
			close(fd);
	}
	t_start = now_ticks();
	for (unsigned long i = 0; i < n; i++) {
		snprintf(name, sizeof name, "/bench/f%03lu", i % 1000);
		op_begin();
		int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		long w = write(fd, data, sizeof data);
		close(fd);
		op_end(i);
		if (fd < 0 || w != sizeof data)
			printf("BENCH-FAIL fsbench: create %s failed\n", name);
		unlink(name);
	}
	report("file_create_write_close");
}

static void bench_exec(void)
{
	/* A name the initrd lacks, so that exec reads it from the disk. */
	static char img[128 * 1024];
	int in = open("/bin/true", O_RDONLY), out = open("/bin/tru", O_CREAT | O_WRONLY, 0755);
	long len = in < 0 ? -1 : read(in, img, sizeof img);
	if (len <= 0 || out < 0 || write(out, img, (size_t)len) != len) {
		printf("BENCH-FAIL fsbench: cannot copy /bin/true\n");
		return;
	}
	close(in);
	close(out);
	char *argv[] = { "tru", NULL };
	unsigned long m = n / 2 ? n / 2 : 1;
	t_start = now_ticks();
	for (unsigned long i = 0; i < m + 5; i++) {
		op_begin();
		pid_t pid = fork();
		if (pid == 0) {
			exec("/bin/tru", argv);
			_exit(127);
		}
		int st = 0;
		wait(&st);
		if (i >= 5)
			op_end(i - 5); /* the first ones warm the cache */
		if (st != 0)
			printf("BENCH-FAIL fsbench: /bin/tru: status %d\n", st);
	}
	unsigned long keep = n;
	n = m;
	report("fork_exec_wait_fs");
	n = keep;
}

/* Wall-clock only (BENCH-WALL lines, microseconds; scripts/bench.py asks
 * for them in its runs without icount): a 16 MiB file written in 64 KiB
 * pieces and fsynced, then read back (eight times the cache: most of it
 * from the disk), and `ls -l` of a directory of 2,000 files, its output
 * drained through a pipe. */
#define WALL_FILE (16UL << 20)
#define WALL_PIECE (64UL << 10)
#define WALL_ENTRIES 2000

static void bench_wall(void)
{
	char *buf = malloc(WALL_PIECE);
	int fd = open("/bench.16m", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (!buf || fd < 0) {
		printf("BENCH-FAIL fsbench: cannot create /bench.16m\n");
		return;
	}
	memset(buf, 'w', WALL_PIECE);
	unsigned long t0 = now_ticks(), done = 0;
	while (done < WALL_FILE && write(fd, buf, WALL_PIECE) == (long)WALL_PIECE)
		done += WALL_PIECE;
	fsync(fd);
	close(fd);
	unsigned long t1 = now_ticks();
	fd = open("/bench.16m", O_RDONLY);
	unsigned long got = 0;
	long r;
	while (fd >= 0 && (r = read(fd, buf, WALL_PIECE)) > 0)
		got += (unsigned long)r;
	close(fd);
	unsigned long t2 = now_ticks();
	if (done != WALL_FILE || got != WALL_FILE)
		printf("BENCH-FAIL fsbench: 16 MiB file: wrote %lu, read %lu\n", done, got);
	else {
		printf("BENCH-WALL fs_write_16m %lu\n", (t1 - t0) / (TIMEBASE_HZ / 1000000UL));
		printf("BENCH-WALL fs_read_16m %lu\n", (t2 - t1) / (TIMEBASE_HZ / 1000000UL));
	}
	unlink("/bench.16m");

	char name[32];
	mkdir("/bench/ls", 0755);
	for (int i = 0; i < WALL_ENTRIES; i++) {
		snprintf(name, sizeof name, "/bench/ls/file%04d", i);
		int f = open(name, O_CREAT | O_WRONLY, 0644);
		if (f >= 0)
			close(f);
	}
	int p[2];
	if (pipe(p) < 0)
		return;
	t0 = now_ticks();
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		char *argv[] = { "ls", "-l", "/bench/ls", NULL };
		exec("/bin/ls", argv);
		_exit(127);
	}
	close(p[1]);
	unsigned long lines = 0;
	while ((r = read(p[0], buf, WALL_PIECE)) > 0)
		for (long i = 0; i < r; i++)
			lines += buf[i] == '\n';
	close(p[0]);
	int st = -1;
	waitpid(pid, &st, 0);
	t1 = now_ticks();
	if (st != 0 || lines < WALL_ENTRIES)
		printf("BENCH-FAIL fsbench: ls -l: status %d, %lu lines\n", st, lines);
	else
		printf("BENCH-WALL fs_ls_l_2000 %lu\n", (t1 - t0) / (TIMEBASE_HZ / 1000000UL));
	free(buf);
}

int main(int argc, char **argv)
{
	n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
	if (!n)
		n = 200;
	cost = malloc(n * sizeof *cost);
	if (!cost || start() < 0) {
		printf("BENCH-FAIL fsbench: no file system (run as init, with a rootfs disk)\n");
		return 1;
	}
	const char *only = argc > 2 ? argv[2] : NULL;
	int wall = only && !strcmp(only, "wall"); /* everything, then the wall lines */
	if (wall)
		only = NULL;
	if (!only || !strcmp(only, "read"))
		bench_read();
	if (!only || !strcmp(only, "stat"))
		bench_stat();
	if (!only || !strcmp(only, "create"))
		bench_create();
	if (!only || !strcmp(only, "exec"))
		bench_exec();
	if (wall)
		bench_wall();
	sync();
	return 0;
}
