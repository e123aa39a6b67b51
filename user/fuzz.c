/* fuzz: a system-call fuzzer. The kernel must survive anything a user
 * program does, and lose nothing (docs/hardening.md).
 *
 *   fuzz [SEED [CALLS [WORKERS [FLAGS]]]]   (defaults: a seed from the
 *                              clock, 20000 calls, 4 workers; FLAGS: v lists
 *                              each worker with its seed, m: no memory hogs)
 *
 * The parent prints the seed first: the same SEED, CALLS and WORKERS make
 * the same calls again (exactly the same run under QEMU's -icount, where
 * the scheduling repeats too). It then starts:
 *
 *   - a sentinel child, before anything but the heartbeat. It keeps 64 KiB of patterned
 *     memory (data, heap, stack) and checks it, with its pid and parent, on
 *     every request the parent sends; it also collects the workers'
 *     reports (calls made, forks, failed checks) from a pipe, so the parent
 *     never blocks on an empty pipe. It must be intact at the end.
 *   - WORKERS worker processes at a time. Each closes every descriptor it
 *     inherited (the console included: random writes never reach it), puts
 *     dead pipes on 0, 1 and 2, and makes random system calls with random
 *     arguments from its own PRNG stream (seeded from SEED and its index):
 *     every call in kernel/syscalls.def (poweroff too: refused; one with
 *     no special case below gets arguments by their types there), numbers
 *     past the table, huge and negative ones; pointers that are NULL, into
 *     page 0, the kernel half, non-canonical, unmapped, the stack guard,
 *     straddling the end of the heap, misaligned, into its own text and
 *     rodata; lengths 0, huge, negative; descriptors valid and not. fork
 *     (the child fuzzes on for a while), exec (real programs, missing
 *     paths, the bad_* ELFs), kill (of its children, other workers,
 *     itself), exit and wait are among them.
 *     Some results are checked (call numbers past the table give ENOSYS,
 *     nothing is ever copied to or from memory the caller may not touch,
 *     getpid is right, sbrk returns the old break, errors are errnos, the
 *     ids are what setuid and setgid must have left...). Run as init, the
 *     workers are root and may drop to any user; from the shell they are
 *     uid 1000 and can only stay so.
 *
 * One worker in STALL_ONE_IN makes long calls instead (see long_calls):
 * a big console write, a big pipe write, fork, exit or exec of a big
 * process, sbrk giving back a big heap, exec with the most arguments. A
 * heartbeat child, forked first, sleeps 2 ms in a loop and records the
 * longest gap between its wake-ups: how long any call kept it off the
 * CPU. It is printed at the end ("fuzz-stall: longest_gap_ms=N ...").
 *
 * One worker in HOG_ONE_IN is a memory hog: it takes every free page, and
 * three children it forked first fuzz on with no page left at all (fork,
 * exec, pipe, sbrk, page faults and copy-on-write must fail cleanly); the
 * parent and the sentinel first make all their pages their own, so that
 * they never need a new one meanwhile (see hog_phase).
 *
 * The parent polls (procinfo), reaps, kills workers that outlive their
 * budget (blocked in a pipe, asleep, spinning in an exec'd program) with
 * their process group, and kills orphans the workers leave behind; it
 * replaces each dead worker, until CALLS calls have been reported. Then it
 * kills and reaps everything, and checks: the sentinel is intact, its own
 * memory and read-only data are intact, and the free pages are exactly
 * those measured before the run. Workers never kill pid 1, the parent or
 * the sentinel (nor their process groups; kill(1) and poweroff they try,
 * and must be refused with EPERM), and never
 * exec programs outside a short list (no shell, no kill, no poweroff).
 *
 * Ends with "fuzz-summary: seed=S calls=N ms=N processes=N signaled=N
 * min_free=N leaked=N", "fuzz: ... pages leaked N" and "PASS: fuzz" (exit
 * 0), or FAIL lines (exit 1). A FAIL from a worker's check names the seed,
 * the pid, the call, two arguments, the result and the check's line. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "lde.h"
#include "kaddr.h"

#define PG 4096UL
static long total_pages; /* RAM, in pages (set before the first fork) */
#define NOFILE 16	 /* descriptors per process (kernel/proc.h) */
#define MAX_WORKERS 16
#define WORKER_BUDGET_MS 40 /* a worker still alive after this is killed */
/* The same for a worker that takes all memory: time to touch every page. */
#define HOG_BUDGET_MS (150 + total_pages / 128)
#define HOG_ONE_IN 64	     /* how many workers are hogs */
#define STALL_ONE_IN 16	     /* how many make long calls */
#define STALL_BUDGET_MS 1000 /* their budget: a console write is slow */
#define BEAT_US 2000	     /* the heartbeat's sleep */
#define POLL_US 2000
#define SENTINEL_PERIOD_MS 100
#define END_TIMEOUT_MS 20000 /* everything must be gone by then */
#define REPORT_EVERY 32	     /* calls between a worker's reports */
#define SCRATCH_PAGES 4
#define MAX_DEPTH 3 /* fuzzed forks nest this deep at most */
#define NAMES_MAX 160
#define TABLE_MAX 128 /* procinfo entries (NPROC is 64) */

/* ---- shared state, set up by the parent before any fork ---------------- */

static uint64_t seed;
static int parent_pid, sentinel_pid;
static int guard_pid; /* ~sentinel_pid: a second copy to check */
static int stats_fd;  /* workers' report pipe (write end) */

/* The initrd's files, read once (readdir) before the run. */
static char names[NAMES_MAX][LDE_NAME_MAX + 8];
static int nnames;
/* Programs a worker may exec with any arguments: short-lived, or killed by
 * the budget, and harmless (no shell, kill, poweroff, tests or fuzz). */
static const char *const exec_ok[] = { "hello",	 "true", "echo", "spin",  "yes",
				       "uptime", "ls",	 "head", "sleep", "ps" };

/* Read-only data whose checksum must never change (the kernel must not
 * write to a read-only page, whatever pointer a call passes). */
static const uint64_t ro_canary[1024] = {
	[0] = 0x0123456789abcdefUL,
	[511] = 0xfeedfacecafebeefUL,
	[1023] = 0x5555aaaa5555aaaaUL,
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
	return z ^ (z >> 31);
}

static uint64_t canary_sum(void)
{
	uint64_t s = 0;
	for (int i = 0; i < 1024; i++)
		s = mix64(s ^ ro_canary[i] ^ (uint64_t)i);
	return s;
}

/* ---- reports: fixed 64-byte records through one pipe ------------------- */
/* Every write and read is whole records, and 64 divides the pipe's 4096
 * bytes, so a record is never split or interleaved with another. */

#define REC_MAGIC 0xf0221e55u
enum { REC_CALLS = 1, REC_FAIL, REC_REQ, REC_FINAL };

struct rec {
	uint32_t magic;
	uint32_t kind;
	int32_t pid;
	uint32_t line;
	uint64_t calls; /* fuzzed calls this process made so far */
	uint64_t forks; /* its successful fuzzed forks */
	uint64_t nr;	/* REC_FAIL: the call, its result, 2 arguments */
	int64_t ret;
	uint64_t a0, a1;
};
_Static_assert(sizeof(struct rec) == 64, "records must divide the pipe's size");

/* The sentinel's answer to REC_REQ / REC_FINAL. */
struct totals {
	uint64_t calls, forks, reports, fails, garbage, checks, mem_errors, final;
};

/* ---- the PRNG (splitmix64): one stream per process --------------------- */

static uint64_t rng;
static uint64_t rnd(void)
{
	rng += 0x9e3779b97f4a7c15UL;
	return mix64(rng);
}
static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }
static int chance(int percent) { return (int)below(100) < percent; }

/* ---- worker state ------------------------------------------------------ */

static int my_pid, my_parent, depth;
/* The worker's ids as setuid, setgid, seteuid and setegid must have left
 * them (fork copies them with the rest of its memory, as the kernel
 * copies the ids); the saved ones start as the effective ones, as exec
 * of this program (not set-user-ID) left them. */
static long my_uid, my_euid, my_gid, my_egid, my_suid, my_sgid;
static uint64_t calls_made, forks_made;
static long calls_left;
static uint64_t heap_start, cur_brk, scratch, scratch_end;
static int held[NOFILE]; /* descriptors believed open */
static int nheld;
static int kids[32];
static int nkids;
static long last_uptime;
static uint64_t canary_at_start;

extern char _end[];

static long sys(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		uint64_t a5)
{
	return lde_syscall((long)nr, (long)a0, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5);
}

static void send_rec(struct rec *r)
{
	r->magic = REC_MAGIC;
	r->pid = my_pid;
	sys(SYS_write, (uint64_t)stats_fd, (uint64_t)r, sizeof *r, 0, 0, 0);
}

static void report(void)
{
	struct rec r = { .kind = REC_CALLS, .calls = calls_made, .forks = forks_made };
	send_rec(&r);
}

/* A failed check: the sentinel prints it (workers have no console). */
static void fail_at(int line, uint64_t nr, long ret, uint64_t a0, uint64_t a1)
{
	struct rec r = { .kind = REC_FAIL,
			 .line = (uint32_t)line,
			 .calls = calls_made,
			 .nr = nr,
			 .ret = ret,
			 .a0 = a0,
			 .a1 = a1 };
	send_rec(&r);
}
#define FAIL_IF(cond, nr, ret, a0, a1)                              \
	do {                                                        \
		if (cond)                                           \
			fail_at(__LINE__, (nr), (ret), (a0), (a1)); \
	} while (0)

static void hold(int fd)
{
	for (int i = 0; i < nheld; i++)
		if (held[i] == fd)
			return;
	if (nheld < NOFILE)
		held[nheld++] = fd;
}

static void unhold(int fd)
{
	for (int i = 0; i < nheld; i++)
		if (held[i] == fd) {
			held[i] = held[--nheld];
			return;
		}
}

static int scratch_ok(void) { return cur_brk >= scratch_end; }

/* ---- argument generators ----------------------------------------------- */

/* What a pointer points at, as far as the caller may touch it: P_ANY
 * when it is not known for sure (demand-paged, a partial page above the
 * break), and then no result is checked against it. */
enum pclass { P_ANY, P_RW, P_RO, P_NONE };

static uint64_t misalign(uint64_t p)
{
	static const uint64_t off[] = { 0, 0, 0, 1, 2, 3, 4, 7 };
	return p + off[below(8)];
}

static uint64_t page_up(uint64_t a) { return (a + PG - 1) & ~(PG - 1); }

/* A heap address: below the break it is ours, from the next page on it is
 * nothing; the break's own page is whatever it happens to be. */
static enum pclass heap_class(uint64_t p)
{
	if (p >= heap_start && p < cur_brk)
		return P_RW;
	if (p >= page_up(cur_brk))
		return P_NONE;
	return P_ANY;
}

static uint64_t pick_ptr(enum pclass *cls)
{
	uint64_t sp = (uint64_t)__builtin_frame_address(0);
	enum pclass c = P_NONE;
	uint64_t p;
	switch (below(25)) {
	case 0: p = 0; break;					/* NULL */
	case 1: p = below(PG); break;				/* page 0 */
	case 2: p = KADDR_DIRECT_MAP + below(1UL << 31); break; /* kernel's direct map */
	case 3: p = KADDR_TEXT + below(1UL << 20); break;	/* kernel text */
	case 4: p = KADDR_KSTACKS + below(64 * KADDR_KSTACK_SLOT_SIZE); break; /* kernel stacks */
	case 5: p = -(uint64_t)1 - below(PG); break;			       /* the very top */
	case 6: p = USER_TOP + below(1UL << 36); break;			       /* non-canonical */
	case 7: p = (1UL << 63) + below(1UL << 40); break;		       /* non-canonical */
	case 8:
		p = USER_TOP - 1 - below(16);
		c = P_ANY;
		break;						 /* straddles the top */
	case 9: p = USER_STACK_BOTTOM - PG + below(PG); break;	 /* the stack guard */
	case 10: p = 0x2000000000UL + below(1UL << 30); break;	 /* the hole */
	case 11: p = page_up(cur_brk) + below(1UL << 24); break; /* above the break */
	case 12:
		p = (uint64_t)&pick_ptr + below(1024);
		c = P_RO;
		break; /* own text */
	case 13:
		p = (uint64_t)ro_canary + below(sizeof ro_canary - 64);
		c = P_RO;
		break;
	case 14:
		p = rnd();
		c = P_ANY;
		break;
	case 15: /* straddles the break: mapped, then nothing */
		if (scratch_ok()) {
			p = cur_brk - 1 - below(64);
			c = P_RW;
		} else {
			p = page_up(cur_brk) + below(64);
		}
		break;
	case 16:
		p = USER_STACK_BOTTOM + below(USER_STACK_MAX / 2);
		c = P_ANY;
		break;
	case 18: /* anywhere in the heap: pages the kernel must fault in */
		p = heap_start + below(cur_brk > heap_start ? cur_brk - heap_start : 1);
		c = scratch_ok() && p >= scratch ? P_RW : P_ANY;
		break;
	case 17:
		p = (sp - 16384 - below(49152)) & ~7UL;
		c = P_ANY;
		break; /* unused stack */
	default:       /* the scratch buffer: valid memory, most of the time */
		p = scratch + below(SCRATCH_PAGES * PG - 64);
		c = P_RW;
		break;
	}
	if (c == P_RW || c == P_RO) {
		p = misalign(p);
		if (c == P_RW)
			c = heap_class(p);
	}
	*cls = c;
	return p;
}

static uint64_t pick_len(void)
{
	switch (below(16)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return below(16);
	case 3: return below(PG);
	case 4: return PG - 1;
	case 5: return PG;
	case 6: return PG + 1;
	case 7: return 2 * PG + below(3);
	case 8: return below(65536);
	case 9: return 1UL << 20;
	case 10: return 0x80000000UL;
	case 11: return 0xffffffffUL;
	case 12: return INT64_MAX;
	case 13: return -(uint64_t)1 - below(PG); /* negative */
	case 14: return 1UL << 63;
	default: return rnd();
	}
}

static uint64_t pick_fd(void)
{
	if (nheld && chance(55))
		return (uint64_t)held[below((uint64_t)nheld)];
	switch (below(8)) {
	case 0: return -(uint64_t)1;
	case 1: return (uint64_t)INT32_MIN;
	case 2: return 1UL << 32; /* fd 0 if truncated */
	case 3: return (1UL << 32) | 1;
	case 4: return NOFILE + below(4);
	case 5: return rnd();
	default: return below(NOFILE);
	}
}

static uint64_t pick_int(void)
{
	switch (below(10)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return -(uint64_t)1;
	case 3: return below(64);
	case 4: return (uint64_t)INT32_MIN;
	case 5: return INT32_MAX;
	case 6: return 1UL << 32;
	case 7: return -(uint64_t)below(100);
	case 8: return (uint64_t)INT64_MIN;
	default: return rnd();
	}
}

/* Any argument at all. */
static uint64_t pick_any(void)
{
	enum pclass c;
	switch (below(4)) {
	case 0: return pick_ptr(&c);
	case 1: return pick_len();
	case 2: return pick_fd();
	default: return pick_int();
	}
}

/* IPC: an info word (label, lease count, descriptor field, now and then
 * reserved bits), a reply token (a pid, ids and slot that may name a caller), and
 * an array of random leases. */
static uint64_t pick_info(void)
{
	uint64_t label = chance(70) ? below(8) : rnd() & 0xffffffff;
	uint64_t nleases = chance(60) ? 0 : below(7);
	uint64_t cap = chance(70) ? 0 : below(NOFILE + 3);
	uint64_t info = label | nleases << 32 | cap << 40;
	return chance(5) ? info | rnd() << 48 : info;
}

static uint64_t pick_token(void)
{
	/* Mostly a token a caller of the fuzzer's could have: its ids (its
	 * own, 1000's or root's), a recent pid, a slot or just past the table. */
	uint64_t pid = (uint64_t)(sentinel_pid + (int)below(400)), uid, gid;
	switch (below(3)) {
	case 0: uid = lde_sys_geteuid(), gid = lde_sys_getegid(); break;
	case 1: uid = gid = 1000; break;
	default: uid = gid = 0; break;
	}
	return chance(70) ? LDE_TOKEN(pid, uid, gid, below(70)) : pick_int();
}

static uint64_t pick_leases(void)
{
	static struct lde_lease l[LDE_LEASE_MAX + 2];
	enum pclass c;
	for (unsigned i = 0; i < sizeof l / sizeof l[0]; i++)
		l[i] = (struct lde_lease){ pick_ptr(&c), pick_len(),
					   chance(80) ? below(4) : rnd() };
	return chance(80) ? (uint64_t)l : pick_ptr(&c);
}

/* ecall with a6 as well: ipc_call and ipc_reply_recv take the lease array
 * or the reply token there. */
static long sys_a6(uint64_t nr, const uint64_t a[6], uint64_t a6)
{
	uint64_t r[7] = { a[0], a[1], a[2], a[3], a[4], a[5], a6 };
	lde_ecall7((long)nr, r);
	return (long)r[0];
}

/* ---- the guards: what a worker must never do --------------------------- */

/* kill/setpgid targets are 32-bit: the kernel narrows the register. Never
 * pid 1, the parent, the sentinel (pids <= sentinel_pid are all older than
 * the fuzz run), nor their process groups. */
static int kill_target_ok(uint64_t arg)
{
	int t = (int)arg;
	if (sentinel_pid != ~guard_pid || sentinel_pid <= 0)
		return 0; /* our own memory is not trustworthy: do not kill */
	if (t == 1)
		return 1; /* init: refused (EPERM), checked */
	if (t > 0)
		return t > sentinel_pid;
	if (t < 0 && t != INT32_MIN)
		return -t > sentinel_pid;
	return 1; /* 0 and INT32_MIN: EINVAL */
}

static int readable(uint64_t p)
{
	return (p >= 0x10000 && p < (uint64_t)_end) || (p >= heap_start && p < cur_brk) ||
	       (p >= USER_STACK_BOTTOM && p < USER_TOP);
}

/* exec path p names an initrd file a worker may not run? (The kernel
 * strips leading "/" and "./".) Unreadable paths only get EFAULT. */
static int exec_path_forbidden(uint64_t p)
{
	char buf[LDE_PATH_MAX + 1];
	int n = 0;
	while (n < LDE_PATH_MAX && readable(p + (uint64_t)n)) {
		buf[n] = *(volatile char *)(p + (uint64_t)n);
		if (!buf[n])
			break;
		n++;
	}
	if (n == LDE_PATH_MAX || !readable(p + (uint64_t)n))
		return 0; /* too long or unterminated: refused by the kernel */
	buf[n] = 0;
	const char *s = buf;
	for (;;) {
		if (s[0] == '/')
			s++;
		else if (s[0] == '.' && s[1] == '/')
			s += 2;
		else
			break;
	}
	if (!strncmp(s, "bad_", 4) || !strncmp(s, "ok_", 3))
		return 0;
	for (unsigned i = 0; i < sizeof exec_ok / sizeof exec_ok[0]; i++)
		if (!strcmp(s, exec_ok[i]))
			return 0;
	for (int i = 0; i < nnames; i++)
		if (!strcmp(s, names[i]))
			return 1;
	return 0;
}

/* ---- one fuzzed call --------------------------------------------------- */

static char path_buf[LDE_PATH_MAX + 64];
static uint64_t argv_buf[48];
static const char *const arg_strings[] = {
	"x", "", "hello", "-5", "print", "0.01", "1", "a longer argument with spaces in it"
};

static uint64_t pick_exec_path(void)
{
	enum pclass c;
	switch (below(12)) {
	case 0:
	case 1:
	case 2: /* a real program, by one of its names */
		snprintf(path_buf, sizeof path_buf, "%s%s", below(2) ? "/" : (below(2) ? "./" : ""),
			 exec_ok[below(sizeof exec_ok / sizeof exec_ok[0])]);
		return (uint64_t)path_buf;
	case 3:
	case 4:
	case 5: { /* a corrupt ELF (or an ok_ control) */
		int tries = 0;
		for (;;) {
			int i = (int)below((uint64_t)(nnames ? nnames : 1));
			if (nnames &&
			    (!strncmp(names[i], "bad_", 4) || !strncmp(names[i], "ok_", 3))) {
				snprintf(path_buf, sizeof path_buf, "/%s", names[i]);
				return (uint64_t)path_buf;
			}
			if (++tries > 50)
				return (uint64_t) "/bad_magic";
		}
	}
	case 6: return (uint64_t) "/no/such/program";
	case 7: return (uint64_t) "";
	case 8: /* too long: ENAMETOOLONG */
		memset(path_buf, 'a', sizeof path_buf - 1);
		path_buf[sizeof path_buf - 1] = 0;
		return (uint64_t)path_buf;
	case 9: /* unterminated, running into the unmapped page above the break */
		if (scratch_ok() && cur_brk == scratch_end) {
			memset((char *)(scratch_end - 16), 'b', 16);
			return scratch_end - 16;
		}
		return (uint64_t) "/";
	default: return pick_ptr(&c);
	}
}

/* A path for the file calls: nothing is mounted where the fuzzer runs, so
 * these exercise the kernel's path handling (normalization, the current
 * directory, ENAMETOOLONG, unterminated strings) and the mount lookup. */
static char fpath_buf[2][LDE_FS_PATH_MAX + 64];
static uint64_t pick_path(int which)
{
	static const char *const paths[] = { "/tmp/f",	 "/",	   "",	     ".",
					     "..",	 "/../..", "x/../y", "/tmp/./a//b/",
					     "relative", "/initrd" };
	char *b = fpath_buf[which & 1];
	enum pclass c;
	switch (below(10)) {
	case 0: /* too long once normalized, or a component over 255 bytes */
	{
		size_t n = chance(50) ? LDE_FS_PATH_MAX + 8 : 300;
		memset(b, chance(50) ? 'a' : '/', n);
		b[n] = 0;
		return (uint64_t)b;
	}
	case 1: /* unterminated, running into the unmapped page above the break */
		if (scratch_ok() && cur_brk == scratch_end) {
			memset((char *)(scratch_end - 16), 'p', 16);
			return scratch_end - 16;
		}
		return (uint64_t) "/";
	case 2: return pick_ptr(&c);
	default: return (uint64_t)paths[below(sizeof paths / sizeof paths[0])];
	}
}

static uint64_t pick_oflags(void)
{
	static const uint64_t f[] = { LDE_O_RDONLY,  LDE_O_WRONLY,    LDE_O_RDWR,   LDE_O_CREAT,
				      LDE_O_TRUNC,   LDE_O_APPEND,    LDE_O_EXCL,   LDE_O_NONBLOCK,
				      LDE_O_CLOEXEC, LDE_O_DIRECTORY, LDE_O_ACCMODE };
	if (chance(10))
		return pick_int();
	uint64_t v = 0;
	for (int i = (int)below(4); i >= 0; i--)
		v |= f[below(sizeof f / sizeof f[0])];
	return v;
}

static uint64_t pick_argv(void)
{
	enum pclass c;
	int n;
	switch (below(8)) {
	case 0: return 0;
	case 1: return pick_ptr(&c);
	case 2: /* too many arguments: E2BIG */ n = 40; break;
	case 3: /* not terminated, running off the break */
		if (scratch_ok() && cur_brk == scratch_end) {
			uint64_t *a = (uint64_t *)(scratch_end - 64);
			for (int i = 0; i < 8; i++)
				a[i] = (uint64_t) "x";
			return (uint64_t)a;
		}
		return 0;
	default: n = (int)below(6); break;
	}
	argv_buf[0] = (uint64_t) "prog";
	for (int i = 1; i < n; i++) {
		switch (below(6)) {
		case 0: argv_buf[i] = pick_ptr(&c); break; /* a bad string pointer */
		case 1:					   /* over LDE_ARGS_BYTES in all */
			if (scratch_ok()) {
				memset((char *)scratch, 'z', 1500);
				((char *)scratch)[1500] = 0;
				argv_buf[i] = scratch;
				break;
			}
			/* fall through */
		default:
			argv_buf[i] = (uint64_t)
				arg_strings[below(sizeof arg_strings / sizeof arg_strings[0])];
		}
	}
	argv_buf[n > 0 ? n : 0] = 0;
	return (uint64_t)argv_buf;
}

/* The child of a fuzzed fork fuzzes on, briefly, with a stream of its own. */
static void became_child(void)
{
	my_parent = my_pid;
	my_pid = (int)sys(SYS_getpid, 0, 0, 0, 0, 0, 0);
	depth++;
	nkids = 0;
	calls_made = forks_made = 0;
	rng = mix64(rng ^ 0xc0ffee1234567UL);
	if (calls_left > 48)
		calls_left = 16 + (long)below(32);
	if (depth > MAX_DEPTH)
		sys(SYS_exit, below(256), 0, 0, 0, 0, 0);
}

/* From kernel/syscalls.def: each call's arguments, by whose types a call
 * one_call knows nothing special about is fuzzed, and whether it returns. */
enum arg_type { T_INT, T_LONG, T_UNSIGNED, T_ADDRESS };
#define TYPE_int T_INT
#define TYPE_long T_LONG
#define TYPE_size_t T_UNSIGNED
#define TYPE_uint64_t T_UNSIGNED
#define TYPE_uintptr_t T_ADDRESS
#define TYPE(t, x) TYPE_##t,
#define RETURNS_long 1
#define RETURNS_noreturn 0
#define RETURNS_mayexit 0 /* for the worker, which reports first, as noreturn */
static const struct {
	uint8_t nargs, returns;
	uint8_t type[6]; /* enum arg_type */
} calls[NSYSCALLS] = {
#define SYSCALL(nr, name, ret, n, ...) \
	[nr] = { n, RETURNS_##ret, { SYSCALL_EACH(n, TYPE, __VA_ARGS__) } },
#include "syscalls.def"
#undef SYSCALL
};

/* How often a call is picked, relative to the others: every call in the
 * list is, poweroff too (refused: only init may). */
static int weight(int nr)
{
	switch (nr) {
	case 0: return 2; /* no call: ENOSYS */
	case SYS_poweroff: return 1;
	case SYS_exit: return 1;     /* ends the worker */
	case SYS_trace: return 1;    /* floods the console */
	case SYS_timeline: return 1; /* a dump floods it too */
	case SYS_uptime: return 2;
	case SYS_sigreturn:
		return 1; /* ends the worker, most of the time */
	/* Refused: a worker is never pid 1, so it never holds the device
	 * manager, and every dev_ call fails with EPERM or EBADF. */
	case SYS_dev_manager: return 1;
	case SYS_write: return 8;
	case SYS_read:
	case SYS_sbrk: return 6;
	default: return 4;
	}
}

static uint64_t pick_nr(void)
{
	static int total;
	if (!total)
		for (int i = 0; i < NSYSCALLS; i++)
			total += weight(i);
	int r = (int)below((uint64_t)total + 6);
	if (r >= total) { /* past the table */
		switch (r - total) {
		case 0:
		case 1:
		case 2: return NSYSCALLS + below(11);
		case 3: return (1UL << 32) | SYS_getpid;	/* getpid if truncated */
		case 4: return -(uint64_t)1 - below(NSYSCALLS); /* negative */
		default: return rnd() | (1UL << 40);
		}
	}
	for (int i = 0; i < NSYSCALLS; i++) {
		if (r < weight(i))
			return (uint64_t)i;
		r -= weight(i);
	}
	return 0;
}

/* Not system calls: stores to the heap, which the kernel pages in on
 * demand (and kills the process for, when memory has run out). */
static void touch_heap(uint64_t pages)
{
	if (!scratch_ok() || cur_brk <= scratch_end)
		return;
	uint64_t span = (cur_brk - scratch_end) / PG;
	for (uint64_t i = 0; i < pages && span; i++)
		*(volatile char *)(scratch_end + below(span) * PG + below(PG)) = (char)i;
}

extern char __fini_array_end[]; /* user/user.ld: the end of the read-only data */

/* Store to every page we share with the parent (data, bss, heap, the stack
 * around us), so that it is ours alone: from then on neither of us needs a
 * new page to write its own memory. (With no page left, a store to a
 * copy-on-write page kills the writer, whoever it is: init included.) */
static void unshare_all(void)
{
	uint64_t sp = (uint64_t)__builtin_frame_address(0);
	uint64_t data = page_up((uint64_t)__fini_array_end + 8);
	for (uint64_t a = data; a < (uint64_t)_end; a += PG)
		*(volatile char *)a = *(volatile char *)a;
	for (uint64_t a = heap_start; a < cur_brk; a += PG)
		*(volatile char *)a = *(volatile char *)a;
	for (uint64_t a = (sp - 49152) & ~(PG - 1); a < USER_TOP; a += PG)
		*(volatile char *)a = *(volatile char *)a;
}

/* ---- memory hogs: fuzzing with no free page at all --------------------- */
/* A hog worker forks BRINK_KIDS children, which unshare their memory and
 * wait; it unshares its own, waits for the parent's go (the parent has
 * unshared its memory too, and forks nothing while a hog lives), takes
 * every free page, and lets its children fuzz with none left: fork, exec,
 * pipe, sbrk, page faults, copy-on-write all find the cupboard bare. */

#define BRINK_KIDS 3
static int gate_fd = -1; /* a hog's go from the parent */

/* Every free page nobody was promised, exactly: sbrk and touch until sbrk
 * says ENOMEM. When
 * one page is left and the next heap page would need a new page-table
 * page as well, a pipe takes that last page instead. (Others may take
 * pages meanwhile: then a touch may find none, and we are killed.) */
static void take_all(void)
{
	struct lde_meminfo mi;
	if (!sys(SYS_meminfo, (uint64_t)&mi, 0, 0, 0, 0, 0) &&
	    mi.free_pages - mi.promised_pages > 1024) {
		uint64_t want = mi.free_pages - mi.promised_pages - 1024;
		long r = sys(SYS_sbrk, want * PG, 0, 0, 0, 0, 0);
		if (r >= 0) {
			cur_brk = (uint64_t)r + want * PG;
			for (uint64_t a = page_up((uint64_t)r); a + PG <= cur_brk; a += PG)
				*(volatile char *)a = 1;
		}
	}
	int spare[2], tried_pipe = 0;
	for (;;) {
		if (sys(SYS_meminfo, (uint64_t)&mi, 0, 0, 0, 0, 0))
			break;
		uint64_t next = page_up(cur_brk);
		if (mi.free_pages - mi.promised_pages == 1 && (next & ((2UL << 20) - 1)) < PG &&
		    !tried_pipe) {
			tried_pipe = 1;
			sys(SYS_pipe, (uint64_t)spare, 0, 0, 0, 0, 0);
			continue;
		}
		long r = sys(SYS_sbrk, PG, 0, 0, 0, 0, 0);
		if (r < 0)
			break;
		cur_brk = (uint64_t)r + PG;
		*(volatile char *)page_up((uint64_t)r) = 1;
	}
}

static void became_child(void);

/* In the hog; returns only in its children, which then fuzz. */
static void hog_phase(void)
{
	int go[2], ready[2];
	if (pipe(go))
		return;
	if (pipe(ready)) {
		close(go[0]);
		close(go[1]);
		return;
	}
	int n = 0;
	char c;
	for (int k = 0; k < BRINK_KIDS; k++) {
		long pid = sys(SYS_fork, 0, 0, 0, 0, 0, 0);
		if (pid == 0) {
			close(go[1]);
			close(ready[0]);
			close(gate_fd);
			became_child();
			calls_left = 200 + (long)below(200);
			unshare_all();
			write(ready[1], "r", 1);
			close(ready[1]);
			if (read(go[0], &c, 1) != 1)
				sys(SYS_exit, 0, 0, 0, 0, 0, 0);
			close(go[0]);
			return;
		}
		if (pid > 0) {
			n++;
			forks_made++;
			kids[nkids++] = (int)pid;
		}
	}
	close(go[0]);
	close(ready[1]);
	for (int i = 0; i < n; i++)
		read(ready[0], &c, 1);
	close(ready[0]);
	unshare_all();
	if (read(gate_fd, &c, 1) == 1)
		take_all();
	close(gate_fd);
	for (int i = 0; i < n; i++)
		write(go[1], "g", 1);
	close(go[1]);
	while (sys(SYS_wait, 0, 0, 0, 0, 0, 0) > 0)
		;
	report();
	sys(SYS_exit, 0, 0, 0, 0, 0, 0);
}

/* Not system calls either: a fault of some kind, which the kernel must
 * turn into this process's death (one console line), nothing more. */
static void fault(void)
{
	switch (below(6)) {
	case 0: (void)*(volatile char *)(KADDR_TEXT + below(PG)); break;     /* load: kernel */
	case 1: *(volatile char *)((uint64_t)&fault + below(64)) = 1; break; /* store: text */
	case 2: ((void (*)(void))(below(PG)))(); break;			     /* jump: page 0 */
	case 3: __asm__ volatile(".4byte 0" ::: "memory"); break;	     /* illegal */
	case 4: __asm__ volatile("ebreak" ::: "memory"); break;
	default: { /* a misaligned atomic */
		uint64_t p = (uint64_t)&calls_left + 1, v;
		__asm__ volatile("lr.d %0, (%1)" : "=r"(v) : "r"(p) : "memory");
		break;
	}
	}
}

/* An argument by its type alone. Descriptors are among the signed ones. */
static uint64_t pick_typed(int type, enum pclass *cls)
{
	switch (type) {
	case T_ADDRESS: return pick_ptr(cls);
	case T_UNSIGNED: return pick_len();
	default: return chance(50) ? pick_fd() : pick_int();
	}
}

/* Would the kernel see the argument as descriptor fd? */
static int is_fd(int type, uint64_t v, int fd)
{
	return (type == T_INT && (int)v == fd) || (type == T_LONG && (long)v == fd);
}

/* Signals (docs/signals.md). The handler a worker may set: it counts,
 * and now and then makes a call of its own, from inside the handler. */
extern void __lde_sigreturn(void);
static volatile uint64_t handled;
static void fuzz_handler(int sig)
{
	handled++;
	if ((handled & 7) == 0)
		sys(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

/* A struct lde_sigaction for sigaction, in memory that stays (the call
 * reads it); its handler is SIG_DFL, SIG_IGN, the handler above, or
 * anything at all (a handler at a bad address faults when it runs). */
static struct lde_sigaction fuzz_act;
static uint64_t pick_sigaction(enum pclass *cls)
{
	if (chance(15))
		return pick_ptr(cls);
	switch (below(5)) {
	case 0: fuzz_act.handler = LDE_SIG_DFL; break;
	case 1: fuzz_act.handler = LDE_SIG_IGN; break;
	case 2: fuzz_act.handler = pick_any(); break;
	default: fuzz_act.handler = (uint64_t)fuzz_handler; break;
	}
	fuzz_act.mask = chance(80) ? below(1UL << 32) : pick_any();
	fuzz_act.flags = (int32_t)(chance(80) ? below(0x80) : pick_int());
	*cls = P_RW;
	return (uint64_t)&fuzz_act;
}

/* A signal set for sigprocmask and sigsuspend: never SIGKILL's or
 * SIGSTOP's worth of difference (they cannot be blocked anyway). */
static uint64_t fuzz_set;
static uint64_t pick_sigset(enum pclass *cls)
{
	if (chance(15))
		return pick_ptr(cls);
	fuzz_set = chance(70) ? below(1UL << 32) : pick_any();
	*cls = P_RW;
	return (uint64_t)&fuzz_set;
}

/* sigreturn with sp at a forged frame: random words, with a pc in the
 * kernel half, non-canonical, at page 0 or in our text, and flags that
 * are the FP flag, garbage, or where sstatus.SPP and SIE would sit; or
 * sp itself anywhere. The kernel must kill us with one line, or resume
 * us in U-mode at that pc (where we most likely fault and die). Does not
 * return. */
static struct lde_sigframe forged __attribute__((aligned(16)));
static void __attribute__((noreturn)) forge_sigreturn(void)
{
	uint64_t *w = (uint64_t *)&forged;
	for (size_t i = 0; i < sizeof forged / 8; i++)
		w[i] = pick_any();
	switch (below(5)) {
	case 0: forged.regs[0] = KADDR_TEXT + below(1UL << 20); break;
	case 1: forged.regs[0] = 0x0000800000000000UL + below(PG); break;
	case 2: forged.regs[0] = below(PG); break;
	case 3: forged.regs[0] = (uint64_t)&fault; break;
	default: break;
	}
	switch (below(4)) {
	case 0: forged.flags = 0; break;
	case 1: forged.flags = LDE_SF_FP; break;
	case 2: forged.flags = 0x100 | 0x2; break; /* SPP, SIE */
	default: break;
	}
	enum pclass c;
	uint64_t at = chance(80) ? (uint64_t)&forged : pick_ptr(&c);
	register uint64_t a0 __asm__("a0") = at;
	register uint64_t a7 __asm__("a7") = SYS_sigreturn;
	__asm__ volatile("mv sp, a0\n\tecall" ::"r"(a0), "r"(a7) : "memory");
	for (;;) /* resumed at a pc of our own with garbage registers: never here */
		;
}

static void one_call(void)
{
	if (chance(2))
		touch_heap(1 + below(32));
	if (below(1000) < 3)
		fault();

	uint64_t nr = pick_nr();
	uint64_t a[6];
	enum pclass c[6] = { P_ANY, P_ANY, P_ANY, P_ANY, P_ANY, P_ANY };
	int wild = chance(8); /* sometimes every argument is anything */
	for (int i = 0; i < 6; i++)
		a[i] = pick_any();
	if (!wild) {
		switch (nr) {
		case SYS_read:
		case SYS_write:
			a[0] = pick_fd();
			a[1] = pick_ptr(&c[1]);
			a[2] = pick_len();
			break;
		case SYS_close:
		case SYS_dup: a[0] = pick_fd(); break;
		case SYS_tcsetpgrp:
			a[0] = pick_fd();
			a[1] = pick_int();
			break;
		case SYS_wait:
		case SYS_pipe:
		case SYS_meminfo: a[0] = pick_ptr(&c[0]); break;
		case SYS_kill:
			switch (below(6)) {
			case 0:
			case 1: a[0] = nkids ? (uint64_t)kids[below((uint64_t)nkids)] : 0; break;
			case 2: a[0] = (uint64_t)(sentinel_pid + 1 + (int)below(400)); break;
			case 3:
				a[0] = nkids ? -(uint64_t)kids[below((uint64_t)nkids)]
					     : (uint64_t)-my_pid;
				break;
			case 4: a[0] = (uint64_t)my_pid; break;
			default: a[0] = pick_int(); break;
			}
			a[1] = chance(70) ? below(LDE_NSIG) : pick_int();
			break;
		case SYS_exec:
			a[0] = pick_exec_path();
			a[1] = pick_argv();
			break;
		case SYS_sbrk:
			switch (below(10)) {
			case 0: a[0] = 0; break;
			/* Far past RAM, and to the very top of the heap, in the
			 * GiB whose page table also maps the stack: refused. */
			case 8: a[0] = (1UL << 30) << below(8); break;
			case 9: a[0] = USER_HEAP_LIMIT - cur_brk - below(2) * PG; break;
			case 1:
			case 2: a[0] = below(8 * PG); break;
			case 3: a[0] = -below(8 * PG); break;
			case 4: a[0] = (1UL << 20) << below(10); break; /* up to 512 MiB */
			case 5:
				a[0] = -(cur_brk - heap_start) - below(2) * PG;
				break; /* all of it */
			default: a[0] = pick_int(); break;
			}
			break;
		case SYS_usleep:
			switch (below(7)) {
			case 0: a[0] = 0; break;
			case 1: a[0] = 1000000; break; /* outlives the budget */
			case 2: a[0] = pick_int(); break;
			/* 21 days: times the 10 MHz timebase, just over 2^64 */
			case 3: a[0] = 1844674407371UL + below(3); break;
			default: a[0] = below(3000); break;
			}
			break;
		case SYS_tcsetecho:
			/* Never off: a person may be typing at the console. */
			a[0] = pick_fd();
			a[1] = chance(50) ? 1 : (uint64_t)(pick_int() | 1);
			break;
		case SYS_setuid:
		case SYS_setgid:
		case SYS_seteuid:
		case SYS_setegid:
			/* Root's, a user's, its own, the largest, "no id", or
			 * anything. A root worker may drop for good: the parent,
			 * root too, can still kill it. */
			switch (below(6)) {
			case 0: a[0] = 0; break;
			case 1: a[0] = 1000; break;
			case 2:
				a[0] = (uint64_t)(nr == SYS_setuid || nr == SYS_seteuid ? my_uid
											: my_gid);
				break;
			case 3: a[0] = 65534; break;
			case 4: a[0] = chance(50) ? 65535 : -(uint64_t)1; break;
			default: a[0] = pick_int(); break;
			}
			break;
		case SYS_procinfo:
			a[0] = chance(50) ? -(uint64_t)1
					  : (chance(50) ? 0 : (uint64_t)(int)below(400));
			a[1] = pick_ptr(&c[1]);
			a[2] = chance(60) ? below(70) : pick_int();
			break;
		case SYS_readdir:
			a[0] = chance(70) ? below((uint64_t)nnames + 3) : pick_int();
			a[1] = pick_ptr(&c[1]);
			a[2] = chance(70) ? below(40) : pick_len();
			break;
		case SYS_setpgid:
			a[0] = chance(40) ? 0
					  : (nkids && chance(50)
						     ? (uint64_t)kids[below((uint64_t)nkids)]
						     : pick_int());
			a[1] = chance(40) ? 0 : pick_int();
			break;
		case SYS_trace: a[0] = chance(90) ? 0 : 1; break;
		case SYS_sigaction:
			a[0] = chance(85) ? below(LDE_NSIG + 1) : pick_int();
			a[1] = chance(80) ? pick_sigaction(&c[1]) : 0;
			a[2] = chance(50) ? pick_ptr(&c[2]) : 0;
			a[3] = chance(85) ? (uint64_t)__lde_sigreturn : pick_any();
			break;
		case SYS_sigprocmask:
			a[0] = chance(85) ? below(4) : pick_int();
			a[1] = chance(80) ? pick_sigset(&c[1]) : 0;
			a[2] = chance(50) ? pick_ptr(&c[2]) : 0;
			break;
		case SYS_sigsuspend: a[0] = pick_sigset(&c[0]); break;
		case SYS_alarm:
			a[0] = chance(80) ? below(20000) : pick_len();
			a[1] = chance(60) ? 0 : (chance(80) ? below(5000) : pick_len());
			break;
		case SYS_waitpid:
			switch (below(4)) {
			case 0: a[0] = (uint64_t)-1; break;
			case 1: a[0] = 0; break;
			case 2: a[0] = nkids ? (uint64_t)kids[below((uint64_t)nkids)] : 0; break;
			default: a[0] = pick_int(); break;
			}
			a[1] = pick_ptr(&c[1]);
			a[2] = chance(80) ? below(16) : pick_int();
			break;
		case SYS_ep_mint:
			a[0] = pick_fd();
			a[1] = chance(80) ? below(5) : pick_int();
			break;
		case SYS_ipc_call:
		case SYS_ipc_reply_recv:
			a[0] = pick_fd();
			a[1] = pick_info();
			break;
		case SYS_ipc_reply:
			a[0] = pick_token();
			a[1] = pick_info();
			break;
		case SYS_lease_read:
		case SYS_lease_write:
			a[0] = pick_token();
			a[1] = chance(80) ? below(6) : pick_int();
			a[2] = pick_len();
			a[3] = pick_ptr(&c[3]);
			a[4] = pick_len();
			break;
		case SYS_lease_writev: /* a[3]: the ranges, a[4] how many */
			a[0] = pick_token();
			a[1] = chance(80) ? below(6) : pick_int();
			a[2] = pick_len();
			a[3] = pick_ptr(&c[3]);
			a[4] = chance(80) ? below(LDE_IOV_MAX + 2) : pick_int();
			break;
		case SYS_open:
			a[0] = pick_path(0);
			a[1] = pick_oflags();
			a[2] = chance(80) ? below(01000) : pick_int();
			break;
		case SYS_stat:
		case SYS_statfs:
			a[0] = pick_path(0);
			a[1] = pick_ptr(&c[1]);
			break;
		case SYS_mkdir:
		case SYS_chmod:
		case SYS_access:
			a[0] = pick_path(0);
			a[1] = chance(80) ? below(01000) : pick_int();
			break;
		case SYS_rmdir:
		case SYS_unlink:
		case SYS_chdir: a[0] = pick_path(0); break;
		case SYS_rename:
		case SYS_link:
			a[0] = pick_path(0);
			a[1] = pick_path(1);
			break;
		case SYS_chown:
		case SYS_utimes:
			a[0] = pick_path(0);
			a[1] = chance(50) ? below(3) : pick_int();
			a[2] = chance(50) ? below(3) : pick_int();
			break;
		case SYS_getcwd:
			a[0] = pick_ptr(&c[0]);
			a[1] = chance(70) ? below(300) : pick_len();
			break;
		case SYS_lseek:
			a[0] = pick_fd();
			a[1] = pick_int();
			a[2] = chance(80) ? below(4) : pick_int();
			break;
		case SYS_fstat:
		case SYS_getdents:
			a[0] = pick_fd();
			a[1] = pick_ptr(&c[1]);
			a[2] = pick_len();
			break;
		case SYS_fcntl:
			a[0] = pick_fd();
			a[1] = chance(80) ? below(6) : pick_int();
			a[2] = chance(50) ? below(NOFILE + 2) : pick_oflags();
			break;
		case SYS_dup2:
			a[0] = pick_fd();
			a[1] = pick_fd();
			break;
		case SYS_mount:
			/* Never a real mount: a mount outlives the worker (the
			 * leak check would count its endpoint), and a call into
			 * an endpoint nobody serves waits for ever. Unmounts and
			 * bad descriptors only. */
			a[0] = pick_path(0);
			a[1] = chance(50) ? (uint64_t)-1 : (uint64_t)NOFILE + below(3);
			break;
		case SYS_timeline:
			if (chance(60)) {
				static const uint64_t ops[] = { LDE_TL_OP_OFF, LDE_TL_OP_DUMP,
								LDE_TL_OP_MARK };
				a[0] = ops[below(3)];
			} else {
				a[0] = pick_int();
			}
			a[1] = pick_int();
			break;
		default:
			if (nr < NSYSCALLS)
				for (int i = 0; i < calls[nr].nargs; i++)
					a[i] = pick_typed(calls[nr].type[i], &c[i]);
			break;
		}
	}

	/* The guards. */
	if (nr < NSYSCALLS) /* never the report pipe, in any call */
		for (int i = 0; i < calls[nr].nargs; i++)
			if (is_fd(calls[nr].type[i], a[i], stats_fd))
				a[i] = (uint64_t)NOFILE + 1;
	/* Nor in a message: whoever received it could write anything there. */
	if ((nr == SYS_ipc_call || nr == SYS_ipc_reply || nr == SYS_ipc_reply_recv) &&
	    ((a[1] >> 40) & 0xff) == (uint64_t)stats_fd + 1)
		a[1] &= ~(0xffUL << 40);
	/* Never the timeline's ON: the ring's pages stay taken for the rest
	 * of the boot, which the leak check would count (tests/suites/
	 * timeline.py tests ON). */
	if (nr == SYS_timeline && a[0] == LDE_TL_OP_ON)
		a[0] = LDE_TL_OP_MARK;
	if (nr == SYS_kill && !kill_target_ok(a[0]))
		a[0] = (uint64_t)(sentinel_pid + 100000);
	if (nr == SYS_mount && a[1] != (uint64_t)-1 && a[1] < (uint64_t)NOFILE)
		a[1] = (uint64_t)-1; /* the wild case too: see pick_path's mount */
	if (nr == SYS_exec && exec_path_forbidden(a[0]))
		a[0] = (uint64_t) "/no_such_program";
	if (nr == SYS_exec || nr == SYS_sigreturn || (nr < NSYSCALLS && !calls[nr].returns))
		report(); /* the last word, if this call does not return */
	if (nr == SYS_sigreturn && !wild)
		forge_sigreturn();
	if (nr == SYS_fork)
		/* Our children share the report pipe's write end: keep their
		 * counts apart from ours. */
		report();

	long t0 = nr == SYS_usleep ? sys(SYS_uptime, 0, 0, 0, 0, 0, 0) : 0;
	long r = nr == SYS_ipc_call || nr == SYS_ipc_reply_recv
			 ? sys_a6(nr, a, nr == SYS_ipc_call ? pick_leases() : pick_token())
			 : sys(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	calls_made++;

	/* What every call must respect. */
	FAIL_IF(r < 0 && r < -200, nr, r, a[0], a[1]); /* errors are errnos */
	if (nr >= NSYSCALLS) {
		FAIL_IF(r != -88 /* ENOSYS */, nr, r, a[0], a[1]);
		return;
	}
	switch (nr) {
	case SYS_getpid: FAIL_IF(r != my_pid, nr, r, (uint64_t)my_pid, 0); break;
	case SYS_getuid: FAIL_IF(r != my_uid, nr, r, (uint64_t)my_uid, 0); break;
	case SYS_geteuid: FAIL_IF(r != my_euid, nr, r, (uint64_t)my_euid, 0); break;
	case SYS_getgid: FAIL_IF(r != my_gid, nr, r, (uint64_t)my_gid, 0); break;
	case SYS_getegid: FAIL_IF(r != my_egid, nr, r, (uint64_t)my_egid, 0); break;
	case SYS_setuid:
	case SYS_setgid:
	case SYS_seteuid:
	case SYS_setegid: {
		/* POSIX's rules with saved ids: root (euid 0) sets anything
		 * (setuid and setgid all three ids), anyone else only the
		 * effective one, to its real or saved one. */
		int user = nr == SYS_setuid || nr == SYS_seteuid;
		int all = nr == SYS_setuid || nr == SYS_setgid;
		long *real = user ? &my_uid : &my_gid;
		long *eff = user ? &my_euid : &my_egid;
		long *saved = user ? &my_suid : &my_sgid;
		long id = (long)a[0];
		int ok = id >= 0 && id <= 65534 && (my_euid == 0 || id == *real || id == *saved);
		FAIL_IF(ok ? r != 0 : r != -1 /* EPERM */ && r != -22 /* EINVAL */, nr, r, a[0],
			(uint64_t)my_euid);
		FAIL_IF(!ok && r == -1 && (id < 0 || id > 65534), nr, r, a[0], 0);
		if (r == 0) {
			if (my_euid == 0 && all)
				*real = *saved = id;
			*eff = id;
		}
		break;
	}
	case SYS_tcsetecho:
		FAIL_IF(r != 1 && r != 0 && r != -9 /* EBADF */ && r != -22 /* EINVAL */, nr, r,
			a[0], a[1]);
		break;
	case SYS_getppid: FAIL_IF(r != my_parent && r != 1, nr, r, (uint64_t)my_parent, 0); break;
	case SYS_read:
		/* Bytes "read" into memory we may not write, or from a length
		 * that is not a size. */
		FAIL_IF(r > 0 && (c[1] == P_NONE || c[1] == P_RO), nr, r, a[1], a[2]);
		FAIL_IF(r > 0 && (uint64_t)r > a[2], nr, r, a[1], a[2]);
		break;
	case SYS_write:
		FAIL_IF(r > 0 && c[1] == P_NONE, nr, r, a[1], a[2]);
		FAIL_IF(r > 0 && (uint64_t)r > a[2], nr, r, a[1], a[2]);
		break;
	case SYS_meminfo:
	case SYS_pipe:
		FAIL_IF(r == 0 && (c[0] == P_NONE || c[0] == P_RO), nr, r, a[0], 0);
		if (nr == SYS_pipe && r == 0 && c[0] == P_RW) {
			int fds[2];
			memcpy(fds, (void *)a[0], sizeof fds);
			FAIL_IF(fds[0] < 0 || fds[0] >= NOFILE || fds[1] < 0 || fds[1] >= NOFILE ||
					fds[0] == fds[1],
				nr, r, (uint64_t)fds[0], (uint64_t)fds[1]);
			hold(fds[0]);
			hold(fds[1]);
		}
		break;
	case SYS_waitpid:
		/* A status written where we may not write. (A child reported
		 * may be only stopped: it stays among the kids.) */
		FAIL_IF(r > 0 && a[1] && (c[1] == P_NONE || c[1] == P_RO), nr, r, a[1], a[2]);
		break;
	case SYS_wait:
		if (r > 0) {
			FAIL_IF(a[0] && (c[0] == P_NONE || c[0] == P_RO), nr, r, a[0], 0);
			for (int i = 0; i < nkids; i++)
				if (kids[i] == r)
					kids[i] = kids[--nkids];
		}
		break;
	case SYS_procinfo:
		FAIL_IF(r > 0 && (c[1] == P_NONE || c[1] == P_RO), nr, r, a[1], a[2]);
		FAIL_IF(r > 64, nr, r, a[1], a[2]);
		break;
	case SYS_readdir:
		FAIL_IF(r > 0 && (c[1] == P_NONE || c[1] == P_RO), nr, r, a[1], a[2]);
		break;
	case SYS_close:
		if (r == 0)
			unhold((int)a[0]);
		break;
	case SYS_dup:
	case SYS_ep_create:
	case SYS_ep_mint:
	case SYS_ntfn_create:
		if (r >= 0) {
			FAIL_IF(r >= NOFILE, nr, r, a[0], 0);
			hold((int)r);
		}
		break;
	case SYS_lease_read:
		/* Bytes "read" into memory we may not write. */
		FAIL_IF(r > 0 && (c[3] == P_NONE || c[3] == P_RO), nr, r, a[3], a[4]);
		FAIL_IF(r > 0 && (uint64_t)r > a[4], nr, r, a[3], a[4]);
		break;
	case SYS_ipc_reply:
		FAIL_IF(r != 0 && r != -22 /* EINVAL */ && r != -9 /* EBADF */, nr, r, a[0], a[1]);
		break;
	case SYS_usleep:
		/* A sleep of a second or more that ended early, without a kill
		 * (which would give EINTR). The limit is 100 years. */
		if (r == 0 && a[0] >= 1000000)
			FAIL_IF(sys(SYS_uptime, 0, 0, 0, 0, 0, 0) - t0 < 999, nr, r, a[0],
				(uint64_t)t0);
		FAIL_IF(a[0] > 3153600000000000UL && r != -22 /* EINVAL */, nr, r, a[0], 0);
		break;
	case SYS_poweroff: FAIL_IF(r != -1 /* EPERM: only init may */, nr, r, a[0], 0); break;
	case SYS_kill:
		FAIL_IF((int)a[0] == 1 && r != -1 /* EPERM */ && r != -22 /* EINVAL */, nr, r, a[0],
			a[1]);
		break;
	case SYS_uptime:
		FAIL_IF(r < last_uptime, nr, r, (uint64_t)last_uptime, 0);
		last_uptime = r;
		break;
	case SYS_sbrk:
		/* No promise beyond what exists. */
		FAIL_IF(a[0] < (1UL << 62) && a[0] / PG > (uint64_t)total_pages &&
				r != -12 /* ENOMEM */,
			nr, r, a[0], cur_brk);
		if (r >= 0) {
			FAIL_IF((uint64_t)r != cur_brk, nr, r, a[0], cur_brk);
			cur_brk += a[0];
		}
		break;
	case SYS_fork:
		if (r == 0) {
			became_child();
		} else if (r > 0) {
			forks_made++;
			if (nkids < (int)(sizeof kids / sizeof kids[0]))
				kids[nkids++] = (int)r;
		}
		break;
	case SYS_exec:
		FAIL_IF(r >= 0, nr, r, a[0], a[1]); /* success does not return */
		break;
	case SYS_timeline:
		FAIL_IF(r != (a[0] == LDE_TL_OP_OFF || a[0] == LDE_TL_OP_DUMP ||
					      a[0] == LDE_TL_OP_MARK
				      ? 0
				      : -22 /* EINVAL */),
			nr, r, a[0], a[1]);
		break;
	case SYS_trace:
		if (a[0])
			sys(SYS_trace, 0, 0, 0, 0, 0, 0);
		break;
	case SYS_exit:
		FAIL_IF(1, nr, r, a[0], 0); /* exit returned */
		break;
	default: break;
	}
}

/* Resources refused while setting up: fine (others hold them), anything
 * else is a failure. */
static void setup_failed(int line)
{
	if (errno != ENFILE && errno != EMFILE && errno != ENOMEM)
		fail_at(line, 0, -errno, 0, 0);
	sys(SYS_exit, 125, 0, 0, 0, 0, 0);
	for (;;)
		;
}

/* A worker: a clean descriptor table, scratch memory, then random calls. */
static void worker(uint64_t wseed, int calls, int hogger)
{
	rng = wseed;
	my_pid = (int)sys(SYS_getpid, 0, 0, 0, 0, 0, 0);
	my_parent = parent_pid;
	my_uid = sys(SYS_getuid, 0, 0, 0, 0, 0, 0);
	my_euid = sys(SYS_geteuid, 0, 0, 0, 0, 0, 0);
	my_gid = sys(SYS_getgid, 0, 0, 0, 0, 0, 0);
	my_egid = sys(SYS_getegid, 0, 0, 0, 0, 0, 0);
	my_suid = my_euid;
	my_sgid = my_egid;
	depth = 0;
	calls_left = calls;
	sys(SYS_setpgid, 0, 0, 0, 0, 0, 0); /* its own group: killed as one */
	for (int fd = 0; fd < NOFILE; fd++)
		if (fd != stats_fd && fd != gate_fd)
			sys(SYS_close, (uint64_t)fd, 0, 0, 0, 0, 0);
	/* 0: a pipe with no writer (EOF); 1 and 2: a pipe with no reader.
	 * The fuzzing of other workers may have used up the pipes or the
	 * memory: then this one just gives up (status 125). */
	int a[2], b[2];
	if (pipe(a))
		setup_failed(__LINE__);
	if (pipe(b))
		setup_failed(__LINE__);
	close(a[1]);
	close(b[0]);
	/* fds 0 and 1 were the first free: now 0 = a[0], then 1 = 2 = b[1]. */
	FAIL_IF(a[0] != 0 || b[1] <= 1, SYS_pipe, 0, (uint64_t)a[0], (uint64_t)b[1]);
	int w1 = dup(b[1]); /* takes 1, the lowest free */
	int w2 = dup(b[1]);
	close(b[1]);
	FAIL_IF(w1 != 1 || w2 != 2, SYS_dup, 0, (uint64_t)w1, (uint64_t)w2);
	nheld = 0;
	hold(0), hold(1), hold(2);
	nkids = 0;
	heap_start = ((uint64_t)_end + PG - 1) & ~(PG - 1);
	scratch = (uint64_t)sbrk((ptrdiff_t)(SCRATCH_PAGES * PG));
	if (scratch == (uint64_t)-1)
		setup_failed(__LINE__);
	scratch_end = scratch + SCRATCH_PAGES * PG;
	cur_brk = scratch_end;
	memset((void *)scratch, 0x5a, SCRATCH_PAGES * PG);
	canary_at_start = canary_sum();
	last_uptime = 0;
	calls_made = forks_made = 0;
	if (hogger)
		hog_phase();
	while (calls_left-- > 0) {
		one_call();
		if (calls_made % REPORT_EVERY == 0)
			report();
	}
	FAIL_IF(canary_sum() != canary_at_start, 0, 0, canary_at_start, canary_sum());
	report();
	sys(SYS_exit, 0, 0, 0, 0, 0, 0);
}

/* ---- long calls: no system call may hold the CPU ----------------------- */
/* A few calls that each take long, all the more so on a big process; the
 * kernel must let others run meanwhile (the heartbeat measures it). The
 * console write is of whole 64-byte lines of dots: the kernel may let
 * others print between its 256-byte chunks, which then start a line. */

static long big_heap(uint64_t pages)
{
	long r = sys(SYS_sbrk, pages * PG, 0, 0, 0, 0, 0);
	if (r < 0)
		return r;
	for (uint64_t a = page_up((uint64_t)r); a < (uint64_t)r + pages * PG; a += PG)
		*(volatile char *)a = 1;
	return r;
}

static void one_long_call(void)
{
	uint64_t pages = 256 + below(4096);
	switch (below(6)) {
	case 0: { /* 8..64 KiB to the console */
		uint64_t n = (8 + below(57)) * 1024;
		long r = sys(SYS_sbrk, n, 0, 0, 0, 0, 0);
		if (r < 0)
			return;
		char *b = (char *)r;
		for (uint64_t i = 0; i < n; i++)
			b[i] = i % 64 == 63 ? '\n' : '.';
		long w = sys(SYS_write, 1, (uint64_t)b, n, 0, 0, 0);
		FAIL_IF(w != (long)n, SYS_write, w, 1, n);
		break;
	}
	case 1: { /* 256 KiB..4 MiB through a pipe a child drains */
		uint64_t n = (256 + below(3841)) * 1024;
		int p[2];
		if (pipe(p))
			return;
		long pid = sys(SYS_fork, 0, 0, 0, 0, 0, 0);
		if (pid == 0) {
			static char rb[4096];
			close(p[1]);
			while (read(p[0], rb, sizeof rb) > 0)
				;
			sys(SYS_exit, 0, 0, 0, 0, 0, 0);
		}
		close(p[0]);
		long r = pid > 0 ? sys(SYS_sbrk, n, 0, 0, 0, 0, 0) : -1;
		if (r >= 0) {
			/* Less if another worker kills the reader (then EPIPE). */
			long w = sys(SYS_write, (uint64_t)p[1], (uint64_t)r, n, 0, 0, 0);
			FAIL_IF(w > (long)n || (w < 0 && w != -EPIPE), SYS_write, w, (uint64_t)p[1],
				n);
		}
		close(p[1]);
		if (pid > 0)
			wait(NULL);
		break;
	}
	case 2: /* fork of a big process; the child's exit */
		if (big_heap(pages) >= 0) {
			long pid = sys(SYS_fork, 0, 0, 0, 0, 0, 0);
			if (pid == 0)
				sys(SYS_exit, 0, 0, 0, 0, 0, 0);
			if (pid > 0)
				wait(NULL);
		}
		break;
	case 3: { /* sbrk gives a big heap back at once */
		long r = big_heap(pages);
		if (r >= 0) {
			long b = sys(SYS_sbrk, -(pages * PG), 0, 0, 0, 0, 0);
			FAIL_IF(b != r + (long)(pages * PG), SYS_sbrk, b, r, pages);
		}
		break;
	}
	case 4: /* exit (or exec) of a big process */
	case 5: {
		long pid = sys(SYS_fork, 0, 0, 0, 0, 0, 0);
		if (pid == 0) {
			big_heap(pages);
			/* The most arguments the ABI takes: 32 of 63 bytes. */
			static char strs[LDE_ARG_MAX][64];
			static char *argv[LDE_ARG_MAX + 1];
			for (int i = 0; i < LDE_ARG_MAX; i++) {
				memset(strs[i], 'a' + i % 26, 63);
				argv[i] = strs[i];
			}
			argv[0] = "true";
			if (chance(50))
				sys(SYS_exec, (uint64_t) "/true", (uint64_t)argv, 0, 0, 0, 0);
			sys(SYS_exit, 0, 0, 0, 0, 0, 0);
		}
		if (pid > 0)
			wait(NULL);
		break;
	}
	}
}

static void long_calls(uint64_t wseed)
{
	rng = wseed;
	my_pid = (int)sys(SYS_getpid, 0, 0, 0, 0, 0, 0);
	sys(SYS_setpgid, 0, 0, 0, 0, 0, 0); /* its own group: killed as one */
	for (int fd = 0; fd < NOFILE; fd++) /* the console (1) stays */
		if (fd != stats_fd && fd != 1)
			sys(SYS_close, (uint64_t)fd, 0, 0, 0, 0, 0);
	calls_made = forks_made = 0;
	for (int k = 0; k < 3; k++) {
		one_long_call();
		calls_made++;
	}
	report();
	sys(SYS_exit, 0, 0, 0, 0, 0, 0);
}

/* The heartbeat: each time its longest gap grows, the new figure goes down
 * the pipe (the last one is the answer; the pipe holds 512). Its memory is
 * its own first: it must never need a page (the hogs take them all). */
static void heartbeat(int fd)
{
	heap_start = page_up((uint64_t)_end);
	cur_brk = (uint64_t)sbrk(0);
	unshare_all();
	long last = uptime(), max = 0;
	int sent = 0;
	for (;;) {
		usleep(BEAT_US);
		long now = uptime();
		if (now - last > max) {
			max = now - last;
			if (sent++ < 500)
				write(fd, &max, sizeof max);
		}
		last = now;
	}
}

/* ---- the sentinel ------------------------------------------------------ */

#define SENT_WORDS 4096 /* 32 KiB in .bss, 32 KiB on the heap, 8 KiB on the stack */
static uint64_t sent_data[SENT_WORDS];

static uint64_t pattern(uint64_t gen, uint64_t i) { return mix64(seed ^ (gen << 32) ^ i); }

static uint64_t check_and_refill(uint64_t *mem, uint64_t n, uint64_t gen, uint64_t salt)
{
	uint64_t bad = 0;
	for (uint64_t i = 0; i < n; i++) {
		if (gen && mem[i] != pattern(gen, i + salt))
			bad++;
		mem[i] = pattern(gen + 1, i + salt);
	}
	return bad;
}

static struct {
	int pid;
	uint64_t calls, forks;
} seen[1024];

/* Failed checks by source line: the first three of each are printed. */
static struct {
	uint32_t line;
	uint64_t n;
} fail_lines[32];

static uint64_t count_fail(uint32_t line)
{
	for (int i = 0; i < 32; i++) {
		if (fail_lines[i].line == line || !fail_lines[i].line) {
			fail_lines[i].line = line;
			return ++fail_lines[i].n;
		}
	}
	return 1;
}

static void sentinel(int rd, int reply)
{
	uint64_t stack_mem[1024];
	heap_start = page_up((uint64_t)_end);
	cur_brk = (uint64_t)sbrk(0);
	unshare_all(); /* (see hog) */
	uint64_t *heap = sbrk(SENT_WORDS * 8);
	if (heap == (void *)-1) {
		printf("FAIL: fuzz: sentinel: sbrk\n");
		_exit(1);
	}
	struct totals t;
	memset(&t, 0, sizeof t);
	uint64_t gen = 0;
	int me = getpid(), dad = getppid();
	static struct rec buf[16];
	for (;;) {
		ssize_t n = read(rd, buf, sizeof buf);
		if (n <= 0)
			break;
		if (n % (ssize_t)sizeof(struct rec)) {
			printf("FAIL: fuzz: sentinel: read %ld bytes, not whole records\n",
			       (long)n);
			t.garbage++;
		}
		for (int i = 0; i < (int)(n / (ssize_t)sizeof(struct rec)); i++) {
			struct rec *r = &buf[i];
			if (r->magic != REC_MAGIC) {
				if (!t.garbage++)
					printf("FAIL: fuzz: sentinel: garbage in the report pipe\n");
				continue;
			}
			t.reports++;
			switch (r->kind) {
			case REC_FAIL:
				t.fails++;
				if (count_fail(r->line) <= 3) /* enough said after that */
					printf("FAIL: fuzz: seed %lu: pid %d, call %ld(0x%lx, 0x%lx)"
					       " returned %ld (check at fuzz.c:%u, after %lu calls)\n",
					       (unsigned long)seed, r->pid, (long)r->nr,
					       (unsigned long)r->a0, (unsigned long)r->a1,
					       (long)r->ret, r->line, (unsigned long)r->calls);
				__attribute__((fallthrough)); /* it carries a count too */
			case REC_CALLS: {
				int k = r->pid & 1023;
				if (seen[k].pid != r->pid) {
					if (seen[k].pid > r->pid)
						break; /* older than the slot's owner */
					seen[k].pid = r->pid;
					seen[k].calls = seen[k].forks = 0;
				}
				if (r->calls > seen[k].calls) {
					t.calls += r->calls - seen[k].calls;
					seen[k].calls = r->calls;
				}
				if (r->forks > seen[k].forks) {
					t.forks += r->forks - seen[k].forks;
					seen[k].forks = r->forks;
				}
				break;
			}
			case REC_REQ:
			case REC_FINAL: {
				uint64_t bad = check_and_refill(sent_data, SENT_WORDS, gen, 0) +
					       check_and_refill(heap, SENT_WORDS, gen, 1UL << 20) +
					       check_and_refill(stack_mem, 1024, gen, 2UL << 20);
				bad += getpid() != me;
				bad += getppid() != dad;
				gen++;
				t.checks++;
				if (bad && !t.mem_errors)
					printf("FAIL: fuzz: sentinel: %lu words of its memory changed\n",
					       (unsigned long)bad);
				t.mem_errors += bad;
				t.final = r->kind == REC_FINAL;
				write(reply, &t, sizeof t);
				break;
			}
			default: t.garbage++;
			}
		}
	}
	for (int i = 0; i < 32 && fail_lines[i].line; i++)
		if (fail_lines[i].n > 3)
			printf("FAIL: fuzz: seed %lu: the check at fuzz.c:%u failed %lu times in all\n",
			       (unsigned long)seed, fail_lines[i].line,
			       (unsigned long)fail_lines[i].n);
	_exit(t.mem_errors || t.garbage ? 1 : 0);
}

/* ---- the parent -------------------------------------------------------- */

struct worker_slot {
	int pid;
	long started, budget;
	int hog;
};

static struct worker_slot workers[MAX_WORKERS];
static struct lde_procinfo table[TABLE_MAX];

static char parent_mem[16384];

static struct {
	long spawned, fork_failed;
	long exited, signaled, budget_kills, orphan_kills;
	long sigs[LDE_NSIG];
	long min_free, hogs, stallers;
} st;
static int hogs = 1;

static long free_now(void);

static int is_worker(int pid)
{
	for (int i = 0; i < MAX_WORKERS; i++)
		if (workers[i].pid == pid)
			return i;
	return -1;
}

/* Our descendants: pid > sentinel's, with a parent that is us, init
 * (orphans), or another of ours. Fills mark[] for table entries. */
static int ours(int n, char *mark)
{
	int count = 0;
	for (int i = 0; i < n; i++)
		mark[i] = table[i].pid > sentinel_pid &&
			  (table[i].ppid == parent_pid || table[i].ppid == 1);
	for (int changed = 1; changed;) {
		changed = 0;
		for (int i = 0; i < n; i++) {
			if (mark[i] || table[i].pid <= sentinel_pid)
				continue;
			for (int j = 0; j < n; j++)
				if (mark[j] && table[j].pid == table[i].ppid) {
					mark[i] = 1;
					changed = 1;
					break;
				}
		}
	}
	for (int i = 0; i < n; i++)
		count += mark[i];
	return count;
}

static void account_status(int pid, int status)
{
	int w = is_worker(pid);
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		st.signaled++;
		if (sig > 0 && sig < LDE_NSIG)
			st.sigs[sig]++;
	} else {
		st.exited++;
	}
	if (w >= 0)
		workers[w].pid = 0;
}

/* Reap every zombie child: wait() never blocks while one is listed. */
static int reap_zombies(int n)
{
	int reaped = 0;
	for (int i = 0; i < n; i++) {
		if (table[i].state != LDE_P_ZOMBIE || table[i].ppid != parent_pid)
			continue;
		int status;
		int pid = wait(&status);
		if (pid < 0)
			break;
		if (pid == sentinel_pid) {
			printf("FAIL: fuzz: the sentinel died (status 0x%x)\n", status);
			sentinel_pid = -sentinel_pid;
			continue;
		}
		account_status(pid, status);
		reaped++;
	}
	return reaped;
}

static void kill_worker(int i)
{
	kill(workers[i].pid, SIGKILL);
	kill(-workers[i].pid, SIGKILL); /* the children that kept its group */
}

static char mark[TABLE_MAX];

/* One round: look at every process, reap, enforce budgets, kill orphans.
 * Returns how many of ours are left. */
static int poll_round(int stopping)
{
	int n = procinfo(-1, table, TABLE_MAX);
	if (n < 0) {
		printf("FAIL: fuzz: procinfo: errno %d\n", errno);
		return 0;
	}
	reap_zombies(n);
	long f = free_now();
	if (f >= 0 && f < st.min_free)
		st.min_free = f;
	long now = uptime();
	int left = ours(n, mark);
	for (int i = 0; i < n; i++) {
		if (!mark[i] || table[i].state == LDE_P_ZOMBIE || table[i].killed)
			continue;
		int w = is_worker(table[i].pid);
		if (w >= 0) {
			if (stopping || now - workers[w].started > workers[w].budget) {
				kill_worker(w);
				st.budget_kills++;
			}
		} else if (stopping || table[i].ppid == 1 || table[i].ppid == parent_pid) {
			/* An orphan (its worker is gone), or anything at the end. */
			kill(table[i].pid, SIGKILL);
			st.orphan_kills++;
		}
	}
	return left;
}

static uint64_t worker_seed(long index) { return mix64(seed * 0x100000001b3UL + (uint64_t)index); }

static int spawn_worker(long index)
{
	int slot = -1;
	for (int i = 0; i < MAX_WORKERS; i++)
		if (!workers[i].pid) {
			slot = i;
			break;
		}
	if (slot < 0)
		return -1;
	uint64_t ws = worker_seed(index);
	int calls = 64 + (int)(mix64(ws) % 448);
	int hogger = hogs && (mix64(ws) >> 20) % HOG_ONE_IN == 0;
	int staller = !hogger && (mix64(ws) >> 28) % STALL_ONE_IN == 0;
	int gate[2];
	if (hogger && pipe(gate))
		hogger = 0;
	int pid = fork();
	if (pid == 0) {
		if (staller)
			long_calls(ws);
		if (hogger) {
			close(gate[1]);
			gate_fd = gate[0];
		}
		worker(ws, calls, hogger);
	}
	if (hogger) {
		close(gate[0]);
		if (pid > 0) {
			/* Our memory becomes ours alone before the hog may start;
			 * nothing is forked until it is gone. */
			heap_start = page_up((uint64_t)_end);
			cur_brk = (uint64_t)sbrk(0);
			unshare_all();
			write(gate[1], "g", 1);
		}
		close(gate[1]);
	}
	if (pid < 0) {
		st.fork_failed++;
		return -1;
	}
	workers[slot].pid = pid;
	workers[slot].started = uptime();
	workers[slot].budget = hogger	 ? HOG_BUDGET_MS
			       : staller ? STALL_BUDGET_MS
					 : WORKER_BUDGET_MS;
	workers[slot].hog = hogger;
	st.hogs += hogger;
	st.stallers += staller;
	st.spawned++;
	return pid;
}

static int workers_hog(int pid)
{
	int w = is_worker(pid);
	return w >= 0 && workers[w].hog;
}

static int send_req(int fd, uint32_t kind)
{
	struct rec r = { .magic = REC_MAGIC, .kind = kind, .pid = parent_pid };
	return write(fd, &r, sizeof r) == sizeof r ? 0 : -1;
}

static void fill_parent_mem(void)
{
	for (unsigned i = 0; i < sizeof parent_mem; i++)
		parent_mem[i] = (char)mix64(seed + i);
}

static int parent_mem_ok(void)
{
	for (unsigned i = 0; i < sizeof parent_mem; i++)
		if (parent_mem[i] != (char)mix64(seed + i))
			return 0;
	return 1;
}

/* Map now every page the parent will ever use (its stack as deep as it
 * will go, as unshare_all reaches), so that the free-page count measured
 * next is not changed by our own later use. */
static __attribute__((noinline)) void warm(void)
{
	volatile char buf[65536];
	for (unsigned i = 0; i < sizeof buf; i += 512)
		buf[i] = (char)i;
	struct lde_meminfo mi;
	meminfo(&mi);
	(void)procinfo(-1, table, TABLE_MAX);
	heap_start = page_up((uint64_t)_end);
	cur_brk = (uint64_t)sbrk(0);
	unshare_all();
}

static long free_now(void)
{
	struct lde_meminfo mi;
	return meminfo(&mi) ? -1 : (long)mi.free_pages;
}

int main(int argc, char **argv)
{
	seed = argc > 1 ? strtoull(argv[1], NULL, 0) : (uint64_t)uptime() * 2654435761UL + 1;
	long target = argc > 2 ? strtol(argv[2], NULL, 0) : 20000;
	int nworkers = argc > 3 ? atoi(argv[3]) : 4;
	const char *flags = argc > 4 ? argv[4] : "";
	int verbose = strchr(flags, 'v') != NULL;
	hogs = strchr(flags, 'm') == NULL;
	if (nworkers < 1)
		nworkers = 1;
	if (nworkers > MAX_WORKERS)
		nworkers = MAX_WORKERS;
	parent_pid = getpid();
	printf("fuzz: seed %lu calls %ld workers %d (replay: fuzz %lu %ld %d%s%s)\n",
	       (unsigned long)seed, target, nworkers, (unsigned long)seed, target, nworkers,
	       *flags ? " " : "", flags);

	for (nnames = 0; nnames < NAMES_MAX; nnames++)
		if (initrd_readdir(nnames, names[nnames], sizeof names[nnames]) <= 0)
			break;
	uint64_t canary0 = canary_sum();
	fill_parent_mem();
	warm();
	long baseline = free_now();
	struct lde_meminfo mi0;
	total_pages = meminfo(&mi0) ? 32768 : (long)mi0.total_pages;
	st.min_free = baseline;
	long t_start = uptime();

	/* The heartbeat first: its pid is below the sentinel's, which no
	 * worker kills, and it is no worker's to reap. */
	int hb[2];
	if (pipe(hb)) {
		printf("FAIL: fuzz: pipe: errno %d\n", errno);
		return 1;
	}
	int hbpid = fork();
	if (hbpid == 0) {
		close(hb[0]);
		heartbeat(hb[1]);
	}
	close(hb[1]);
	if (hbpid < 0) {
		printf("FAIL: fuzz: fork of the heartbeat: errno %d\n", errno);
		return 1;
	}

	int sp[2], rp[2];
	if (pipe(sp) || pipe(rp)) {
		printf("FAIL: fuzz: pipe: errno %d\n", errno);
		return 1;
	}
	int spid = fork();
	if (spid == 0) {
		close(sp[1]);
		close(rp[0]);
		sentinel(sp[0], rp[1]);
	}
	if (spid < 0) {
		printf("FAIL: fuzz: fork of the sentinel: errno %d\n", errno);
		return 1;
	}
	sentinel_pid = spid;
	guard_pid = ~spid;
	close(sp[0]);
	close(rp[1]);
	stats_fd = sp[1];

	struct totals tot;
	memset(&tot, 0, sizeof tot);
	long index = 0, next_check = uptime() + SENTINEL_PERIOD_MS;
	int req_pending = 0, last_report = 0;
	while (tot.calls < (uint64_t)target) {
		poll_round(0);
		int live = 0, hog_alive = 0;
		for (int i = 0; i < MAX_WORKERS; i++) {
			live += workers[i].pid != 0;
			hog_alive |= workers[i].pid != 0 && workers[i].hog;
		}
		while (live < nworkers && !hog_alive) {
			int pid = spawn_worker(index);
			if (pid < 0)
				break;
			if (verbose)
				printf("fuzz: worker %ld pid %d seed 0x%lx\n", index, pid,
				       (unsigned long)worker_seed(index));
			index++;
			live++;
			hog_alive = workers_hog(pid);
		}
		long now = uptime();
		if (now >= next_check) {
			if (req_pending && read(rp[0], &tot, sizeof tot) != sizeof tot) {
				printf("FAIL: fuzz: no answer from the sentinel\n");
				break;
			}
			req_pending = 0;
			if (sentinel_pid < 0)
				break;
			if (send_req(stats_fd, REC_REQ) == 0)
				req_pending = 1;
			next_check = now + SENTINEL_PERIOD_MS;
			if ((now - t_start) / 2000 != last_report) {
				last_report = (int)((now - t_start) / 2000);
				printf("fuzz: %lu calls, %ld workers, %ld ms\n",
				       (unsigned long)tot.calls, index, now - t_start);
			}
		}
		usleep(POLL_US);
	}
	long t_calls = uptime();

	/* The end: kill every one of ours, reap, and wait until none is left. */
	long end_deadline = uptime() + END_TIMEOUT_MS;
	for (;;) {
		int left = poll_round(1);
		if (!left)
			break;
		if (uptime() > end_deadline) {
			printf("FAIL: fuzz: %d processes still there %d ms after the end:\n", left,
			       END_TIMEOUT_MS);
			int n = procinfo(-1, table, TABLE_MAX);
			for (int i = 0; i < n; i++)
				printf("  pid %d ppid %d state %d killed %d wchan %s name %s\n",
				       table[i].pid, table[i].ppid, table[i].state, table[i].killed,
				       table[i].wchan, table[i].name);
			break;
		}
		usleep(POLL_US);
	}
	/* Workers reaped by init (when we are not init) are gone once init
	 * has run; nothing of ours is listed any more, zombies included. */

	if (req_pending && read(rp[0], &tot, sizeof tot) != sizeof tot)
		printf("FAIL: fuzz: no answer from the sentinel\n");
	if (sentinel_pid > 0) {
		if (send_req(stats_fd, REC_FINAL) || read(rp[0], &tot, sizeof tot) != sizeof tot ||
		    !tot.final)
			printf("FAIL: fuzz: no final answer from the sentinel\n");
	}
	close(stats_fd); /* the sentinel sees end-of-file and exits */
	if (sentinel_pid > 0) {
		int status = -1;
		int pid = wait(&status);
		if (pid != sentinel_pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			printf("FAIL: fuzz: sentinel %d ended with status 0x%x (wait: %d)\n",
			       sentinel_pid, status, pid);
	}
	close(rp[0]);
	kill(hbpid, SIGKILL);
	int hbst = -1;
	if (wait(&hbst) != hbpid || !WIFSIGNALED(hbst))
		printf("FAIL: fuzz: the heartbeat ended with status 0x%x\n", hbst);
	long gap = -1, g;
	while (read(hb[0], &g, sizeof g) == sizeof g)
		gap = g;
	close(hb[0]);
	long after = free_now();
	struct lde_meminfo mi1;
	meminfo(&mi1);
	/* Kernel objects too: every endpoint, notification and file the
	 * workers made went with them. */
	CHECK_EQ(mi1.files, mi0.files);
	CHECK_EQ(mi1.endpoints, mi0.endpoints);
	CHECK_EQ(mi1.ntfns, mi0.ntfns);
	long ms = t_calls - t_start;
	if (ms <= 0)
		ms = 1;
	CHECK(parent_mem_ok());
	CHECK_EQ(canary_sum(), canary0);
	CHECK_EQ(tot.mem_errors, 0);
	CHECK_EQ(tot.fails, 0);
	CHECK_EQ(tot.garbage, 0);
	CHECK(tot.checks > 0);
	CHECK(tot.calls >= (uint64_t)target);
	printf("fuzz: seed %lu: %lu calls in %ld ms (%lu calls/s), %lu processes"
	       " (%ld workers, %lu fuzzed forks), %lu sentinel checks\n",
	       (unsigned long)seed, (unsigned long)tot.calls, ms,
	       (unsigned long)(tot.calls * 1000 / (uint64_t)ms),
	       (unsigned long)(st.spawned + (long)tot.forks), st.spawned, (unsigned long)tot.forks,
	       (unsigned long)tot.checks);
	long other = st.signaled - st.sigs[SIGKILL] - st.sigs[SIGSEGV] - st.sigs[SIGBUS] -
		     st.sigs[SIGILL] - st.sigs[SIGTRAP];
	printf("fuzz: workers: %ld exited, %ld killed by signals (SIGKILL %ld, of which %ld over"
	       " budget; SIGSEGV %ld, SIGBUS %ld, SIGILL %ld, SIGTRAP %ld, others %ld); %ld orphans"
	       " killed; %ld memory hogs; %ld forks refused\n",
	       st.exited, st.signaled, st.sigs[SIGKILL], st.budget_kills, st.sigs[SIGSEGV],
	       st.sigs[SIGBUS], st.sigs[SIGILL], st.sigs[SIGTRAP], other, st.orphan_kills, st.hogs,
	       st.fork_failed);
	printf("fuzz-summary: seed=%lu calls=%lu ms=%ld processes=%lu signaled=%ld min_free=%ld"
	       " leaked=%ld\n",
	       (unsigned long)seed, (unsigned long)tot.calls, ms,
	       (unsigned long)(st.spawned + (long)tot.forks), st.signaled, st.min_free,
	       baseline - after);
	printf("fuzz-stall: longest_gap_ms=%ld long_callers=%ld (a heartbeat sleeping %d ms"
	       " in a loop: the longest it waited for the CPU)\n",
	       gap, st.stallers, BEAT_US / 1000);
	printf("fuzz: free pages %ld before, %ld after (%ld at the lowest): pages leaked %ld\n",
	       baseline, after, st.min_free, baseline - after);
	CHECK_EQ(after, baseline);
	return check_exit("fuzz");
}
