/* Copy-on-write fork.
 *
 *   t_cow share   one set of pages (data, bss, heap, stack) shared by 30
 *                 children at once, each writing its own subset: exact page
 *                 accounting (one copy per page written, none for pages
 *                 only read), every process sees its own values and the
 *                 parent's elsewhere, everything comes back; a chain of
 *                 forks sharing the same pages 3 deep (also a copy of a
 *                 copy); the parent's writes to pages nobody shares any
 *                 more allocate nothing.
 *   t_cow race [N]  N rounds (default 3), best with quantum=1: writers in
 *                 tight loops over shared pages, killed at (seeded) random
 *                 moments, exiting on their own, or losing their parent
 *                 while they write; a quarter of them never stop, so at
 *                 least those are always killed mid-loop. Verdicts do not
 *                 depend on the interleaving: a writer that was not killed
 *                 exits 0, a killed one dies of SIGKILL (or had already
 *                 finished), data is right in every survivor, and the
 *                 free-page count returns exactly to its baseline.
 *                 The orphaned writers go to init (pid 1): run as init,
 *                 this program reaps them and judges their statuses; run
 *                 from the shell, each orphan that finishes reports
 *                 through a pipe instead (its verdict, and that its parent
 *                 is init by then), the runner says which ones it killed,
 *                 and the system's init must reap them all.
 * Run as init: init=/t_cow share, init=/t_cow race [N]; or from the shell. */
#include "t_cow.h"

/* ---- share ---------------------------------------------------------- */

#define NCHILD 30
#define NDATA 2
#define NBSS 2
#define NHEAP 4
#define NSTACK 4
#define NPAT (NDATA + NBSS + NHEAP + NSTACK)

static unsigned char data_pat[NDATA * PG] __attribute__((aligned(4096))) = { 1 };
static unsigned char bss_pat[NBSS * PG] __attribute__((aligned(4096)));

static unsigned char *pages[NPAT];
static struct range ex[4]; /* the pattern pages: never made private */
static int nex;

/* Child i writes page j iff this holds: 4 of the 12 pages, a different
 * subset for each i mod 3. */
static int writes(int i, int j) { return (i + j) % 3 == 0; }

static void setup_pages(unsigned char *stack_pat, unsigned char *heap)
{
	int n = 0;
	for (int j = 0; j < NDATA; j++)
		pages[n++] = data_pat + j * PG;
	for (int j = 0; j < NBSS; j++)
		pages[n++] = bss_pat + j * PG;
	for (int j = 0; j < NHEAP; j++)
		pages[n++] = heap + j * PG;
	for (int j = 0; j < NSTACK; j++)
		pages[n++] = stack_pat + j * PG;
	ex[0] = (struct range){ (uintptr_t)data_pat, (uintptr_t)data_pat + sizeof data_pat };
	ex[1] = (struct range){ (uintptr_t)bss_pat, (uintptr_t)bss_pat + sizeof bss_pat };
	ex[2] = (struct range){ (uintptr_t)heap, (uintptr_t)heap + NHEAP * PG };
	ex[3] = (struct range){ (uintptr_t)stack_pat, (uintptr_t)stack_pat + NSTACK * PG };
	nex = 4;
	for (int j = 0; j < NPAT; j++)
		fill_page(pages[j], 0, j);
}

/* Every pattern page holds seed 0, except those child `who` wrote (seed
 * 100 + who); who < 0: the parent, which never writes them. */
static int verify_pages(int who, const char *when)
{
	int bad = 0;
	for (int j = 0; j < NPAT; j++) {
		unsigned seed = who >= 0 && writes(who, j) ? 100 + (unsigned)who : 0;
		long k = page_differs(pages[j], seed, j);
		if (k >= 0) {
			printf("FAIL: %s: process %d page %d differs at %ld: %d, want %d\n", when,
			       who, j, k, pages[j][k], pat(seed, j, k));
			check_failures++;
			bad++;
		}
	}
	return bad;
}

static void share_child(int i, int rdy, int go1, int go2)
{
	make_private(ex, nex); /* so that only pattern writes allocate */
	verify_pages(-1, "child before writing");
	char c = 0;
	CHECK_EQ(write(rdy, "r", 1), 1);
	CHECK_EQ(read(go1, &c, 1), 1);
	for (int j = 0; j < NPAT; j++)
		if (writes(i, j))
			fill_page(pages[j], 100 + (unsigned)i, j);
	verify_pages(i, "child after its writes");
	CHECK_EQ(write(rdy, "w", 1), 1);
	CHECK_EQ(read(go2, &c, 1), 1);
	verify_pages(i, "child after every sibling wrote");
	fflush(stdout);
	_exit(check_failures ? 1 : 64 + i); /* 64 + i: child i succeeded */
}

static void test_share(unsigned char *heap)
{
	unsigned char stack_pat[NSTACK * PG] __attribute__((aligned(4096)));
	setup_pages(stack_pat, heap);
	long f_start = free_pages(); /* the pipes below take pages */
	int rdy[2], go1[2], go2[2];
	CHECK_EQ(pipe(rdy), 0);
	CHECK_EQ(pipe(go1), 0);
	CHECK_EQ(pipe(go2), 0);
	make_private(ex, nex); /* maps every page make_private will touch */
	long f0 = free_pages();
	struct lde_procinfo pi0, pi1;
	CHECK_EQ(proc_get(0, &pi0), 0);

	pid_t pid[NCHILD];
	for (int i = 0; i < NCHILD; i++) {
		pid[i] = fork();
		CHECK(pid[i] >= 0);
		if (pid[i] == 0)
			share_child(i, rdy[1], go1[0], go2[0]);
	}
	make_private(ex, nex); /* our own writes from here on allocate nothing */
	char buf[NCHILD];
	CHECK_EQ(read_all(rdy[0], buf, NCHILD), NCHILD);
	/* All 30 children are alive and have only read the pattern pages:
	 * each of those pages is shared by 31 processes. */
	long f1 = free_pages();
	memset(buf, 'g', sizeof buf);
	CHECK_EQ(write_all(go1[1], buf, NCHILD), NCHILD);
	CHECK_EQ(read_all(rdy[0], buf, NCHILD), NCHILD);
	long f2 = free_pages();
	long written = 0;
	for (int i = 0; i < NCHILD; i++)
		for (int j = 0; j < NPAT; j++)
			written += writes(i, j);
	/* One new page per page written by a child, none for pages only read. */
	CHECK_EQ(f1 - f2, written);
	verify_pages(-1, "parent while children hold their copies");
	CHECK_EQ(write_all(go2[1], buf, NCHILD), NCHILD);
	int ok = 0;
	for (int n = 0; n < NCHILD; n++) {
		int st = -1;
		pid_t got = wait(&st);
		int idx = -1;
		for (int i = 0; i < NCHILD; i++)
			if (pid[i] == got)
				idx = i;
		CHECK(idx >= 0);
		if (idx < 0)
			continue;
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 64 + idx);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 64 + idx;
	}
	verify_pages(-1, "parent after all children exited");
	long f3 = free_pages();
	CHECK_EQ(proc_get(0, &pi1), 0);
	CHECK_EQ(f3, f0);
	CHECK_EQ(pi1.pages, pi0.pages);
	printf("cow: %d pages shared by %d children at once: %ld copies for %ld pages written, "
	       "%d children succeeded; free pages %ld before, %ld after; parent's pages %lu, %lu\n",
	       NPAT, NCHILD, f1 - f2, written, ok, f0, f3, (unsigned long)pi0.pages,
	       (unsigned long)pi1.pages);

	/* Refcount 1: nobody shares these pages any more, but they are still
	 * marked copy-on-write in our page table. Writing them re-enables
	 * write access on the same page: no page allocated (and none leaked). */
	long fa = free_pages();
	for (int j = 0; j < NPAT; j++)
		fill_page(pages[j], 7, j);
	long fb = free_pages();
	CHECK_EQ(fb, fa);
	for (int j = 0; j < NPAT; j++)
		CHECK_EQ(page_differs(pages[j], 7, j), -1);
	printf("cow: writing %d formerly shared pages took %ld pages\n", NPAT, fa - fb);

	/* Refcount 1 while the other sharer lives: a child writes (copies)
	 * every pattern page, then our own writes allocate nothing. */
	for (int j = 0; j < NPAT; j++)
		fill_page(pages[j], 0, j);
	pid_t c = fork();
	if (c == 0) {
		make_private(ex, nex);
		char x;
		for (int j = 0; j < NPAT; j++)
			fill_page(pages[j], 9, j);
		CHECK_EQ(write(rdy[1], "c", 1), 1);
		CHECK_EQ(read(go1[0], &x, 1), 1);
		for (int j = 0; j < NPAT; j++)
			CHECK_EQ(page_differs(pages[j], 9, j), -1);
		child_done();
	}
	make_private(ex, nex);
	CHECK_EQ(read(rdy[0], buf, 1), 1);
	fa = free_pages();
	for (int j = 0; j < NPAT; j++) {
		CHECK_EQ(page_differs(pages[j], 0, j), -1);
		fill_page(pages[j], 8, j);
	}
	fb = free_pages();
	CHECK_EQ(fb, fa);
	CHECK_EQ(write(go1[1], "g", 1), 1);
	CHECK_EQ(reap(c), 0);
	for (int j = 0; j < NPAT; j++)
		CHECK_EQ(page_differs(pages[j], 8, j), -1);
	printf("cow: a page the other sharer already copied is written in place (%ld pages)\n",
	       fa - fb);
	for (int i = 0; i < 2; i++) {
		close(rdy[i]);
		close(go1[i]);
		close(go2[i]);
	}
	CHECK_EQ(free_pages(), f_start);
}

/* A chain parent -> child -> grandchild -> great-grandchild, all forked
 * before anyone writes: the pattern pages are shared 4 ways. The deepest
 * writes first; each level then checks that it still sees what it saw,
 * writes its own, and exits with 20 + depth on success. With
 * copy_first, the child writes before forking on: the grandchildren then
 * share the child's copy, not the parent's pages. */
static void chain_level(int copy_first)
{
	if (copy_first)
		for (int j = 0; j < NPAT; j++)
			fill_page(pages[j], 51, j);
	int depth = 1;
	pid_t next = 0;
	while (depth < 3 && (next = fork()) == 0)
		depth++; /* in the new child, one level deeper */
	if (depth < 3) {
		CHECK(next > 0);
		int st = reap(next);
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 20 + depth + 1);
	}
	/* What this level must see: the parent's pattern, or the child's copy. */
	unsigned seen = copy_first ? 51 : 0;
	for (int j = 0; j < NPAT; j++) {
		long k = page_differs(pages[j], seen, j);
		if (k >= 0) {
			printf("FAIL: chain depth %d page %d differs at %ld\n", depth, j, k);
			check_failures++;
		}
	}
	for (int j = 0; j < NPAT; j++)
		fill_page(pages[j], 60 + (unsigned)depth, j);
	for (int j = 0; j < NPAT; j++)
		CHECK_EQ(page_differs(pages[j], 60 + (unsigned)depth, j), -1);
	fflush(stdout);
	_exit(check_failures ? 1 : 20 + depth);
}

static void test_chain(unsigned char *heap)
{
	unsigned char stack_pat[NSTACK * PG] __attribute__((aligned(4096)));
	setup_pages(stack_pat, heap);
	make_private(ex, nex);
	long f0 = free_pages();
	for (int copy_first = 0; copy_first < 2; copy_first++) {
		for (int j = 0; j < NPAT; j++)
			fill_page(pages[j], 0, j);
		pid_t c = fork();
		if (c == 0)
			chain_level(copy_first);
		int st = reap(c);
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 21);
		for (int j = 0; j < NPAT; j++)
			CHECK_EQ(page_differs(pages[j], 0, j), -1);
		CHECK_EQ(free_pages(), f0);
		printf("cow: chain of forks 3 deep%s: each level kept its own pages (status %d)\n",
		       copy_first ? ", sharing the child's copy" : "",
		       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
}

/* ---- race ------------------------------------------------------------ */

#define NW 20 /* writers forked by the runner */
#define NM 4  /* middles: each forks 2 writers and exits at once */
#define NGC (2 * NM)
#define NRP 8	  /* shared pages */
#define NWORDS 64 /* words of each page the writers use */

static unsigned long rng = 0x2545f4914f6cdd1dUL; /* fixed seed */
static unsigned long rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned long *rpages; /* NRP pages in the runner's heap */
static int is_init;	      /* pid 1: the orphaned writers come to us */
static int orphan_fd = -1;    /* where an orphaned writer that finishes reports */

/* What an orphaned writer (a grandchild) that finished says, just before
 * its _exit: by then its parent, a middle, is gone. */
struct orphan_report {
	int idx;  /* 0..NGC-1 */
	int ppid; /* getppid(): init's pid, 1 */
	long bad; /* wrong words it saw; it exits 0 iff none */
};

static unsigned long base_word(int j, int k)
{
	return 0x5a5a000000000000UL | (unsigned long)j << 16 | (unsigned long)k;
}

static void fill_race_pages(void)
{
	for (int j = 0; j < NRP; j++)
		for (int k = 0; k < (int)(PG / 8); k++)
			rpages[j * (PG / 8) + k] = base_word(j, k);
}

/* Every word holds the original, except those this process wrote. */
static long check_race_pages(unsigned long last[NRP][NWORDS], int full)
{
	long bad = 0;
	for (int j = 0; j < NRP; j++) {
		volatile unsigned long *w = rpages + j * (PG / 8);
		for (int k = 0; k < NWORDS; k++) {
			unsigned long want = last[j][k] ? last[j][k] : base_word(j, k);
			bad += w[k] != want;
		}
		if (full)
			for (int k = NWORDS; k < (int)(PG / 8); k++)
				bad += w[k] != base_word(j, k);
	}
	return bad;
}

/* Writer i (0..NW-1 the runner's children, then the grandchildren) never
 * stops by itself if this holds: it can only end killed. */
static int endless(int i) { return i % 4 == 0; }

/* A writer: rounds of writing one word in each of its pages (every other
 * page: the rest it only reads) and checking every word it uses; rounds < 0:
 * until killed. */
static void writer(int id, long rounds)
{
	unsigned long last[NRP][NWORDS];
	memset(last, 0, sizeof last);
	long bad = 0;
	for (long r = 0; rounds < 0 || r < rounds; r++) {
		int k = (int)(r % NWORDS);
		for (int j = 0; j < NRP; j++) {
			if ((j + id) % 2)
				continue;
			unsigned long v = (unsigned long)(id + 1) << 32 | (unsigned long)(r + 1);
			rpages[j * (PG / 8) + k] = v;
			last[j][k] = v;
		}
		bad += check_race_pages(last, 0);
		if (bad && rounds < 0) {
			printf("FAIL: writer %d: wrong words in round %ld\n", id, r);
			fflush(stdout);
			_exit(1);
		}
	}
	bad += check_race_pages(last, 1);
	if (bad)
		printf("FAIL: writer %d: %ld wrong words\n", id, bad);
	fflush(stdout);
	if (id >= NW) {
		/* An orphan-to-be: report once the middle is gone (it exits at
		 * once, so this wait is short and bounded). */
		long end = uptime() + 3000;
		while (getppid() != 1 && uptime() < end)
			usleep(1000);
		struct orphan_report r = { id - NW, getppid(), bad };
		write_all(orphan_fd, &r, sizeof r);
	}
	_exit(bad ? 1 : 0);
}

static long writer_rounds(void) { return 1 + (long)(rnd() % 8000); }

static void race_runner(int report_fd)
{
	rpages = sbrk(NRP * PG);
	CHECK(rpages != (void *)-1);
	fill_race_pages();
	long rounds[NW + NGC];
	for (int i = 0; i < NW + NGC; i++)
		rounds[i] = endless(i) ? -1 : writer_rounds();
	int gp[2];
	CHECK_EQ(pipe(gp), 0);
	pid_t w[NW + NGC], mid[NM];
	for (int i = 0; i < NW; i++) {
		w[i] = fork();
		CHECK(w[i] >= 0);
		if (w[i] == 0) {
			close(report_fd); /* end-of-file there when the runner is gone */
			writer(i, rounds[i]);
		}
	}
	for (int m = 0; m < NM; m++) {
		mid[m] = fork();
		CHECK(mid[m] >= 0);
		if (mid[m] == 0) {
			pid_t g[3] = { m }; /* which middle, its two children */
			for (int n = 0; n < 2; n++) {
				g[1 + n] = fork();
				if (g[1 + n] == 0) {
					close(report_fd);
					writer(NW + 2 * m + n, rounds[NW + 2 * m + n]);
				}
			}
			CHECK_EQ(write(gp[1], g, sizeof g), (long)sizeof g);
			/* A few writes of our own, then exit while our children
			 * (and everyone else) still share the pages. */
			for (int j = 0; j < NRP; j++)
				rpages[j * (PG / 8) + NWORDS + m] = 1;
			_exit(0);
		}
	}
	for (int n = 0; n < NM; n++) {
		pid_t g[3];
		CHECK_EQ(read_all(gp[0], g, sizeof g), (long)sizeof g); /* in any order */
		if (g[0] >= 0 && g[0] < NM) {
			w[NW + 2 * g[0]] = g[1];
			w[NW + 2 * g[0] + 1] = g[2];
		}
	}
	/* Tell our parent which grandchildren init will inherit. */
	CHECK_EQ(write_all(report_fd, &w[NW], NGC * sizeof(pid_t)), NGC * (long)sizeof(pid_t));

	/* Kill the endless writers and half of the others, in a random
	 * order, at random moments, writing the shared pages ourselves in
	 * between. */
	int order[NW + NGC], killed[NW + NGC], nkill = 0;
	for (int i = 0; i < NW + NGC; i++) {
		killed[i] = 0;
		if (endless(i) || rnd() % 2)
			order[nkill++] = i;
	}
	for (int i = nkill - 1; i > 0; i--) {
		int j = (int)(rnd() % (unsigned long)(i + 1));
		int t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	unsigned long mine[NRP][NWORDS];
	memset(mine, 0, sizeof mine);
	for (int n = 0; n < nkill; n++) {
		int v = order[n];
		unsigned long delay = rnd() % 24000; /* µs; a quarter of the kills at once */
		if (delay < 6000)
			yield();
		else
			usleep((useconds_t)delay);
		int j = (int)(rnd() % NRP), k = (int)(rnd() % NWORDS);
		unsigned long val = 0xabcd000000000000UL | (unsigned long)n;
		rpages[j * (PG / 8) + k] = val;
		mine[j][k] = val;
		int r = kill(w[v], SIGKILL);
		/* An orphaned grandchild that finished may be reaped already. */
		CHECK(r == 0 || (v >= NW && !endless(v) && errno == ESRCH));
		killed[v] = 1;
	}
	/* And which of them we killed. */
	CHECK_EQ(write_all(report_fd, &killed[NW], NGC * sizeof(int)), NGC * (long)sizeof(int));
	int exited = 0, sigkilled = 0, endless_killed = 0;
	for (int n = 0; n < NW + NM; n++) {
		int st = -1;
		pid_t got = wait(&st);
		int idx = -1;
		for (int i = 0; i < NW; i++)
			if (w[i] == got)
				idx = i;
		int is_mid = 0;
		for (int m = 0; m < NM; m++)
			is_mid |= mid[m] == got;
		if (is_mid) {
			CHECK_EQ(st, 0);
			continue;
		}
		CHECK(idx >= 0);
		if (idx < 0)
			continue;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && !endless(idx)) {
			exited++;
		} else if (killed[idx] && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
			sigkilled++;
			endless_killed += endless(idx);
		} else {
			printf("FAIL: writer %d (pid %d, %s) ended with status 0x%x\n", idx,
			       (int)got, killed[idx] ? "killed" : "not killed", st);
			check_failures++;
		}
	}
	CHECK_EQ(wait(NULL), -1);
	/* Our own view: the original words, our writes, and the middles'
	 * writes are not ours (they wrote their copies). */
	long bad = 0;
	for (int j = 0; j < NRP; j++)
		for (int k = 0; k < (int)(PG / 8); k++) {
			unsigned long want =
				k < NWORDS && mine[j][k] ? mine[j][k] : base_word(j, k);
			bad += rpages[j * (PG / 8) + k] != want;
		}
	CHECK_EQ(bad, 0);
	printf("race: %d writers: %d finished, %d killed while writing (%d endless ones among them)\n",
	       NW, exited, sigkilled, endless_killed);
	child_done();
}

static void test_race(void)
{
	pid_t runner;
	long f0 = free_pages();
	int rep[2], orp[2];
	CHECK_EQ(pipe(rep), 0);
	CHECK_EQ(pipe(orp), 0);
	runner = fork();
	if (runner == 0) {
		close(rep[0]);
		close(orp[0]);
		orphan_fd = orp[1];
		race_runner(rep[1]);
	}
	close(rep[1]);
	close(orp[1]);
	pid_t gc[NGC];
	int killed[NGC] = { 0 }, gst[NGC];
	CHECK_EQ(read_all(rep[0], gc, sizeof gc), (long)sizeof gc);
	/* Which ones the runner killed (short if it failed before that). */
	CHECK_EQ(read_all(rep[0], killed, sizeof killed), (long)sizeof killed);
	close(rep[0]);
	for (int i = 0; i < NGC; i++)
		gst[i] = -1;
	int seen_runner = 0, orphans = 0, orphans_ok = 0;
	if (is_init) {
		/* We are init: the grandchildren whose parents exited are ours now. */
		for (;;) {
			int st = -1;
			pid_t got = wait(&st);
			if (got < 0) {
				CHECK_EQ(errno, ECHILD);
				break;
			}
			if (got == runner) {
				seen_runner++;
				CHECK_EQ(st, 0);
				if (st != 0) /* it may not have killed the endless ones */
					for (int i = 0; i < NGC; i++)
						kill(gc[i], SIGKILL);
				continue;
			}
			int idx = -1;
			for (int i = 0; i < NGC; i++)
				if (gc[i] == got)
					idx = i;
			CHECK(idx >= 0);
			orphans++;
			if (idx >= 0)
				gst[idx] = st;
			else
				printf("FAIL: wait returned %d (status 0x%x), not one of ours\n",
				       (int)got, st);
		}
	} else {
		/* The orphans are the system's init's: only the runner is ours. */
		int st = reap(runner);
		seen_runner += st != -1;
		CHECK_EQ(st, 0);
		if (st != 0)
			for (int i = 0; i < NGC; i++)
				kill(gc[i], SIGKILL);
		errno = 0;
		CHECK_EQ(wait(NULL), -1);
		CHECK_EQ(errno, ECHILD);
	}
	/* The reports of the orphans that finished; end-of-file once every
	 * writer is gone. */
	int reported[NGC] = { 0 }, report_ok[NGC] = { 0 };
	struct orphan_report r;
	while (read_all(orp[0], &r, sizeof r) == (long)sizeof r) {
		if (r.idx < 0 || r.idx >= NGC || reported[r.idx]++) {
			printf("FAIL: bad or repeated orphan report %d\n", r.idx);
			check_failures++;
			continue;
		}
		report_ok[r.idx] = r.ppid == 1 && r.bad == 0;
		if (!report_ok[r.idx])
			printf("FAIL: grandchild %d (writer %d) finished with parent %d, %ld wrong words\n",
			       (int)gc[r.idx], NW + r.idx, r.ppid, r.bad);
	}
	close(orp[0]);
	for (int i = 0; i < NGC; i++) {
		if (!is_init) {
			/* Dead or not yet, init must reap it. */
			if (wait_state(gc[i], -1, 5000) == 0)
				orphans++;
			else
				printf("FAIL: grandchild %d still listed: not reaped by init\n",
				       (int)gc[i]);
		}
		/* Killed or not (the runner's kill may come after it finished),
		 * a grandchild either finished cleanly, and said so with init
		 * as its parent by then, or was killed by the runner; an
		 * endless one can only have been killed. As init we see its
		 * status too: exit 0 iff it finished, else SIGKILL. */
		int ok = reported[i] ? report_ok[i] && !endless(NW + i) : killed[i];
		if (is_init) {
			int sigkill = WIFSIGNALED(gst[i]) && WTERMSIG(gst[i]) == SIGKILL;
			int clean = WIFEXITED(gst[i]) && WEXITSTATUS(gst[i]) == 0;
			ok = ok && gst[i] != -1 && (clean ? reported[i] : sigkill && killed[i]);
		}
		if (ok)
			orphans_ok++;
		else
			printf("FAIL: grandchild %d: reported %d, killed %d, status 0x%x\n",
			       (int)gc[i], reported[i], killed[i], gst[i]);
	}
	CHECK_EQ(seen_runner, 1);
	CHECK_EQ(orphans, NGC);
	CHECK_EQ(orphans_ok, NGC);
	long f1 = free_pages();
	CHECK_EQ(f1, f0);
	printf("race: %d orphaned writers reaped by init; free pages %ld before, %ld after\n",
	       orphans, f0, f1);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "share";
	is_init = getppid() == 0;
	if (is_init)
		CHECK_EQ(getpid(), 1);
	deep_warm();
	long before = free_pages();
	if (!strcmp(mode, "share")) {
		unsigned char *heap = sbrk(NHEAP * PG);
		CHECK(heap != (void *)-1);
		test_share(heap);
		test_chain(heap);
		CHECK(sbrk(-NHEAP * PG) == heap + NHEAP * PG);
	} else if (!strcmp(mode, "race")) {
		int rounds = argc > 2 ? atoi(argv[2]) : 3;
		for (int round = 0; round < rounds; round++)
			test_race();
	} else {
		printf("FAIL: t_cow: unknown mode %s\n", mode);
		return 2;
	}
	CHECK_EQ(free_pages(), before);
	return check_exit("t_cow");
}
