/* The file system's reliability, as init on a disk the test makes
 * (tests/suites/fsrel.py, which checks the image on the host afterwards):
 *
 *   t_fsrel blkcrash  64 checksummed files written through the server,
 *                     pass after pass, while the disk driver is killed
 *                     (SIGKILL) 4 times; the last pass reads back
 *   t_fsrel powercut  a write-heavy run that never ends: files fsynced one
 *                     by one (each reported on the console once fsync has
 *                     returned), unsynced writes, renames and unlinks
 *                     around them; the host kills QEMU
 *   t_fsrel full      out of inodes, then out of blocks: ENOSPC, what was
 *                     written before reads back, a removal makes room
 *   t_fsrel memory    100,000 opens and closes: the server's pages and
 *                     the kernel's free pages the same before and after
 *   t_fsrel walk      every file of a (corrupt) image read in full, every
 *                     directory listed, depth bounded, then changes made:
 *                     EIO where the metadata is bad, the server alive
 *
 * The files' bytes are gen(size, seed) (tests/suites/fsrel.py: gen). */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include "blk.h"
#include "dirent.h"
#include "fssvc.h"
#include "t_util.h"
#include "t_disk.h"

static int svc_pid, blk_svc;
static struct blk disk;

static uint64_t xs(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* n bytes (any n) of xorshift64 from seed, little-endian words. */
static void gen(void *buf, size_t n, uint64_t seed)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
	unsigned char *p = buf;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t w = xs(&s);
		for (size_t k = 0; k < 8 && i + k < n; k++)
			p[i + k] = (unsigned char)(w >> (8 * k));
	}
}

/* The disk service at BLK_FD, then the file system at "/" (bufs, flush_ms
 * as fs_service_start takes them). 0, or -errno (-ENODEV: nothing it can
 * mount). */
static int start(const char *bufs, const char *flush_ms)
{
	t_disk_start(&blk_svc);
	CHECK_EQ(blk_open(&disk, BLK_FD), 0);
	return t_fs_start(bufs, flush_ms, &svc_pid);
}

/* The live child of `parent` named name, or -1. */
static int child_named(int parent, const char *name)
{
	static struct lde_procinfo all[64];
	int n = procinfo(-1, all, 64);
	for (int i = 0; i < n; i++)
		if (all[i].ppid == parent && strcmp(all[i].name, name) == 0 &&
		    all[i].state != LDE_P_ZOMBIE)
			return all[i].pid;
	return -1;
}

/* Write path whole with gen(n, seed), in pieces of odd sizes. 0 or -errno. */
static int put_file(const char *path, size_t n, uint64_t seed, int sync)
{
	static char buf[70000];
	gen(buf, n, seed);
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	size_t done = 0, piece = 777;
	while (done < n) {
		size_t k = n - done < piece ? n - done : piece;
		long w = write(fd, buf + done, k);
		if (w != (long)k) {
			int e = w < 0 ? errno : ENOSPC;
			close(fd);
			return -e;
		}
		done += k;
		piece = piece * 5 % 9001 + 1;
	}
	int r = sync ? fsync(fd) : 0;
	if (r < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Whether path holds exactly gen(n, seed). */
static int file_is(const char *path, size_t n, uint64_t seed)
{
	static char want[70000], got[70001];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	long r = read_all(fd, got, n + 1);
	close(fd);
	gen(want, n, seed);
	return r == (long)n && memcmp(want, got, n) == 0;
}

/* ---- the disk driver killed under the file system ------------------------ */

#define NFILES 64
#define KILLS 4

static size_t crash_size(int i) { return 1000 + (size_t)i * 7919 % 60000; }

/* The killer: KILLS times, at a random moment 200 to 1,200 ms after the
 * previous one, SIGKILL the driver (4 deaths: svc gives up at 5 in 10 s). */
static void killer(void)
{
	uint64_t seed = 4242;
	int last = -1;
	for (int k = 0; k < KILLS; k++) {
		usleep((useconds_t)(200 + xs(&seed) % 1000) * 1000);
		/* The previous one's successor, once svc has started it. */
		int pid;
		long end = uptime() + 10000;
		while (((pid = child_named(blk_svc, "blk")) <= 0 || pid == last) && uptime() < end)
			usleep(5000);
		CHECK(pid > 0 && pid != last);
		CHECK_EQ(kill(pid, SIGKILL), 0);
		last = pid;
	}
	child_done();
}

static int blkcrash(void)
{
	CHECK_EQ(mkdir("/c", 0755), 0);
	pid_t k = fork();
	if (k == 0)
		killer();
	/* Passes over the 64 files until the killer is done, then one more;
	 * every file of the last pass must read back. */
	uint32_t pass = 0;
	int done = 0;
	char path[32];
	while (!done) {
		done = proc_state(k) == LDE_P_ZOMBIE;
		pass++;
		for (int i = 0; i < NFILES; i++) {
			snprintf(path, sizeof path, "/c/f%02d", i);
			int r = put_file(path, crash_size(i), (uint64_t)pass << 32 | (uint32_t)i,
					 0);
			if (r < 0) {
				printf("FAIL: %s pass %u: %d\n", path, pass, r);
				return check_exit("t_fsrel blkcrash");
			}
		}
	}
	CHECK_EQ(reap(k), 0);
	CHECK_EQ(lde_sys_sync(), 0);
	int good = 0;
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof path, "/c/f%02d", i);
		good += file_is(path, crash_size(i), (uint64_t)pass << 32 | (uint32_t)i);
	}
	CHECK_EQ(good, NFILES);
	struct blk_stats st;
	CHECK_EQ(blk_stats(&disk, &st), 0);
	CHECK_EQ(st.restarts, KILLS);
	printf("fs: blkcrash: %d files of pass %u read back; driver deaths %llu, resends %llu\n",
	       good, pass, (unsigned long long)st.restarts, (unsigned long long)st.resends);
	return check_exit("t_fsrel blkcrash");
}

/* ---- power cut ------------------------------------------------------------ */

static size_t cut_size(int i) { return 100 + (size_t)i * 4801 % 50000; }

/* Never returns: the host cuts the power. File i (/p/fNNNN) is written,
 * fsynced, and reported; around it, unsynced files come and go, a log
 * grows and is truncated, names are changed in place. */
static int powercut(void)
{
	CHECK_EQ(mkdir("/p", 0755), 0);
	CHECK_EQ(mkdir("/q", 0755), 0);
	char path[32], other[32];
	static char junk[4096];
	int logfd = open("/q/log", O_CREAT | O_WRONLY | O_APPEND, 0644);
	CHECK(logfd >= 0);
	for (int i = 0; i < 100000; i++) {
		snprintf(path, sizeof path, "/p/f%04d", i);
		int r = put_file(path, cut_size(i), (uint64_t)i, 1);
		if (r < 0) {
			printf("FAIL: %s: %d\n", path, r);
			break;
		}
		printf("fs: powercut: fsynced f%04d %u\n", i, (unsigned)cut_size(i));
		/* Unsynced work, much of it still in the cache when the power goes. */
		snprintf(other, sizeof other, "/q/t%d", i % 7);
		CHECK_EQ(put_file(other, cut_size(i + 3), (uint64_t)i + 1000000, 0), 0);
		snprintf(path, sizeof path, "/q/r%d", i % 5);
		CHECK_EQ(rename(other, path), 0);
		gen(junk, sizeof junk, (uint64_t)i + 2000000);
		CHECK_EQ(write(logfd, junk, sizeof junk), (long)sizeof junk);
		if (i % 9 == 8)
			CHECK_EQ(ftruncate(logfd, 1000), 0);
		if (i % 4 == 3) {
			snprintf(path, sizeof path, "/q/r%d", (i / 4) % 5);
			(void)unlink(path);
			snprintf(path, sizeof path, "/q/d%d", i % 3);
			(void)mkdir(path, 0755);
			snprintf(path, sizeof path, "/q/d%d", (i + 1) % 3);
			(void)rmdir(path);
		}
	}
	return check_exit("t_fsrel powercut");
}

/* ---- full disk, no inodes -------------------------------------------------- */

#define FULL_FILE 60000

static int full(void)
{
	char path[32];
	struct lde_statfs sf;
	/* Out of inodes: empty files until ENOSPC. */
	CHECK_EQ(mkdir("/i", 0755), 0);
	int n = 0, fd;
	for (;;) {
		snprintf(path, sizeof path, "/i/e%d", n);
		fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644);
		if (fd < 0)
			break;
		close(fd);
		if (++n > 5000)
			break;
	}
	CHECK_EQ(fd, -1);
	CHECK_EQ(errno, ENOSPC);
	CHECK_EQ(lde_sys_statfs("/", &sf), 0);
	CHECK_EQ(sf.ffree, 0);
	CHECK_EQ(mkdir("/i/sub", 0755), -1);
	CHECK_EQ(errno, ENOSPC);
	struct stat st;
	CHECK_EQ(stat("/i/e0", &st), 0);
	CHECK_EQ(unlink("/i/e0"), 0);
	fd = open("/i/again", O_CREAT | O_WRONLY | O_EXCL, 0644);
	CHECK(fd >= 0);
	close(fd);
	printf("fs: out of inodes after %d files: ENOSPC; a removal made room\n", n);
	for (int i = 1; i < n; i++) {
		snprintf(path, sizeof path, "/i/e%d", i);
		CHECK_EQ(unlink(path), 0);
	}

	/* Out of blocks: files of FULL_FILE bytes until a write falls short. */
	CHECK_EQ(mkdir("/b", 0755), 0);
	int nf = 0;
	long last = 0;
	static char buf[FULL_FILE];
	for (;; nf++) {
		snprintf(path, sizeof path, "/b/f%02d", nf);
		fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644);
		if (fd < 0) {
			CHECK_EQ(errno, ENOSPC);
			break;
		}
		gen(buf, FULL_FILE, (uint64_t)nf);
		last = write_all(fd, buf, FULL_FILE);
		if (last != FULL_FILE) {
			/* What fit is there; the next write says why no more. */
			CHECK(last >= -1);
			CHECK_EQ(write(fd, buf, 1024), -1);
			CHECK_EQ(errno, ENOSPC);
			close(fd);
			nf++;
			break;
		}
		close(fd);
		if (nf > 1000)
			break;
	}
	CHECK(nf > 2);
	CHECK_EQ(lde_sys_sync(), 0);
	CHECK_EQ(lde_sys_statfs("/", &sf), 0);
	CHECK_EQ(sf.bfree, 0);
	/* With no block left, a new directory fails, and so does a name once
	 * the directory's last block is full (its inode given back). */
	CHECK_EQ(mkdir("/b/sub", 0755), -1);
	CHECK_EQ(errno, ENOSPC);
	int ne = 0;
	for (; ne < 2000; ne++) {
		snprintf(path, sizeof path, "/b/empty%d", ne);
		fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644);
		if (fd < 0)
			break;
		close(fd);
	}
	CHECK_EQ(fd, -1);
	CHECK_EQ(errno, ENOSPC);
	CHECK_EQ(lde_sys_statfs("/", &sf), 0);
	long ffree = (long)sf.ffree;
	CHECK_EQ(open("/b/one-more", O_CREAT | O_WRONLY | O_EXCL, 0644), -1);
	CHECK_EQ(lde_sys_statfs("/", &sf), 0);
	CHECK_EQ(sf.ffree, ffree);
	/* Every whole file reads back. */
	int good = 0;
	for (int i = 0; i + 1 < nf; i++) {
		snprintf(path, sizeof path, "/b/f%02d", i);
		good += file_is(path, FULL_FILE, (uint64_t)i);
	}
	CHECK_EQ(good, nf - 1);
	/* The short one holds a prefix of what was written. */
	snprintf(path, sizeof path, "/b/f%02d", nf - 1);
	CHECK_EQ(stat(path, &st), 0);
	long part = (long)st.st_size;
	CHECK(part >= 0 && part < FULL_FILE);
	CHECK(file_is(path, (size_t)part, (uint64_t)(nf - 1)));
	printf("fs: disk full after %d files and %ld bytes: ENOSPC; then %d names, and no "
	       "directory\n",
	       nf - 1, part, ne);
	/* A removal makes room again. */
	CHECK_EQ(unlink("/b/f00"), 0);
	CHECK_EQ(put_file("/b/new", FULL_FILE / 2, 777, 1), 0);
	CHECK(file_is("/b/new", FULL_FILE / 2, 777));
	CHECK_EQ(lde_sys_sync(), 0);
	printf("fs: a removal made room: a new file written and read back\n");
	printf("fs: full: files %d part %ld\n", nf - 1, part);
	return check_exit("t_fsrel full");
}

/* ---- memory ----------------------------------------------------------------- */

#define OPENS 100000
#define MFILES 100

static long pages_of(int pid)
{
	struct lde_procinfo pi;
	return proc_get(pid, &pi) == 0 ? (long)pi.pages : -1;
}

/* One round of opens and closes: every kind of open the server serves. */
static void churn(long count)
{
	char path[32];
	for (long i = 0; i < count; i++) {
		int k = (int)(i % MFILES);
		snprintf(path, sizeof path, "/m/f%d", k);
		int fd;
		switch (i % 4) {
		case 0: fd = open(path, O_RDONLY); break;
		case 1: fd = open(path, O_RDWR | O_APPEND); break;
		case 2: fd = open(path, O_CREAT | O_WRONLY, 0644); break;
		default: fd = open("/m", O_RDONLY | O_DIRECTORY); break;
		}
		if (fd < 0) {
			printf("FAIL: open %s (%ld): errno %d\n", path, i, errno);
			check_failures++;
			return;
		}
		close(fd);
	}
}

static int memory(void)
{
	char path[32];
	CHECK_EQ(mkdir("/m", 0755), 0);
	for (int i = 0; i < MFILES; i++) {
		snprintf(path, sizeof path, "/m/f%d", i);
		CHECK_EQ(put_file(path, 100, (uint64_t)i, 0), 0);
	}
	int srv = child_named(svc_pid, "fs");
	CHECK(srv > 0);
	warm_up();
	churn(2000); /* the server's and our own first touches */
	CHECK_EQ(lde_sys_sync(), 0);
	long p0 = pages_of(srv), f0 = phys_free_pages();
	long t0 = uptime();
	churn(OPENS);
	CHECK_EQ(lde_sys_sync(), 0);
	long p1 = pages_of(srv), f1 = phys_free_pages();
	struct lde_statfs sf;
	CHECK_EQ(lde_sys_statfs("/", &sf), 0);
	CHECK_EQ(sf.open_handles, 0);
	CHECK(p0 > 0);
	CHECK(p1 <= p0 + 2);
	CHECK(f1 >= f0 - 2);
	CHECK_EQ(child_named(svc_pid, "fs"), srv);
	printf("fs: %d opens and closes in %ld ms: server pages %ld -> %ld, free pages %ld -> %ld\n",
	       OPENS, uptime() - t0, p0, p1, f0, f1);
	return check_exit("t_fsrel memory");
}

/* ---- walking a corrupt image ---------------------------------------------- */

#define WALK_DEPTH 12

static long w_entries, w_eio, w_other, w_files;

static void note_err(const char *what, const char *path, int e)
{
	if (e == EIO)
		w_eio++;
	else
		w_other++;
	printf("walk: %s %s: %s\n", what, path, strerror(e));
}

/* FNV-1a of a file's bytes, read in full. */
static void walk_file(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		note_err("open", path, errno);
		return;
	}
	uint32_t h = 2166136261u;
	long total = 0, r;
	while ((r = read(fd, buf, sizeof buf)) > 0) {
		for (long i = 0; i < r; i++)
			h = (h ^ (uint8_t)buf[i]) * 16777619u;
		total += r;
		if (total > (64L << 20))
			break; /* bigger than anything the image holds */
	}
	if (r < 0)
		note_err("read", path, errno);
	else
		printf("walk: file %s %ld %08x\n", path, total, (unsigned)h);
	close(fd);
	w_files++;
}

static void walk(const char *dir, int depth)
{
	if (depth > WALK_DEPTH) {
		printf("walk: too deep at %s\n", dir);
		return;
	}
	DIR *d = opendir(dir);
	if (!d) {
		note_err("opendir", dir, errno);
		return;
	}
	/* The names first, then the visits: the stream's buffer is one. */
	char(*mine)[64] = malloc(64 * 64);
	int n = 0;
	struct dirent *e;
	errno = 0;
	while (mine && (e = readdir(d)) != NULL) {
		w_entries++;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || n >= 64 ||
		    strlen(e->d_name) >= 64)
			continue;
		strcpy(mine[n++], e->d_name);
		errno = 0;
	}
	if (errno)
		note_err("readdir", dir, errno);
	closedir(d);
	char path[256];
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") ? dir : "", mine[i]);
		struct stat st;
		if (stat(path, &st) < 0) {
			note_err("stat", path, errno);
			continue;
		}
		if (S_ISDIR(st.st_mode))
			walk(path, depth + 1);
		else if (S_ISREG(st.st_mode))
			walk_file(path);
	}
	free(mine);
}

static int walk_image(void)
{
	walk("/", 0);
	printf("walk: entries %ld files %ld eio %ld other %ld\n", w_entries, w_files, w_eio,
	       w_other);
	int srv = child_named(svc_pid, "fs");
	/* Changes on the damaged image: errors are allowed, harm is not. */
	int fd = open("/new", O_CREAT | O_RDWR, 0644);
	if (fd >= 0) {
		static char b[20000];
		gen(b, sizeof b, 5);
		(void)!write(fd, b, sizeof b);
		close(fd);
	} else {
		note_err("create", "/new", errno);
	}
	(void)mkdir("/newdir", 0755);
	(void)rename("/new", "/newdir/new");
	/* A directory moved: the server climbs the target's ".." chain. */
	if (mkdir("/mv", 0755) == 0 && rename("/mv", "/dir/mv") < 0)
		note_err("rename", "/mv", errno);
	for (int i = 0; i < 20; i++) {
		char p[32];
		snprintf(p, sizeof p, "/n%d", i);
		fd = open(p, O_CREAT | O_WRONLY, 0644);
		if (fd >= 0)
			close(fd);
		else
			note_err("create", p, errno);
	}
	(void)unlink("/small");
	(void)unlink("/dir/e05");
	(void)rmdir("/dir");
	(void)lde_sys_sync();
	/* Then everything again, and the server is the same one. */
	w_entries = w_eio = w_other = w_files = 0;
	walk("/", 0);
	printf("walk: again: entries %ld files %ld eio %ld other %ld\n", w_entries, w_files, w_eio,
	       w_other);
	struct stat st;
	CHECK_EQ(stat("/", &st), 0);
	CHECK(srv > 0);
	CHECK_EQ(child_named(svc_pid, "fs"), srv);
	printf("walk: done, the server alive\n");
	return check_exit("t_fsrel walk");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	/* The power cut: a small cache, so that unsynced work reaches the disk
	 * in the middle of operations (a full cache flushes everything). */
	int r = start(strcmp(mode, "powercut") == 0 ? "16" : NULL,
		      strcmp(mode, "memory") == 0 ? "0" : NULL);
	if (strcmp(mode, "walk") == 0 && r == -ENODEV) {
		printf("walk: the server refused to mount the image\n");
		return check_exit("t_fsrel walk");
	}
	if (r < 0) {
		printf("FAIL: t_fsrel: no file system (%d)\n", r);
		return 1;
	}
	if (strcmp(mode, "blkcrash") == 0)
		return blkcrash();
	if (strcmp(mode, "powercut") == 0)
		return powercut();
	if (strcmp(mode, "full") == 0)
		return full();
	if (strcmp(mode, "memory") == 0)
		return memory();
	if (strcmp(mode, "walk") == 0)
		return walk_image();
	printf("FAIL: t_fsrel: unknown mode %s\n", mode);
	return 1;
}
