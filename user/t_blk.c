/* The disk, driven from user space (docs/drivers.md): servers/svc and
 * servers/blk through libblk, with the disk tests/suites/blk.py attaches
 * (a fresh image, every sector starting "lde sector N"). Runs as init:
 * it claims the device-manager right and starts the service itself.
 *
 *   t_blk patterns   offsets and sizes across the disk, bad requests,
 *                    concurrent clients (8 requests at the device at once,
 *                    with the driver's hold switch), then the whole disk
 *                    written with gen_sector's pattern (checked on the host)
 *   t_blk crash      2,000 checksummed 1 KiB blocks written while the
 *                    driver is killed (SIGKILL) 5 times at random moments
 *                    and crashes once by itself mid-request (its test
 *                    switch); every block read back; host-checked
 *   t_blk giveup     a driver that dies 5 times in 10 s is not restarted;
 *                    requests then fail with EIO
 *   t_blk readonly   on a read-only disk (DISK_RO=1) the device fails
 *                    writes: the client gets EIO, reads still work
 *   t_blk retries    libblk against a server that always dies holding the
 *                    request: 8 resends, then EIO (no disk needed) */
#include "blk.h"
#include "t_util.h"

static int mgr, client, svc;
static struct blk b;

/* The pattern generator the host check repeats (tests/suites/blk.py). */
static uint64_t xs(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}
static void gen(void *buf, size_t n, uint64_t seed)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1, *w = buf;
	for (size_t i = 0; i < n / 8; i++)
		w[i] = xs(&s);
}

static char *big; /* 64 KiB + slack */
static char *cmp; /* the same */
#define BIG (64 * 1024 + 1024)

static void start(const char *flags)
{
	mgr = (int)lde_sys_dev_manager();
	CHECK(mgr >= 0);
	int ep = ep_create();
	CHECK(ep >= 0);
	client = ep_mint(ep, 1);
	CHECK(client >= 0);
	CHECK_EQ(blk_service_start(mgr, ep, flags, &svc), 0);
	CHECK_EQ(blk_open(&b, client), 0);
	big = malloc(BIG);
	cmp = malloc(BIG);
	CHECK(big && cmp);
}

static struct blk_stats stats(void)
{
	struct blk_stats st;
	CHECK_EQ(blk_stats(&b, &st), 0);
	return st;
}

/* Write a pattern at off, read it back. */
static void roundtrip(uint64_t off, size_t n, uint64_t seed)
{
	gen(big, n, seed);
	CHECK_EQ(blk_write(&b, off, big, n), (long)n);
	memset(cmp, 0xa5, n);
	CHECK_EQ(blk_read(&b, off, cmp, n), (long)n);
	if (memcmp(big, cmp, n) != 0)
		printf("FAIL: %zu bytes at %llu read back differ\n", n, (unsigned long long)off),
			check_failures++;
}

static void patterns(void)
{
	uint64_t cap = b.capacity * BLK_SECTOR;
	/* The image's own contents first: each sector names itself. */
	for (uint64_t s = 0; s < b.capacity; s += b.capacity / 7 + 1) {
		char want[32];
		CHECK_EQ(blk_read(&b, s * BLK_SECTOR, big, BLK_SECTOR), BLK_SECTOR);
		snprintf(want, sizeof want, "lde sector %llu", (unsigned long long)s);
		CHECK(memcmp(big, want, strlen(want)) == 0);
	}
	static const size_t sizes[] = { 512,  1024,  1536,  3584,  4096,  4608,
					8192, 12800, 16384, 16896, 40960, 65536 };
	int n = 0;
	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t sz = sizes[i];
		uint64_t last = cap - sz;
		uint64_t offs[] = { 0,
				    512,
				    4096 - 512,
				    4096,
				    last / 3 / 512 * 512,
				    last / 2 / 512 * 512,
				    last - 512 * 3,
				    last };
		for (unsigned j = 0; j < sizeof offs / sizeof offs[0]; j++, n++)
			roundtrip(offs[j], sz, (uint64_t)n * 7919 + sz);
	}
	printf("blk: %d patterns of 512 B to 64 KiB at offsets across the disk read back\n", n);
}

static void bad_requests(void)
{
	uint64_t cap = b.capacity * BLK_SECTOR;
	int W = LDE_LEASE_WRITE, R = LDE_LEASE_READ;
	CHECK_EQ(blk_request(client, BLK_OP_READ, cap, 512, 0, big, 512, W), -EINVAL);
	CHECK_EQ(blk_request(client, BLK_OP_READ, cap - 512, 1024, 0, big, 1024, W), -EINVAL);
	CHECK_EQ(blk_request(client, BLK_OP_WRITE, cap - 512, 1024, 0, big, 1024, R), -EINVAL);
	CHECK_EQ(blk_request(client, BLK_OP_READ, 1ULL << 63, 512, 0, big, 512, W), -EINVAL);
	CHECK_EQ(blk_request(client, BLK_OP_READ, -512ULL, 1024, 0, big, 1024, W), -EINVAL);
	CHECK_EQ(blk_request(client, BLK_OP_READ, 100, 512, 0, big, 512, W), -EINVAL);
	CHECK_EQ(blk_request(client, BLK_OP_WRITE, 512, 100, 0, big, 512, R), -EINVAL);
	CHECK_EQ(blk_request(client, BLK_OP_READ, 512, 0, 0, big, 512, W), -EINVAL);
	CHECK_EQ(blk_request(client, BLK_OP_READ, 0, BLK_MAX_BYTES + 512, 0, big, BIG, W), -EINVAL);
	CHECK_EQ(blk_request(client, BLK_OP_READ, 0, 4096, 0, big, 2048, W), -EINVAL); /* lease */
	CHECK_EQ(blk_request(client, BLK_OP_WRITE, 0, 4096, 0, big, 4095, R), -EINVAL);
	CHECK_EQ(blk_request(client, BLK_OP_READ, 0, 512, 0, NULL, 0, 0), -EINVAL); /* none */
	CHECK_EQ(blk_request(client, BLK_OP_READ, 0, 512, 0, big, 512, R), -EACCES);
	CHECK_EQ(blk_request(client, BLK_OP_WRITE, 0, 512, 0, big, 512, W), -EACCES);
	/* A read into the program's own code: the device reads, the copy
	 * out faults, the client hears EFAULT and its code is intact. */
	CHECK_EQ(blk_request(client, BLK_OP_READ, 0, 512, 0, (void *)(uintptr_t)patterns, 512, W),
		 -EFAULT);
	CHECK_EQ(blk_request(client, 99, 0, 512, 0, NULL, 0, 0), -ENOSYS);
	CHECK_EQ(blk_request(client, BLK_OP_TEST_CRASH, 0, 0, 0, NULL, 0, 0), -ENOSYS);
	CHECK_EQ(blk_request(client, BLK_OP_TEST_HOLD, 1, 0, 0, NULL, 0, 0), -ENOSYS);
	CHECK_EQ(blk_request(client, BLK_OP_TEST_HOLD, 17, 0, 0, NULL, 0, 0), -ENOSYS);
	errno = 0;
	CHECK_EQ(blk_write(&b, 100, big, 512), -EINVAL); /* libblk's own check */
	/* Descriptors sent along are closed by the driver: 40 of them do not
	 * fill its table. */
	for (int i = 0; i < 40; i++) {
		struct lde_msg m = { .info = LDE_MSG_INFO(BLK_OP_INFO, 0, 1) };
		CHECK_EQ(ipc_call(client, &m, NULL), 0);
		CHECK_EQ(m.w[0], b.capacity);
	}
	struct blk_stats st = stats();
	CHECK(st.errors >= 17);
	roundtrip(4096, 4096, 1); /* and it still serves */
	printf("blk: bad requests refused: range, alignment, length, leases (EINVAL, EACCES, "
	       "EFAULT), unknown (ENOSYS)\n");
}

/* NCLIENT processes at once, each on its own sectors: every transfer
 * right, and several requests at the device together. */
#define NCLIENT 12
static void concurrent(void)
{
	struct blk_stats before = stats();
	/* The driver's test switch: completions wait until 8 requests are at
	 * the device together (once). */
	CHECK_EQ(blk_request(client, BLK_OP_TEST_HOLD, 8, 0, 0, NULL, 0, 0), 0);
	pid_t pids[NCLIENT];
	for (int c = 0; c < NCLIENT; c++) {
		pids[c] = fork();
		if (pids[c] == 0) {
			char buf[1024], back[1024];
			uint64_t base = (uint64_t)(c + 1) * 64 * 1024;
			for (int i = 0; i < 150; i++) {
				uint64_t off = base + (uint64_t)(i % 32) * 1024;
				size_t n = i % 3 ? 512 : 1024;
				gen(buf, n, (uint64_t)c * 100000 + i);
				CHECK_EQ(blk_write(&b, off, buf, n), (long)n);
				CHECK_EQ(blk_read(&b, off, back, n), (long)n);
				CHECK(memcmp(buf, back, n) == 0);
			}
			child_done();
		}
	}
	for (int c = 0; c < NCLIENT; c++) {
		int st = -1;
		pid_t got = wait(&st); /* in whatever order they end */
		int mine = 0;
		for (int k = 0; k < NCLIENT; k++)
			mine |= got == pids[k];
		CHECK(mine);
		CHECK_EQ(st, 0);
	}
	struct blk_stats st = stats();
	CHECK_EQ(st.requests - before.requests, NCLIENT * 300 + 2);
	CHECK(st.max_inflight >= 8);
	CHECK_EQ(st.inflight, 0);
	printf("blk: %d concurrent clients right; up to %llu requests at the device at once\n",
	       NCLIENT, (unsigned long long)st.max_inflight);
}

/* The whole disk, 64 KiB at a time: sector s gets gen_sector(s). */
static void gen_sector(char *p, uint64_t s) { gen(p, BLK_SECTOR, s + 0x5ca1ab1e); }
static void whole_disk(void)
{
	uint64_t cap = b.capacity * BLK_SECTOR;
	for (uint64_t off = 0; off < cap; off += 65536) {
		size_t n = cap - off < 65536 ? cap - off : 65536;
		for (size_t k = 0; k < n; k += BLK_SECTOR)
			gen_sector(big + k, (off + k) / BLK_SECTOR);
		CHECK_EQ(blk_write(&b, off, big, n), (long)n);
	}
	CHECK_EQ(blk_flush(&b), 0);
	for (uint64_t off = 0; off < cap; off += 65536) {
		size_t n = cap - off < 65536 ? cap - off : 65536;
		CHECK_EQ(blk_read(&b, off, cmp, n), (long)n);
		for (size_t k = 0; k < n; k += BLK_SECTOR) {
			gen_sector(big, (off + k) / BLK_SECTOR);
			if (memcmp(big, cmp + k, BLK_SECTOR) != 0) {
				printf("FAIL: sector %llu\n",
				       (unsigned long long)((off + k) / 512));
				check_failures++;
				return;
			}
		}
	}
	printf("blk: whole disk written and read back: %llu sectors\n",
	       (unsigned long long)b.capacity);
}

/* ---- crash ------------------------------------------------------------ */

#define NBLOCK 2000
#define BLOCK 1024
#define KILLS 5

/* Block i of pass p: a header (magic, i, p, checksum of the rest) and
 * gen's bytes. */
static void make_block(char *blk, uint32_t i, uint32_t pass)
{
	gen(blk, BLOCK, (uint64_t)pass << 32 | i);
	uint32_t *h = (uint32_t *)blk;
	h[0] = 0x424b4c44; /* "DLKB" */
	h[1] = i;
	h[2] = pass;
	uint32_t sum = 2166136261u;
	for (int k = 16; k < BLOCK; k++)
		sum = (sum ^ (uint8_t)blk[k]) * 16777619u;
	h[3] = sum;
}

static int driver_pid(void)
{
	static struct lde_procinfo all[64];
	int n = procinfo(-1, all, 64);
	for (int i = 0; i < n; i++)
		if (strcmp(all[i].name, "blk") == 0 && all[i].state != LDE_P_ZOMBIE)
			return all[i].pid;
	return -1;
}

/* The killer: KILLS times, at a random moment in the first 1.5 s of each
 * 3-second period (so that 5 deaths span more than 10 s: the supervisor
 * gives up at 5 deaths in 10 s), SIGKILL the driver; a period later, arm the driver's test switch:
 * it crashes on its 3rd next transfer, one of the writer's (the sixth death). */
static void killer(void)
{
	uint64_t seed = 12345;
	for (int k = 0; k < KILLS; k++) {
		long at = 300 + (long)(xs(&seed) % 1500);
		usleep((useconds_t)at * 1000);
		int pid = driver_pid();
		CHECK(pid > 0);
		CHECK_EQ(kill(pid, SIGKILL), 0);
		usleep((useconds_t)(3000 - at) * 1000);
	}
	usleep(3000 * 1000);
	CHECK_EQ(blk_request(client, BLK_OP_TEST_CRASH, 3, 0, 0, NULL, 0, 0), 0);
	child_done();
}

static void crash(void)
{
	pid_t k = fork();
	if (k == 0)
		killer();
	/* Passes over the 2,000 blocks until the killer has ended (its last
	 * act armed the crash, which the next 3 writes set off), then one
	 * more: every block of the last pass must read back. */
	char *blk = big;
	uint32_t pass = 0;
	int killer_done = 0, crashed = 1;
	while (!killer_done) {
		struct lde_procinfo pi;
		killer_done = procinfo(k, &pi, 1) != 1 || pi.state == LDE_P_ZOMBIE;
		pass++;
		for (uint32_t i = 0; i < NBLOCK; i++) {
			make_block(blk, i, pass);
			long r = blk_write(&b, (uint64_t)i * BLOCK, blk, BLOCK);
			if (r != BLOCK) {
				printf("FAIL: block %u pass %u: %ld\n", i, pass, r);
				check_failures++;
				return;
			}
		}
	}
	CHECK_EQ(reap(k), 0);
	CHECK_EQ(blk_flush(&b), 0);
	for (uint32_t i = 0; i < NBLOCK; i++) {
		char *want = cmp;
		make_block(want, i, pass);
		CHECK_EQ(blk_read(&b, (uint64_t)i * BLOCK, blk, BLOCK), BLOCK);
		if (memcmp(blk, want, BLOCK) != 0) {
			printf("FAIL: block %u differs\n", i);
			check_failures++;
			return;
		}
	}
	struct blk_stats st = stats();
	CHECK_EQ(st.restarts, KILLS + crashed);
	CHECK(b.resends >= 1); /* at least the request the crash took with it */
	CHECK_EQ(st.resends, b.resends);
	printf("blk: crash: %d blocks of pass %u read back; driver deaths %llu (killed %d, "
	       "crashed %d), resends %llu\n",
	       NBLOCK, pass, (unsigned long long)st.restarts, KILLS, crashed,
	       (unsigned long long)b.resends);
	printf("blk: crash: stats: requests %llu, bytes written %llu, errors %llu\n",
	       (unsigned long long)st.requests, (unsigned long long)st.bytes_written,
	       (unsigned long long)st.errors);
}

/* ---- give up ------------------------------------------------------------ */

static void giveup(void)
{
	roundtrip(0, 4096, 3);
	int last = -1;
	for (int k = 0; k < 5; k++) {
		int pid;
		/* The next driver: a new pid, serving (a request answered). */
		while ((pid = driver_pid()) < 0 || pid == last)
			usleep(1000);
		if (k < 4)
			CHECK_EQ(blk_read(&b, 0, big, 512), 512);
		CHECK_EQ(kill(pid, SIGKILL), 0);
		last = pid;
	}
	CHECK_EQ(blk_read(&b, 0, big, 512), -EIO);
	CHECK_EQ(blk_write(&b, 0, big, 512), -EIO);
	struct blk_stats st;
	CHECK_EQ(blk_stats(&b, &st), -EIO);
	CHECK_EQ(driver_pid(), -1);
	printf("blk: a driver dead 5 times in 10 s is not restarted; requests fail with EIO\n");
}

static void readonly(void)
{
	CHECK_EQ(blk_read(&b, 512, big, 1024), 1024);
	CHECK(memcmp(big, "lde sector 1", 12) == 0);
	struct blk_stats before = stats();
	/* Started without "test": no test switch works. */
	CHECK_EQ(blk_request(client, BLK_OP_TEST_CRASH, 1, 0, 0, NULL, 0, 0), -ENOSYS);
	CHECK_EQ(blk_request(client, BLK_OP_TEST_HOLD, 8, 0, 0, NULL, 0, 0), -ENOSYS);
	CHECK_EQ(blk_write(&b, 512, big, 1024), -EIO);
	CHECK_EQ(blk_write(&b, 0, big, 16384), -EIO);
	CHECK_EQ(blk_read(&b, 1024, big, 512), 512);
	CHECK(memcmp(big, "lde sector 2", 12) == 0);
	struct blk_stats st = stats();
	CHECK_EQ(st.errors - before.errors, 4);
	CHECK_EQ(st.bytes_written, 0);
	CHECK_EQ(st.restarts, 0);
	printf("blk: a write the device fails is EIO for the client; reads go on\n");
}

/* A server that dies holding every request, restarted forever by its own
 * supervisor: libblk resends BLK_RETRIES times, then gives up with EIO. */
static void retries(void)
{
	int ep = ep_create();
	CHECK(ep >= 0);
	int c = ep_mint(ep, 1);
	pid_t sup = fork();
	if (sup == 0) {
		close(c);
		for (;;) {
			pid_t srv = fork();
			if (srv == 0) {
				struct lde_msg m;
				if (ipc_recv(ep, &m) >= 0)
					_exit(0); /* holding it */
				_exit(1);
			}
			int st;
			if (wait(&st) != srv)
				_exit(1);
		}
	}
	close(ep);
	struct blk r = { .fd = c };
	char buf[512];
	CHECK_EQ(blk_read(&r, 0, buf, sizeof buf), -EIO);
	CHECK_EQ(r.resends, BLK_RETRIES);
	kill(sup, SIGKILL);
	CHECK_EQ(reap(sup), SIGKILL);
	/* Nobody serves the endpoint now: no disk service. */
	CHECK_EQ(blk_read(&r, 0, buf, sizeof buf), -ENODEV);
	printf("blk: a request whose server keeps dying is resent %d times, then EIO\n",
	       BLK_RETRIES);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "patterns";
	if (strcmp(mode, "retries") == 0) {
		retries();
		return check_exit("t_blk");
	}
	/* The driver's test switches only where they are used. */
	start(strcmp(mode, "crash") == 0 || strcmp(mode, "patterns") == 0 ? "test" : NULL);
	printf("blk: service started, capacity %llu sectors\n", (unsigned long long)b.capacity);
	if (strcmp(mode, "patterns") == 0) {
		patterns();
		bad_requests();
		concurrent();
		whole_disk();
	} else if (strcmp(mode, "crash") == 0) {
		crash();
	} else if (strcmp(mode, "giveup") == 0) {
		giveup();
	} else if (strcmp(mode, "readonly") == 0) {
		readonly();
	} else {
		printf("FAIL: unknown mode %s\n", mode);
		check_failures++;
	}
	return check_exit("t_blk");
}
