/* Exhaustion ends cleanly: every resource a user program can use up, used
 * up; the call that finds nothing left fails with its errno (or the process
 * that needed a page dies with one "out of memory" line); the kernel never
 * panics; and afterwards every page is back and fork works again.
 *
 *   t_exhaust procs    fork until the process table is full (EAGAIN): from
 *                      one parent, then as a fork bomb from every process
 *   t_exhaust memory   grow the heap and touch it until memory runs out:
 *                      one process (sbrk ENOMEM), three racing ones (some
 *                      die "out of memory"), and with memory at zero: fork,
 *                      pipe, sbrk and exec fail cleanly, a store to a
 *                      copy-on-write page kills only the writer
 *   t_exhaust pipes    create pipes until the kernel refuses (EMFILE in a
 *                      process, ENFILE for the system), fill each pipe's
 *                      buffer (a writer of one more byte blocks and is
 *                      killed), then read every byte back
 *   t_exhaust files    fill the descriptor table (EMFILE, from dup and from
 *                      the half-made pipe), and many processes with full
 *                      tables at once
 *   t_exhaust stack    recurse until the stack guard page (SIGSEGV), one
 *                      process and four at once, small and large frames
 *   t_exhaust all      every mode, one after the other
 *   t_exhaust hog FD RELEASE STEP   (internal) the memory eater, exec'd so
 *                      that it shares no page with its parent
 *
 * Run as init (init=/t_exhaust MODE), or from the shell (then init reaps
 * the fork bomb's orphans, and others may hold slots and pipes). Ends with
 *   exhaust-summary: modes=N processes=N faults=N leaked=N
 * and PASS or FAIL lines. */
#include "t_util.h"

#define PG 4096L
#define NPROC 64       /* kernel/proc.h */
#define NOFILE 16      /* kernel/proc.h */
#define NPIPE 64       /* kernel/pipe.c */
#define PIPE_SIZE 4096 /* kernel/pipe.c: one page */

static long processes; /* created by this test (fork successes) */
static long faults;    /* children killed by a signal */
static long leaked;    /* pages, over all modes */
static int is_init;    /* run as init (pid 1): orphans come back to us */

static pid_t xfork(void)
{
	pid_t pid = fork();
	if (pid > 0)
		processes++;
	return pid;
}

/* Reap every child (and orphan handed to us); returns how many. */
static int reap_all(void)
{
	int n = 0, st;
	while (wait(&st) > 0) {
		n++;
		if (WIFSIGNALED(st))
			faults++;
	}
	CHECK_EQ(errno, ECHILD);
	return n;
}

/* After each mode: nothing is left, every page is back, fork works. */
static void finish(const char *mode, long before)
{
	reap_all();
	long after = free_pages();
	pid_t pid = fork();
	if (pid == 0)
		_exit(42);
	CHECK(pid > 0);
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42);
	CHECK_EQ(free_pages(), after);
	CHECK_EQ(after, before);
	leaked += before - after;
	printf("exhaust: %s: free pages %ld before, %ld after, fork works again\n", mode, before,
	       after);
}

static int count_procs(void)
{
	static struct lde_procinfo all[NPROC + 8];
	return procinfo(-1, all, NPROC + 8);
}

/* ---- procs --------------------------------------------------------------- */

static void mode_procs(void)
{
	long before = free_pages();
	int rel[2];
	CHECK_EQ(pipe(rel), 0);

	/* From one parent: children that block until released. */
	int n = 0;
	for (;;) {
		pid_t pid = xfork();
		if (pid == 0) {
			close(rel[1]);
			char c;
			_exit(read(rel[0], &c, 1) == 0 ? 0 : 1);
		}
		if (pid < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		if (++n > 4 * NPROC) {
			CHECK(!"fork never fails");
			break;
		}
	}
	CHECK_EQ(count_procs(), NPROC);
	for (int i = 0; i < 3; i++) { /* it keeps failing, and takes nothing */
		long f = free_pages();
		errno = 0;
		CHECK_EQ(fork(), -1);
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(free_pages(), f);
	}
	printf("exhaust: procs: %d children, then fork fails with EAGAIN; %d slots in use\n", n,
	       count_procs());
	close(rel[1]);
	close(rel[0]);
	CHECK_EQ(reap_all(), n);

	/* A fork bomb: every process forks until the table is full; each
	 * birth is a byte in `born`; then all wait for the release. */
	int born[2];
	CHECK_EQ(pipe(born), 0);
	CHECK_EQ(pipe(rel), 0);
	pid_t root = xfork();
	if (root == 0) {
		close(rel[1]);
		close(born[0]);
		int fails = 0;
		for (;;) {
			pid_t pid = (fork)();
			if (pid == 0)
				continue; /* the child bombs on */
			if (pid > 0) {
				write(born[1], "b", 1);
				continue;
			}
			if (errno != EAGAIN) {
				printf("FAIL: exhaust: bomb fork: errno %d\n", errno);
				_exit(2);
			}
			if (++fails == 2)
				break;
			usleep(1000); /* once more, after the others */
		}
		close(born[1]);
		char c;
		_exit(read(rel[0], &c, 1) == 0 ? 0 : 1);
	}
	CHECK(root > 0);
	close(born[1]);
	close(rel[0]);
	/* The table fills; every bomber fails twice and blocks on the
	 * release: wait for that (so nobody forks once slots come free). */
	long deadline = uptime() + 20000;
	int full = 0;
	static struct lde_procinfo all[NPROC + 8];
	while (uptime() < deadline) {
		int n = procinfo(-1, all, NPROC + 8), running = 0;
		for (int i = 0; i < n; i++) /* bombers (pids from root's) not blocked yet */
			running += all[i].pid >= root && !(all[i].state == LDE_P_SLEEPING &&
							   !strcmp(all[i].wchan, "pipe read"));
		if (n == NPROC && running == 0) {
			full = 1;
			break;
		}
		usleep(2000);
	}
	CHECK(full);
	errno = 0;
	CHECK_EQ(fork(), -1);
	CHECK_EQ(errno, EAGAIN);
	close(rel[1]); /* everybody exits; the orphans go to init */
	long births = 0;
	char buf[64];
	ssize_t r;
	while ((r = read(born[0], buf, sizeof buf)) > 0)
		births += r;
	close(born[0]);
	processes += births;
	int reaped = reap_all();
	if (is_init) {
		CHECK_EQ(reaped, births + 1);
	} else { /* init reaps them: wait until no bomber is left */
		CHECK_EQ(reaped, 1);
		int left = 1;
		for (long end = uptime() + 10000; left && uptime() < end; usleep(2000)) {
			int n = procinfo(-1, all, NPROC + 8);
			left = 0;
			for (int i = 0; i < n; i++)
				left += all[i].pid >= root;
		}
		CHECK_EQ(left, 0);
		reaped += (int)births;
	}
	printf("exhaust: procs: fork bomb filled the table (%ld births), all %d reaped\n", births,
	       reaped);
	finish("procs", before);
}

/* ---- memory -------------------------------------------------------------- */

struct hog_rec {
	int32_t pid;
	int32_t final;
	int64_t pages;
	int64_t err;
};

/* exec'd: sbrk STEP pages at a time and touch them, until sbrk fails; then
 * report and wait for RELEASE to close. With STEP 1 it goes exactly to
 * zero: a page that would need a new page-table page as well is not
 * touched when only one page is left; a pipe takes that last page. With a
 * bigger STEP, touching may need a page that is not there any more (other
 * hogs took it): then the kernel kills it ("out of memory"). */
static int hog_main(int fd, int release, long step)
{
	struct hog_rec r = { .pid = getpid() };
	int spare[2] = { -1, -1 };
	for (;;) {
		if (step == 1) {
			long f = free_pages();
			uintptr_t next = (uintptr_t)sbrk(0);
			int new_table = (next & ((2UL << 20) - 1)) < PG; /* a new 2 MiB */
			if (f == 1 && new_table && spare[0] < 0) {
				if (pipe(spare) == 0)
					continue;
			}
		}
		char *p = sbrk(step * PG);
		if (p == (void *)-1) {
			r.err = errno;
			break;
		}
		for (long i = 0; i < step; i++)
			p[i * PG] = 1;
		r.pages += step;
	}
	r.final = 1;
	write(fd, &r, sizeof r);
	char c;
	read(release, &c, 1);
	return r.err == ENOMEM ? 0 : 3;
}

static pid_t start_hog(int fd, int release_rd, int release_wr, long step)
{
	pid_t pid = xfork();
	if (pid == 0) {
		close(release_wr);
		char a[16], b[16], c[16];
		snprintf(a, sizeof a, "%d", fd);
		snprintf(b, sizeof b, "%d", release_rd);
		snprintf(c, sizeof c, "%ld", step);
		char *argv[] = { "t_exhaust", "hog", a, b, c, NULL };
		exec("/t_exhaust", argv);
		_exit(127);
	}
	CHECK(pid > 0);
	return pid;
}

/* Store to every page this process shares with its parent (data, bss, the
 * stack), so that afterwards neither needs a new page to write its own
 * memory: with none left, such a store would kill the writer. */
extern char _end[], __fini_array_end[];
static __attribute__((noinline)) void unshare(const void *skip, size_t skip_len)
{
	uintptr_t data = ((uintptr_t)__fini_array_end + 8 + PG - 1) & ~(uintptr_t)(PG - 1);
	uintptr_t s0 = (uintptr_t)skip, s1 = s0 + skip_len;
	for (uintptr_t a = data; a < (uintptr_t)_end; a += PG)
		if (a + PG <= s0 || a >= s1) /* pages wholly outside skip */
			*(volatile char *)a = *(volatile char *)a;
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	for (uintptr_t a = (sp - 32768) & ~(uintptr_t)(PG - 1); a < 0x4000000000UL; a += PG)
		*(volatile char *)a = *(volatile char *)a;
}

/* Wait (up to 10 s) until pid sleeps in a pipe read; 0 when it does. */
static int wait_blocked(pid_t pid)
{
	long end = uptime() + 10000;
	while (uptime() < end) {
		struct lde_procinfo pi;
		if (proc_get(pid, &pi) == 0 && pi.state == LDE_P_SLEEPING &&
		    !strcmp(pi.wchan, "pipe read"))
			return 0;
		usleep(1000);
	}
	return -1;
}

static void mode_memory(void)
{
	long before = free_pages();
	int fds[2], rel[2];

	/* One process: sbrk fails with ENOMEM, memory is at zero. Then
	 * everything that needs a page fails cleanly. */
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(pipe(rel), 0);
	/* A child forked (and unshared) now, to exec once memory is gone. */
	int go[2], res[2];
	CHECK_EQ(pipe(go), 0);
	CHECK_EQ(pipe(res), 0);
	pid_t execer = xfork();
	if (execer == 0) {
		close(go[1]);
		close(res[0]);
		close(fds[0]);
		close(fds[1]);
		close(rel[0]);
		close(rel[1]);
		unshare(NULL, 0);
		char c;
		read(go[0], &c, 1);
		char *argv[] = { "hello", NULL };
		int r = exec("/hello", argv);
		int e = errno;
		write(res[1], &e, sizeof e);
		read(go[0], &c, 1); /* hold on to our pages until told */
		_exit(r == -1 ? 0 : 1);
	}
	close(go[0]);
	close(res[1]);
	/* A child sharing a big buffer copy-on-write with us, that will
	 * store to it once memory is gone. */
	static char cow_buf[64 * 4096] __attribute__((aligned(4096)));
	memset(cow_buf, 7, sizeof cow_buf);
	int go2[2];
	CHECK_EQ(pipe(go2), 0);
	pid_t writer = xfork();
	if (writer == 0) {
		close(go2[1]);
		close(go[1]);
		close(res[0]);
		close(fds[0]);
		close(fds[1]);
		close(rel[0]);
		close(rel[1]);
		unshare(cow_buf, sizeof cow_buf); /* its pages stay shared */
		for (unsigned i = 0; i < sizeof cow_buf; i += 4096)
			(void)*(volatile char *)&cow_buf[i];
		char c;
		read(go2[0], &c, 1);
		for (unsigned i = 0; i < sizeof cow_buf; i += 4096)
			cow_buf[i] = 9; /* a copy for each: there is none */
		_exit(0);
	}
	close(go2[0]);
	/* Both have unshared their memory once they block on their pipe. */
	CHECK_EQ(wait_blocked(execer), 0);
	CHECK_EQ(wait_blocked(writer), 0);

	pid_t hog = start_hog(fds[1], rel[0], rel[1], 1);
	close(fds[1]);
	close(rel[0]);
	struct hog_rec r;
	memset(&r, 0, sizeof r);
	CHECK_EQ(read_all(fds[0], &r, sizeof r), (long)sizeof r);
	CHECK_EQ(r.final, 1);
	CHECK_EQ(r.err, ENOMEM);
	long at_zero = free_pages();
	printf("exhaust: memory: one hog got %ld pages, then sbrk failed with errno %ld; %ld free\n",
	       (long)r.pages, (long)r.err, at_zero);
	CHECK_EQ(at_zero, 0);
	/* With nothing left: fork, pipe and sbrk fail, and take nothing. */
	errno = 0;
	CHECK_EQ(fork(), -1);
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	CHECK(sbrk(PG) == (void *)-1);
	CHECK_EQ(errno, ENOMEM);
	CHECK_EQ(free_pages(), at_zero);
	/* exec fails with ENOMEM and leaves the caller as it was. */
	write(go[1], "g", 1);
	int e = 0;
	CHECK_EQ(read_all(res[0], &e, sizeof e), (long)sizeof e);
	close(res[0]);
	CHECK_EQ(e, ENOMEM);
	CHECK_EQ(free_pages(), at_zero);
	/* pipe: no page for its buffer. (After the others: this one was
	 * found to panic the kernel.) */
	int p2[2];
	errno = 0;
	CHECK_EQ(pipe(p2), -1);
	CHECK_EQ(errno, ENOMEM);
	CHECK_EQ(free_pages(), at_zero);
	/* A store to a shared page: the writer dies, nobody else. */
	write(go2[1], "g", 1);
	close(go2[1]);
	int st = reap(writer);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	faults++;
	write(go[1], "g", 1); /* (the hog holds go too: no end-of-file) */
	close(go[1]);
	CHECK_EQ(reap(execer), 0);
	printf("exhaust: memory: at zero: fork, sbrk, pipe fail with ENOMEM; exec fails with errno %d;"
	       " a copy-on-write store killed its writer (signal %d)\n",
	       e, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	close(rel[1]); /* release the hog */
	st = reap(hog);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(fds[0]);
	CHECK_EQ(free_pages(), before);

	/* Three hogs racing, 16 pages at a time: each ends with ENOMEM from
	 * sbrk, or is killed when a page it was promised is not there. */
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(pipe(rel), 0);
	pid_t hogs[3];
	for (int i = 0; i < 3; i++)
		hogs[i] = start_hog(fds[1], rel[0], rel[1], 16);
	close(fds[1]);
	close(rel[0]);
	/* Each hog ends blocked on the release (after its report) or killed:
	 * wait for that, then read the reports that are there. */
	long deadline = uptime() + 60000;
	for (;;) {
		int done = 0;
		for (int i = 0; i < 3; i++) {
			struct lde_procinfo pi;
			if (proc_get(hogs[i], &pi) == 0 &&
			    (pi.state == LDE_P_ZOMBIE ||
			     (pi.state == LDE_P_SLEEPING && !strcmp(pi.wchan, "pipe read"))))
				done++;
		}
		if (done == 3 || uptime() > deadline)
			break;
		usleep(2000);
	}
	int finals = 0, blocked = 0;
	long pages = 0;
	for (int i = 0; i < 3; i++)
		blocked += proc_state(hogs[i]) == LDE_P_SLEEPING;
	for (int i = 0; i < blocked; i++) {
		CHECK_EQ(read_all(fds[0], &r, sizeof r), (long)sizeof r);
		CHECK_EQ(r.err, ENOMEM);
		finals++;
		pages += r.pages;
	}
	long low = free_pages();
	close(rel[1]);
	int killed = 0;
	for (int i = 0; i < 3; i++) {
		int s;
		pid_t got = wait(&s);
		CHECK(got > 0);
		if (WIFSIGNALED(s)) {
			CHECK_EQ(WTERMSIG(s), SIGKILL);
			killed++;
			faults++;
		} else {
			CHECK_EQ(WEXITSTATUS(s), 0);
		}
	}
	close(fds[0]);
	printf("exhaust: memory: three hogs: %d reported ENOMEM (%ld pages), %d killed for a page;"
	       " %ld free once all had stopped\n",
	       finals, pages, killed, low);
	CHECK_EQ(finals + killed, 3);
	finish("memory", before);
}

/* ---- pipes --------------------------------------------------------------- */

static unsigned char pattern(int pipe_no, int i)
{
	return (unsigned char)(pipe_no * 37 + i * 11 + (i >> 8));
}

struct pipe_report {
	int32_t count; /* pipes created */
	int32_t err;   /* errno of the refused pipe() */
	int32_t bad;   /* failed checks */
	int32_t pad;
};

/* A child: pipes until refused, each filled to the brim, then a blocked
 * writer of one more byte; reports; reads everything back on release. */
static void pipe_child(int res_wr, int rel_rd)
{
	close(0);
	close(2);
	int fds[NOFILE][2];
	struct pipe_report rep = { 0, 0, 0, 0 };
	static unsigned char buf[PIPE_SIZE];
	for (;;) {
		if (pipe(fds[rep.count])) {
			rep.err = errno;
			break;
		}
		for (int i = 0; i < PIPE_SIZE; i++)
			buf[i] = pattern(rep.count, i);
		/* Exactly the capacity: it fits without blocking. */
		rep.bad += write(fds[rep.count][1], buf, PIPE_SIZE) != PIPE_SIZE;
		rep.count++;
	}
	if (rep.count) {
		/* One byte more blocks: a grandchild tries, and is killed. */
		pid_t w = fork();
		if (w == 0) {
			write(fds[0][1], "x", 1);
			_exit(5); /* it did not block */
		}
		if (w < 0 || wait_state(w, LDE_P_SLEEPING, 2000)) {
			rep.bad++;
		} else {
			struct lde_procinfo pi;
			rep.bad += proc_get(w, &pi) != 0 || strcmp(pi.wchan, "pipe write") != 0;
		}
		if (w > 0) {
			kill(w, SIGKILL);
			int s;
			rep.bad += wait(&s) != w || !WIFSIGNALED(s) || WTERMSIG(s) != SIGKILL;
		}
	}
	write(res_wr, &rep, sizeof rep);
	char c;
	read(rel_rd, &c, 1);
	/* Every byte, in order. */
	for (int p = 0; p < rep.count; p++) {
		close(fds[p][1]);
		long n = read_all(fds[p][0], buf, PIPE_SIZE);
		rep.bad += n != PIPE_SIZE;
		for (int i = 0; i < n; i++)
			if (buf[i] != pattern(p, i)) {
				rep.bad++;
				break;
			}
		char extra;
		rep.bad += read(fds[p][0], &extra, 1) != 0; /* then end-of-file */
		close(fds[p][0]);
	}
	if (rep.bad)
		printf("FAIL: exhaust: pipes: child %d: %d bad checks\n", getpid(), rep.bad);
	_exit(rep.bad ? 1 : 0);
}

static void mode_pipes(void)
{
	long before = free_pages();
	/* In one process: EMFILE when the descriptors run out, also when
	 * only one of the two is left (the half-made pipe is undone). */
	int fds[NOFILE][2];
	int n = 0;
	while (n < NOFILE && pipe(fds[n]) == 0)
		n++;
	CHECK_EQ(errno, EMFILE);
	int lowest = dup(0); /* the one free descriptor (if any) */
	CHECK(lowest == -1 || lowest == NOFILE - 1);
	if (lowest >= 0)
		close(lowest);
	printf("exhaust: pipes: one process made %d pipes, then EMFILE\n", n);
	for (int i = 0; i < n; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	CHECK_EQ(free_pages(), before);

	/* The system: children take pipes until the kernel has none left. */
	int res[2], rel[2];
	CHECK_EQ(pipe(res), 0);
	CHECK_EQ(pipe(rel), 0);
	int total = 2, children = 0, enfile = 0; /* res and rel are pipes too */
	while (!enfile && children < NPIPE) {
		pid_t pid = xfork();
		if (pid == 0) {
			close(res[0]);
			close(rel[1]);
			pipe_child(res[1], rel[0]);
		}
		CHECK(pid > 0);
		children++;
		struct pipe_report rep;
		CHECK_EQ(read_all(res[0], &rep, sizeof rep), (long)sizeof rep);
		CHECK_EQ(rep.bad, 0);
		CHECK(rep.err == EMFILE || rep.err == ENFILE);
		total += rep.count;
		enfile = rep.err == ENFILE;
	}
	CHECK(enfile);
	if (is_init) /* (from a shell, others may hold pipes too) */
		CHECK_EQ(total, NPIPE);
	CHECK(total <= NPIPE);
	int p2[2];
	errno = 0;
	CHECK_EQ(pipe(p2), -1);
	CHECK_EQ(errno, ENFILE);
	long low = free_pages();
	printf("exhaust: pipes: %d children hold %d pipes, each full (a writer of one more byte"
	       " blocks); then ENFILE; %ld pages free\n",
	       children, total, low);
	close(rel[1]); /* read back, and exit */
	int st, bad = 0;
	for (int i = 0; i < children; i++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	CHECK_EQ(bad, 0);
	close(res[0]);
	close(res[1]);
	close(rel[0]);
	/* All back: as many pipes as before. */
	n = 0;
	while (n < 6 && pipe(fds[n]) == 0)
		n++;
	CHECK_EQ(n, 6);
	for (int i = 0; i < n; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	finish("pipes", before);
}

/* ---- files --------------------------------------------------------------- */

static void mode_files(void)
{
	long before = free_pages();
	/* dup until the table is full. */
	int n = 0;
	for (;;) {
		int fd = dup(1);
		if (fd < 0) {
			CHECK_EQ(errno, EMFILE);
			break;
		}
		CHECK(fd < NOFILE);
		n++;
	}
	CHECK_EQ(n, NOFILE - 3);
	errno = 0;
	int p[2];
	CHECK_EQ(pipe(p), -1);
	CHECK_EQ(errno, EMFILE);
	/* One free: pipe gets its first descriptor, not the second, and must
	 * give the first back (and the pipe). */
	close(NOFILE - 1);
	errno = 0;
	CHECK_EQ(pipe(p), -1);
	CHECK_EQ(errno, EMFILE);
	CHECK_EQ(dup(1), NOFILE - 1);
	printf("exhaust: files: %d descriptors by dup, then EMFILE (from dup and pipe)\n", n);
	for (int fd = 3; fd < NOFILE; fd++)
		close(fd);
	CHECK_EQ(free_pages(), before);

	/* Many processes with full tables, at once: dup shares an open file,
	 * so the system-wide table (NFILE 256) does not run out this way;
	 * pipes are the only other files, and their table (NPIPE 64, 128
	 * files) runs out first: ENFILE is the pipes mode's. */
	int rel[2], ready[2];
	CHECK_EQ(pipe(rel), 0);
	CHECK_EQ(pipe(ready), 0);
	int kids = 0;
	for (int i = 0; i < 24; i++) {
		pid_t pid = xfork();
		if (pid == 0) {
			close(rel[1]);
			close(ready[0]);
			int got = 0;
			while (dup(1) >= 0)
				got++;
			int bad = errno != EMFILE;
			write(ready[1], &got, sizeof got);
			char c;
			read(rel[0], &c, 1);
			_exit(bad);
		}
		CHECK(pid > 0);
		kids++;
	}
	close(ready[1]);
	int sum = 0, got;
	for (int i = 0; i < kids; i++) {
		CHECK_EQ(read_all(ready[0], &got, sizeof got), (long)sizeof got);
		sum += got;
	}
	close(ready[0]);
	close(rel[1]);
	close(rel[0]);
	printf("exhaust: files: %d processes held %d more descriptors at once\n", kids, sum);
	CHECK_EQ(reap_all(), kids);
	finish("files", before);
}

/* ---- stack --------------------------------------------------------------- */

static volatile long sink;

/* Not tail calls: the frame is used after the call returns. */
static __attribute__((noinline)) long recurse_small(long n)
{
	volatile char frame[256];
	frame[0] = (char)n;
	if (sink == -12345) /* never: only the guard page ends this */
		return 0;
	long r = recurse_small(n + 1);
	frame[1] = (char)r;
	sink = frame[1];
	return r + frame[0];
}

static __attribute__((noinline)) long recurse_big(long n)
{
	volatile char frame[12288]; /* three pages: steps over the guard */
	frame[sizeof frame - 1] = (char)n;
	frame[0] = (char)n;
	if (sink == -12345)
		return 0;
	long r = recurse_big(n + 1);
	frame[1] = (char)r;
	sink = frame[1];
	return r + frame[0];
}

static void mode_stack(void)
{
	long before = free_pages();
	for (int round = 0; round < 3; round++) {
		int nkids = round == 1 ? 4 : 1;
		pid_t pids[4];
		for (int i = 0; i < nkids; i++) {
			pids[i] = xfork();
			if (pids[i] == 0) {
				if (round == 2)
					recurse_big(0);
				else
					recurse_small(0);
				_exit(0);
			}
			CHECK(pids[i] > 0);
		}
		for (int i = 0; i < nkids; i++) {
			int st = -1;
			pid_t got = wait(&st);
			CHECK(got > 0);
			CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
			faults++;
		}
		printf("exhaust: stack: %d process%s recursed (%s frames) into the guard: SIGSEGV\n",
		       nkids, nkids > 1 ? "es" : "", round == 2 ? "12 KiB" : "256-byte");
	}
	finish("stack", before);
}

/* ---- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "hog"))
		return hog_main(atoi(argv[2]), atoi(argv[3]), atol(argv[4]));
	const char *mode = argc > 1 ? argv[1] : "all";
	is_init = getpid() == 1;
	warm_up();
	int modes = 0;
	int all = !strcmp(mode, "all");
	if (all || !strcmp(mode, "procs"))
		mode_procs(), modes++;
	if (all || !strcmp(mode, "memory"))
		mode_memory(), modes++;
	if (all || !strcmp(mode, "pipes"))
		mode_pipes(), modes++;
	if (all || !strcmp(mode, "files"))
		mode_files(), modes++;
	if (all || !strcmp(mode, "stack"))
		mode_stack(), modes++;
	if (!modes) {
		printf("usage: t_exhaust procs|memory|pipes|files|stack|all\n");
		return 2;
	}
	printf("exhaust-summary: modes=%d processes=%ld faults=%ld leaked=%ld\n", modes, processes,
	       faults, leaked);
	return check_exit("t_exhaust");
}
