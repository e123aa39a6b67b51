/* Load: 32 processes at once make system calls, move data through pipes,
 * fork and exit, for MS milliseconds of uptime (default 10000), best with
 * quantum=1, so that the timer keeps taking the CPU away mid-transfer.
 *
 *   4 chains   producer -> relay -> relay -> consumer: a byte stream that is
 *              a known function of its position, written and read in random
 *              sizes (up to twice the pipe's capacity); the consumer checks
 *              every byte, in order, and the totals must match.
 *   1 funnel   6 producers -> 1 collector: 64-byte records (atomic: they
 *              divide the pipe's size) with per-producer sequence numbers
 *              and a checksum; none lost, duplicated or reordered.
 *   2 ping-pongs  strict alternation over two pipes, counted on both sides.
 *   3 forkers  fork a child that makes a few calls, sends a record through
 *              its own pipe and exits with a known status; reaped, checked.
 *   2 sleepers usleep random short times, never waking early.
 *
 * The parent is a watchdog: it samples every process's system-call and
 * context-switch counts (procinfo) every 100 ms and fails, with a dump of
 * the process states, if one is not scheduled at all for 3 s (a deadlock or
 * a lost wake-up), or if the end does not come; it prints progress every
 * second. Afterwards every
 * process is reaped, every result checked, and every page is back.
 *
 *   t_load [MS [STARVE_MS [v]]]   run as init, with quantum=1:
 *                                 init=/t_load 10000
 * A process that has not run at all for 3 s fails the test (a lost wake-up
 * or a deadlock). The longest time any process spent in one system call
 * (no call done between two samples, 100 ms apart: a writer queued behind
 * others on a pipe, say) is printed, and fails the test if it is longer
 * than STARVE_MS (default 0: no limit). v: a line per process.
 * Ends with "load-summary: ..." and PASS or FAIL lines. */
#include "t_util.h"

#define HANG_MS 3000   /* not scheduled at all for this long: a hang */
static long starve_ms; /* one system call taking this long: FAIL (0: report) */
#define END_GRACE_MS 15000
#define MAXW 40

enum kind {
	K_PRODUCER,
	K_RELAY,
	K_CONSUMER,
	K_FUNNEL_P,
	K_COLLECTOR,
	K_PING,
	K_PONG,
	K_FORKER,
	K_SLEEPER
};
static const char *const kind_name[] = { "producer", "relay", "consumer", "funnel-p", "collector",
					 "ping",     "pong",  "forker",	  "sleeper" };

struct result {
	int32_t kind, id;
	int64_t ops, bytes, errors, extra;
	int64_t pad[3];
};
_Static_assert(sizeof(struct result) == 64, "result records divide the pipe's size");

static long deadline;
static int verbose;
static int res_fd;
static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static unsigned char byte_at(int chain, uint64_t pos)
{
	return (unsigned char)(pos * 131 + (pos >> 8) * 7 + (uint64_t)chain * 29);
}

static void done(int kind, int id, long ops, long bytes, long errors, long extra)
{
	struct result r;
	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.id = id;
	r.ops = ops;
	r.bytes = bytes;
	r.errors = errors;
	r.extra = extra;
	if (errors)
		printf("FAIL: load: %s %d: %ld errors\n", kind_name[kind], id, errors);
	if (verbose)
		printf("load: %s %d: %ld ops, %ld bytes\n", kind_name[kind], id, ops, bytes);
	write(res_fd, &r, sizeof r);
	_exit(errors ? 1 : 0);
}

/* Close every descriptor above 2 but those given (-1 ends the list). */
static void keep_only(int a, int b, int c)
{
	for (int fd = 3; fd < 16; fd++)
		if (fd != a && fd != b && fd != c)
			close(fd);
}

static unsigned char buf[8192 + 64];

/* ---- chains -------------------------------------------------------------- */

static void producer(int chain, int out)
{
	uint64_t pos = 0;
	long ops = 0, errors = 0;
	while (uptime() < deadline) {
		size_t n = 1 + rnd() % 8192;
		for (size_t i = 0; i < n; i++)
			buf[i] = byte_at(chain, pos + i);
		if (write_all(out, buf, n) != (long)n)
			errors++;
		pos += n;
		ops++;
	}
	close(out);
	done(K_PRODUCER, chain, ops, (long)pos, errors, 0);
}

static void relay(int chain, int in, int out)
{
	long ops = 0, bytes = 0, errors = 0;
	for (;;) {
		ssize_t n = read(in, buf, 1 + rnd() % 6000);
		if (n < 0)
			errors++;
		if (n <= 0)
			break;
		if (write_all(out, buf, (size_t)n) != n)
			errors++;
		bytes += n;
		ops++;
	}
	close(out);
	done(K_RELAY, chain, ops, bytes, errors, 0);
}

static void consumer(int chain, int in)
{
	uint64_t pos = 0;
	long ops = 0, errors = 0;
	for (;;) {
		ssize_t n = read(in, buf, 1 + rnd() % 8192);
		if (n < 0)
			errors++;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != byte_at(chain, pos + (uint64_t)i)) {
				if (!errors)
					printf("FAIL: load: chain %d: byte %lu is 0x%x, want 0x%x\n",
					       chain, (unsigned long)(pos + (uint64_t)i), buf[i],
					       byte_at(chain, pos + (uint64_t)i));
				errors++;
				break;
			}
		pos += (uint64_t)n;
		ops++;
	}
	done(K_CONSUMER, chain, ops, (long)pos, errors, 0);
}

/* ---- the funnel ---------------------------------------------------------- */

struct frec {
	uint32_t magic;
	int32_t producer;
	uint64_t seq;
	uint64_t sum;
	uint8_t payload[40];
};
_Static_assert(sizeof(struct frec) == 64, "funnel records divide the pipe's size");
#define FMAGIC 0x10adf00du
#define FUNNEL_PRODUCERS 6

static uint64_t frec_sum(const struct frec *r)
{
	uint64_t s = r->seq * 0x9e3779b97f4a7c15UL + (uint64_t)r->producer;
	for (unsigned i = 0; i < sizeof r->payload; i++)
		s = s * 31 + r->payload[i];
	return s;
}

static void funnel_producer(int id, int out)
{
	long ops = 0, errors = 0;
	struct frec recs[8];
	while (uptime() < deadline) {
		int k = 1 + (int)(rnd() % 8); /* 1..8 records in one write */
		for (int i = 0; i < k; i++) {
			recs[i].magic = FMAGIC;
			recs[i].producer = id;
			recs[i].seq = (uint64_t)ops + (uint64_t)i;
			for (unsigned j = 0; j < sizeof recs[i].payload; j++)
				recs[i].payload[j] = (uint8_t)rnd();
			recs[i].sum = frec_sum(&recs[i]);
		}
		if (write(out, recs, sizeof recs[0] * (size_t)k) !=
		    (ssize_t)(sizeof recs[0] * (size_t)k))
			errors++;
		ops += k;
	}
	close(out);
	done(K_FUNNEL_P, id, ops, ops * (long)sizeof(struct frec), errors, 0);
}

static void collector(int in)
{
	uint64_t next[FUNNEL_PRODUCERS] = { 0 };
	long ops = 0, errors = 0;
	static struct frec recs[64];
	for (;;) {
		/* Whole records only: 64 divides every count the pipe holds. */
		size_t want = sizeof recs[0] * (1 + rnd() % 64);
		ssize_t n = read(in, recs, want);
		if (n < 0)
			errors++;
		if (n <= 0)
			break;
		if (n % (ssize_t)sizeof recs[0]) {
			printf("FAIL: load: collector read %ld bytes, not whole records\n",
			       (long)n);
			errors++;
		}
		for (int i = 0; i < (int)(n / (ssize_t)sizeof recs[0]); i++) {
			struct frec *r = &recs[i];
			int p = r->producer;
			if (r->magic != FMAGIC || p < 0 || p >= FUNNEL_PRODUCERS ||
			    r->sum != frec_sum(r) || r->seq != next[p]) {
				if (!errors)
					printf("FAIL: load: funnel record from %d seq %lu, want seq %lu\n",
					       p, (unsigned long)r->seq,
					       p >= 0 && p < FUNNEL_PRODUCERS
						       ? (unsigned long)next[p]
						       : 0UL);
				errors++;
				continue;
			}
			next[p]++;
			ops++;
		}
	}
	long total = 0;
	for (int p = 0; p < FUNNEL_PRODUCERS; p++)
		total += (long)next[p];
	done(K_COLLECTOR, 0, ops, total * (long)sizeof(struct frec), errors, 0);
}

/* ---- ping-pong ----------------------------------------------------------- */

static void pinger(int id, int to, int from)
{
	long ops = 0, errors = 0;
	while (uptime() < deadline) {
		long v = ops, r = 0;
		if (write_all(to, &v, sizeof v) != sizeof v ||
		    read_all(from, &r, sizeof r) != sizeof r || r != ~v)
			errors++;
		ops++;
	}
	close(to);
	long theirs = -1;
	if (read_all(from, &theirs, sizeof theirs) != sizeof theirs || theirs != ops)
		errors++;
	done(K_PING, id, ops, ops * 16, errors, 0);
}

static void ponger(int id, int to, int from)
{
	long ops = 0, errors = 0, v;
	while (read_all(from, &v, sizeof v) == sizeof v) {
		if (v != ops)
			errors++;
		long r = ~v;
		if (write_all(to, &r, sizeof r) != sizeof r)
			errors++;
		ops++;
	}
	write_all(to, &ops, sizeof ops);
	done(K_PONG, id, ops, ops * 16, errors, 0);
}

/* ---- forkers and sleepers ------------------------------------------------ */

static void forker(int id)
{
	long ops = 0, errors = 0;
	while (uptime() < deadline) {
		int fds[2];
		if (pipe(fds)) {
			errors++;
			break;
		}
		int code = (int)(rnd() % 200);
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			long rec[3] = { getpid(), getppid(), code };
			char *p = sbrk(4096 * (code % 4)); /* some memory of its own */
			if (p != (void *)-1 && code % 4)
				memset(p, code, 4096 * (size_t)(code % 4));
			write(fds[1], rec, sizeof rec);
			_exit(code);
		}
		close(fds[1]);
		if (pid < 0) {
			errors++;
			close(fds[0]);
			continue;
		}
		long rec[3] = { 0, 0, 0 };
		if (read_all(fds[0], rec, sizeof rec) != sizeof rec || rec[0] != pid ||
		    rec[1] != getpid() || rec[2] != code)
			errors++;
		close(fds[0]);
		int st = -1;
		if (wait(&st) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != code)
			errors++;
		ops++;
	}
	done(K_FORKER, id, ops, 0, errors, ops);
}

static void sleeper(int id)
{
	long ops = 0, errors = 0, late = 0;
	while (uptime() < deadline) {
		long us = (long)(rnd() % 3000);
		long t0 = uptime();
		if (usleep((useconds_t)us))
			errors++;
		long took = uptime() - t0;
		if (took * 1000 + 1000 < us) /* (uptime counts whole ms) */
			errors++;
		if (took > late)
			late = took;
		ops++;
	}
	done(K_SLEEPER, id, ops, 0, errors, late);
}

/* ---- the parent: setup and watchdog -------------------------------------- */

static struct {
	pid_t pid;
	int kind, id;
	uint64_t syscalls, switches;
	long last_progress, last_run;
	int reaped, status;
} w[MAXW];
static int nw;

static void add(pid_t pid, int kind, int id)
{
	if (pid < 0) {
		printf("FAIL: load: fork for %s %d: errno %d\n", kind_name[kind], id, errno);
		check_failures++;
		return;
	}
	w[nw].pid = pid;
	w[nw].kind = kind;
	w[nw].id = id;
	w[nw].last_progress = w[nw].last_run = uptime();
	nw++;
}

static int res_rd;

static pid_t spawn(int kind, int id, int a, int b, int c)
{
	pid_t pid = fork();
	if (pid == 0) {
		close(res_rd);
		keep_only(a, b, res_fd);
		(void)c;
		rng_state = 0x9e3779b97f4a7c15UL ^
			    ((uint64_t)(kind * 100 + id + 1) * 0xbf58476d1ce4e5b9UL);
		return 0;
	}
	add(pid, kind, id);
	return pid;
}

static struct lde_procinfo table[80];

static void dump(void)
{
	int n = procinfo(-1, table, 80);
	for (int i = 0; i < n; i++)
		printf("  pid %d ppid %d state %d wchan '%s' syscalls %lu vcsw %lu ivcsw %lu cpu %lu us\n",
		       table[i].pid, table[i].ppid, table[i].state, table[i].wchan,
		       (unsigned long)table[i].syscalls, (unsigned long)table[i].vcsw,
		       (unsigned long)table[i].ivcsw, (unsigned long)table[i].cpu_us);
}

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 10000;
	if (argc > 2)
		starve_ms = atol(argv[2]);
	verbose = argc > 3;
	warm_up();
	long before = free_pages();
	int res[2];
	CHECK_EQ(pipe(res), 0);
	res_rd = res[0];
	res_fd = res[1];
	long t0 = uptime();
	deadline = t0 + ms;

	/* 4 chains of 4. */
	for (int c = 0; c < 4; c++) {
		int p[3][2];
		for (int i = 0; i < 3; i++)
			CHECK_EQ(pipe(p[i]), 0);
		if (!spawn(K_PRODUCER, c, p[0][1], -1, -1))
			producer(c, p[0][1]);
		if (!spawn(K_RELAY, c * 2, p[0][0], p[1][1], -1))
			relay(c, p[0][0], p[1][1]);
		if (!spawn(K_RELAY, c * 2 + 1, p[1][0], p[2][1], -1))
			relay(c, p[1][0], p[2][1]);
		if (!spawn(K_CONSUMER, c, p[2][0], -1, -1))
			consumer(c, p[2][0]);
		for (int i = 0; i < 3; i++) {
			close(p[i][0]);
			close(p[i][1]);
		}
	}
	/* The funnel. */
	int f[2];
	CHECK_EQ(pipe(f), 0);
	for (int i = 0; i < FUNNEL_PRODUCERS; i++)
		if (!spawn(K_FUNNEL_P, i, f[1], -1, -1))
			funnel_producer(i, f[1]);
	if (!spawn(K_COLLECTOR, 0, f[0], -1, -1))
		collector(f[0]);
	close(f[0]);
	close(f[1]);
	/* Ping-pongs. */
	for (int k = 0; k < 2; k++) {
		int a[2], b[2];
		CHECK_EQ(pipe(a), 0);
		CHECK_EQ(pipe(b), 0);
		if (!spawn(K_PING, k, a[1], b[0], -1))
			pinger(k, a[1], b[0]);
		if (!spawn(K_PONG, k, b[1], a[0], -1))
			ponger(k, b[1], a[0]);
		close(a[0]);
		close(a[1]);
		close(b[0]);
		close(b[1]);
	}
	for (int i = 0; i < 3; i++)
		if (!spawn(K_FORKER, i, -1, -1, -1))
			forker(i);
	for (int i = 0; i < 2; i++)
		if (!spawn(K_SLEEPER, i, -1, -1, -1))
			sleeper(i);
	close(res_fd);
	int live_max = procinfo(-1, table, 80);
	printf("load: %d processes started (%d listed with init), for %ld ms\n", nw, live_max, ms);
	CHECK(nw >= 30);

	/* The watchdog. */
	int left = nw, stalled = 0, longest_who = -1;
	long longest_wait = 0;
	uint64_t longest_woken = 0;
	long next_print = t0 + 1000, end_by = deadline + END_GRACE_MS;
	long prev = uptime();
	while (left > 0) {
		usleep(100000);
		long now = uptime();
		/* A 100 ms sleep that took over a second: the host stopped the
		 * whole machine (a busy host, without -icount). Nobody could run
		 * meanwhile: that time does not count against anyone. */
		if (now - prev > 1000) {
			for (int i = 0; i < nw; i++) {
				w[i].last_run += now - prev;
				w[i].last_progress += now - prev;
			}
			end_by += now - prev;
		}
		prev = now;
		int n = procinfo(-1, table, 80);
		if (n > live_max)
			live_max = n;
		uint64_t total_calls = 0;
		for (int i = 0; i < nw; i++) {
			if (w[i].reaped)
				continue;
			for (int j = 0; j < n; j++) {
				if (table[j].pid != w[i].pid)
					continue;
				if (table[j].state == LDE_P_ZOMBIE) {
					int st;
					pid_t got = wait(&st); /* a zombie is there: no wait */
					for (int k = 0; k < nw; k++)
						if (w[k].pid == got) {
							w[k].reaped = 1;
							w[k].status = st;
							left--;
						}
				} else {
					uint64_t sw = table[j].vcsw + table[j].ivcsw;
					if (table[j].syscalls != w[i].syscalls) {
						w[i].syscalls = table[j].syscalls;
						w[i].last_progress = now;
					}
					if (sw != w[i].switches ||
					    table[j].state == LDE_P_RUNNING) {
						w[i].switches = sw;
						w[i].last_run = now;
					}
					long waited = now - w[i].last_progress;
					if (waited > longest_wait) {
						longest_wait = waited;
						longest_who = i;
						longest_woken = table[j].vcsw;
					}
					if (now - w[i].last_run > HANG_MS && !stalled) {
						printf("FAIL: load: %s %d (pid %d) has not run for %ld ms"
						       " (state %d, wchan '%s'): a lost wake-up?\n",
						       kind_name[w[i].kind], w[i].id, w[i].pid,
						       now - w[i].last_run, table[j].state,
						       table[j].wchan);
						stalled = 1;
					} else if (starve_ms && waited > starve_ms && !stalled) {
						printf("FAIL: load: %s %d (pid %d) starved: one system call"
						       " has taken %ld ms so far (wchan '%s')\n",
						       kind_name[w[i].kind], w[i].id, w[i].pid,
						       waited, table[j].wchan);
						stalled = 1;
					}
				}
				total_calls += table[j].syscalls;
			}
		}
		if (stalled || now > end_by) {
			if (!stalled)
				printf("FAIL: load: %d processes still running %d ms after the end\n",
				       left, END_GRACE_MS);
			dump();
			check_failures++;
			for (int i = 0; i < nw; i++)
				if (!w[i].reaped)
					kill(w[i].pid, SIGKILL);
			while (wait(NULL) > 0)
				;
			break;
		}
		if (now >= next_print) {
			printf("load: %ld ms: %d processes, %lu system calls so far\n", now - t0, n,
			       (unsigned long)total_calls);
			next_print += 1000;
		}
	}
	long took = uptime() - t0;
	if (longest_who >= 0)
		printf("load: longest time in one system call: %ld ms (%s %d, pid %d, %lu voluntary"
		       " switches by then)\n",
		       longest_wait, kind_name[w[longest_who].kind], w[longest_who].id,
		       w[longest_who].pid, (unsigned long)longest_woken);
	else
		printf("load: longest time in one system call: under 100 ms (every process made a"
		       " call between any two samples)\n");
	while (wait(NULL) > 0) /* the forkers' children, if a forker was killed */
		;

	/* Every result. */
	long bytes[3][4] = { { 0 } }, fsent = 0, fgot = -1, pings[2] = { -1, -1 },
	     pongs[2] = { -2, -2 }, forks = 0, ops = 0, moved = 0;
	struct result r;
	int results = 0;
	while (read(res_rd, &r, sizeof r) == sizeof r) {
		results++;
		ops += r.ops;
		CHECK_EQ(r.errors, 0);
		CHECK(r.ops > 0);
		switch (r.kind) {
		case K_PRODUCER:
			bytes[0][r.id] = r.bytes;
			moved += r.bytes;
			break;
		case K_RELAY: bytes[1][r.id] += r.bytes; break; /* id: its chain */
		case K_CONSUMER: bytes[2][r.id] = r.bytes; break;
		case K_FUNNEL_P:
			fsent += r.bytes;
			moved += r.bytes;
			break;
		case K_COLLECTOR: fgot = r.bytes; break;
		case K_PING:
			pings[r.id] = r.ops;
			moved += r.bytes;
			break;
		case K_PONG: pongs[r.id] = r.ops; break;
		case K_FORKER: forks += r.extra; break;
		default: break;
		}
	}
	close(res_rd);
	CHECK_EQ(results, nw);
	for (int c = 0; c < 4; c++) {
		CHECK_EQ(bytes[2][c], bytes[0][c]);	/* consumer got what producer sent */
		CHECK_EQ(bytes[1][c], 2 * bytes[0][c]); /* through both relays */
	}
	CHECK_EQ(fgot, fsent);
	for (int k = 0; k < 2; k++)
		CHECK_EQ(pings[k], pongs[k]);
	int bad_status = 0;
	for (int i = 0; i < nw; i++)
		bad_status +=
			!w[i].reaped || !WIFEXITED(w[i].status) || WEXITSTATUS(w[i].status) != 0;
	CHECK_EQ(bad_status, 0);
	long after = free_pages();
	printf("load: %ld ms, %d processes (%d at once), %ld operations, %ld bytes through pipes,"
	       " %ld forks\n",
	       took, nw, live_max, ops, moved, forks);
	printf("load-summary: ms=%ld processes=%ld forks=%ld bytes=%ld longest_wait_ms=%ld leaked=%ld\n",
	       took, (long)nw + forks, forks, moved, longest_wait, before - after);
	CHECK_EQ(after, before);
	return check_exit("t_load");
}
