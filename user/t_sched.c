/* Priorities and the scheduler that uses them (docs/scheduling.md). Run as
 * init (root: it may lower nice values), under -icount for the timed
 * modes, where the guest's clock is its instruction count and every figure
 * repeats exactly:
 *   t_sched api
 *       nice, getpriority and setpriority as POSIX has them: clamping,
 *       inheritance by fork, PRIO_PGRP, errors, only root lowers a nice
 *       value, procinfo's NI and PRI, the nice and renice programs.
 *   t_sched share NA NB LO HI
 *       two spinners at nice NA and NB share the CPU for 2 s while this
 *       process sleeps; B's part of their CPU time, in per mille, must be
 *       within LO..HI.
 *   t_sched starve
 *       a spinner at nice 19 beside one at nice -20: the time between two
 *       of its turns, which it measures itself, stays under a second.
 *   t_sched heartbeat N QUANTUM_MS
 *       beside N spinners, this process sleeps 23.7 ms 40 times; each time,
 *       how late it runs again (its wake-up latency) must stay within two
 *       quanta.
 *   t_sched sleeper
 *       a spinner runs alone for a second while another process sleeps;
 *       then the sleeper spins too: its sleep earns it no run of more than
 *       a quantum or so ahead of the first, whose longest time off the CPU
 *       (it measures it itself) stays within 3 quanta (30 ms).
 *   t_sched forker
 *       this process computes alone for a second, then forks a spinner:
 *       the two take turns at once (its longest wait within 3 quanta).
 *   t_sched getnice
 *       exit with status 20 + its nice value (for api, through nice). */
#include <sys/resource.h>
#include "t_util.h"

#define NZERO 20

static inline uint64_t rdtime(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* The timebase: rdtime's units per second (QEMU virt: 10 MHz). */
#define HZ 10000000UL

static pid_t spinner(int nice_value)
{
	pid_t pid = fork();
	if (pid == 0)
		for (;;)
			;
	CHECK(pid > 0);
	if (pid > 0)
		CHECK_EQ(setpriority(PRIO_PROCESS, (id_t)pid, nice_value), 0);
	return pid;
}

static void stop_all(pid_t *pids, int n)
{
	for (int i = 0; i < n; i++)
		CHECK_EQ(kill(pids[i], SIGKILL), 0);
	for (int i = 0; i < n; i++) {
		int st;
		CHECK(wait(&st) > 0);
	}
}

static int nice_of(pid_t pid)
{
	struct lde_procinfo pi;
	if (proc_get(pid, &pi))
		return -100;
	CHECK_EQ(pi.pri, NZERO + pi.nice);
	return pi.nice;
}

/* Run argv (from the initrd) and return its wait status. */
static int run(char **argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		exec(argv[0], argv);
		_exit(127);
	}
	int st = -1;
	CHECK_EQ(wait(&st), pid);
	return st;
}

static void api(void)
{
	/* init starts at 0; nice() returns the new value. */
	CHECK_EQ(getpriority(PRIO_PROCESS, 0), 0);
	CHECK_EQ(nice(0), 0);
	CHECK_EQ(nice(5), 5);
	CHECK_EQ(getpriority(PRIO_PROCESS, (id_t)getpid()), 5);
	CHECK_EQ(nice(-2), 3); /* root may lower it */
	CHECK_EQ(nice(100), 19);
	CHECK_EQ(nice(-1000), -20);
	/* -1 is a nice value too: errno tells an error from it. */
	CHECK_EQ(setpriority(PRIO_PROCESS, 0, -1), 0);
	errno = 0;
	CHECK_EQ(getpriority(PRIO_PROCESS, 0), -1);
	CHECK_EQ(errno, 0);
	CHECK_EQ(setpriority(PRIO_PROCESS, 0, 50), 0); /* clamped */
	CHECK_EQ(getpriority(PRIO_PROCESS, 0), 19);
	CHECK_EQ(setpriority(PRIO_PROCESS, 0, 2), 0);
	CHECK_EQ(nice_of(getpid()), 2);
	printf("sched: nice, getpriority and setpriority clamp to -20..19\n");

	/* Errors. */
	errno = 0;
	CHECK_EQ(getpriority(PRIO_PROCESS, 9999), -1);
	CHECK_EQ(errno, ESRCH);
	CHECK_EQ(setpriority(PRIO_PROCESS, 9999, 0), -1);
	CHECK_EQ(errno, ESRCH);
	CHECK_EQ(getpriority(7, 0), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(setpriority(PRIO_USER, 4242, 0), -1); /* nobody has that uid */
	CHECK_EQ(errno, ESRCH);

	/* fork inherits the nice value; a process that is not root (the child
	 * becomes uid 1000) may raise its own, never lower it, and may not
	 * touch root's; PRIO_USER names a user's processes. */
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t child = fork();
	if (child == 0) {
		close(p[0]);
		CHECK_EQ(setgid(1000), 0); /* an ordinary user from here on */
		CHECK_EQ(setuid(1000), 0);
		CHECK_EQ(getpriority(PRIO_PROCESS, 0), 2);
		CHECK_EQ(nice(3), 5);
		errno = 0;
		CHECK_EQ(nice(-1), -1);
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(setpriority(PRIO_PROCESS, 0, 4), -1);
		CHECK_EQ(errno, EACCES);
		CHECK_EQ(setpriority(PRIO_PROCESS, 0, 6), 0);
		CHECK_EQ(setpriority(PRIO_PROCESS, 1, 19), -1); /* init is root's */
		CHECK_EQ(errno, EPERM);
		CHECK_EQ(getpriority(PRIO_PROCESS, 0), 6);
		/* PRIO_USER: every process of the user (here only this one). */
		CHECK_EQ(getpriority(PRIO_USER, 1000), 6);
		CHECK_EQ(setpriority(PRIO_USER, 0, 8), 0);
		CHECK_EQ(getpriority(PRIO_PROCESS, 0), 8);
		CHECK_EQ(setpriority(PRIO_USER, 0, 7), -1);
		CHECK_EQ(errno, EACCES);
		char ok = check_failures ? 'n' : 'y';
		write(p[1], &ok, 1);
		_exit(0);
	}
	close(p[1]);
	char ok = 0;
	CHECK_EQ(read(p[0], &ok, 1), 1);
	CHECK_EQ(ok, 'y');
	close(p[0]);
	int st;
	CHECK_EQ(wait(&st), child);
	CHECK_EQ(getpriority(PRIO_PROCESS, 1), 2); /* the child's EPERM changed nothing */
	printf("sched: fork inherits nice; only root lowers it\n");

	/* PRIO_PGRP: every process of the group; getpriority gives the least. */
	pid_t a = spinner(0), b = spinner(0);
	CHECK_EQ(setpgid(a, a), 0);
	CHECK_EQ(setpgid(b, a), 0);
	CHECK_EQ(setpriority(PRIO_PGRP, (id_t)a, 7), 0);
	CHECK_EQ(nice_of(a), 7);
	CHECK_EQ(nice_of(b), 7);
	CHECK_EQ(setpriority(PRIO_PROCESS, (id_t)b, 3), 0);
	CHECK_EQ(getpriority(PRIO_PGRP, (id_t)a), 3);
	CHECK_EQ(nice_of(getpid()), 2); /* not in that group */
	/* renice, the program. */
	char pidstr[16];
	snprintf(pidstr, sizeof pidstr, "%d", a);
	char *renice[] = { "/renice", "-n", "12", "-p", pidstr, NULL };
	st = run(renice);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(nice_of(a), 12);
	stop_all((pid_t[]){ a, b }, 2);
	errno = 0;
	CHECK_EQ(getpriority(PRIO_PGRP, (id_t)a), -1);
	CHECK_EQ(errno, ESRCH);
	printf("sched: PRIO_PGRP sets a whole group\n");

	/* nice, the program: the command runs 4 above the caller's value. */
	char *nice4[] = { "/nice", "-n", "4", "t_sched", "getnice", NULL };
	st = run(nice4);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), NZERO + 2 + 4);
	char *nice_default[] = { "/nice", "t_sched", "getnice", NULL };
	st = run(nice_default);
	CHECK_EQ(WEXITSTATUS(st), NZERO + 2 + 10);
	printf("sched: nice -n 4 t_sched ran at nice %d\n", 2 + 4);

	/* ps shows PRI and NI. */
	CHECK_EQ(setpriority(PRIO_PROCESS, 0, 0), 0);
	char *niced_spin[] = { "/nice", "-n", "10", "spin", NULL };
	pid_t s = fork();
	if (s == 0) {
		exec(niced_spin[0], niced_spin);
		_exit(127);
	}
	while (nice_of(s) != 10)
		yield();
	char *ps[] = { "/ps", NULL };
	st = run(ps);
	CHECK_EQ(st, 0);
	stop_all(&s, 1);
}

/* CPU time of pid in microseconds. */
static uint64_t cpu_of(pid_t pid)
{
	struct lde_procinfo pi;
	CHECK_EQ(proc_get(pid, &pi), 0);
	return pi.cpu_us;
}

static void share(int na, int nb, long lo, long hi)
{
	pid_t pids[2] = { spinner(na), spinner(nb) };
	usleep(100000);
	uint64_t a0 = cpu_of(pids[0]), b0 = cpu_of(pids[1]);
	usleep(2000000);
	uint64_t a = cpu_of(pids[0]) - a0, b = cpu_of(pids[1]) - b0;
	long pm = a + b ? (long)(b * 1000 / (a + b)) : 0;
	printf("sched: nice %d got %lu us, nice %d got %lu us: %ld per mille to the second "
	       "(allowed %ld..%ld)\n",
	       na, (unsigned long)a, nb, (unsigned long)b, pm, lo, hi);
	CHECK(pm >= lo && pm <= hi);
	CHECK(a + b >= 1900000); /* they had (nearly) all of the 2 s */
	stop_all(pids, 2);
}

/* A spinner that watches its own clock for secs seconds; a jump of more
 * than 2 ms between two reads is a time off the CPU (a timer tick takes
 * microseconds). Reports the longest, and the number of turns, on fd. */
static void gaps(uint64_t secs, uint64_t r[2])
{
	uint64_t start = rdtime(), last = start, longest = 0, turns = 1;
	while (last - start < secs * HZ) {
		uint64_t t = rdtime();
		if (t - last > HZ / 500) {
			turns++;
			if (t - last > longest)
				longest = t - last;
		}
		last = t;
	}
	r[0] = longest * 1000000 / HZ;
	r[1] = turns;
}

static void watch_gaps(int fd, uint64_t secs)
{
	uint64_t r[2];
	gaps(secs, r);
	write(fd, r, sizeof r);
	_exit(0);
}

/* This process computes alone for a second, then forks a spinner and
 * keeps computing: the time it ran alone is no debt to the newcomer, so the
 * two take turns at once (the longest wait within 3 quanta). */
static void forker(void)
{
	uint64_t r[2];
	gaps(1, r);
	CHECK_EQ(r[1], 1); /* alone: never off the CPU */
	pid_t child = spinner(0);
	gaps(2, r);
	printf("sched: after a second alone, beside its new child: %lu turns in 2 s, longest "
	       "wait %lu us\n",
	       (unsigned long)r[1], (unsigned long)r[0]);
	CHECK(r[0] <= 30000);
	CHECK(r[1] >= 50);
	stop_all(&child, 1);
}

static void starve(void)
{
	pid_t heavy = spinner(-20);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t light = fork();
	if (light == 0) {
		close(p[0]);
		CHECK_EQ(nice(19), 19);
		watch_gaps(p[1], 5);
	}
	close(p[1]);
	/* The light one reports after 5 s of its own clock; starved, it would
	 * not get there: judge after 7 s whatever happened. */
	usleep(7000000);
	int state = proc_state(light);
	CHECK_EQ(state, LDE_P_ZOMBIE);
	if (state == LDE_P_ZOMBIE) {
		uint64_t r[2] = { 0, 0 };
		CHECK_EQ(read(p[0], r, sizeof r), (long)sizeof r);
		printf("sched: nice 19 beside nice -20: %lu turns in 5 s, longest wait %lu us\n",
		       (unsigned long)r[1], (unsigned long)r[0]);
		CHECK(r[0] < 1000000);
		CHECK(r[1] >= 5);
		int st;
		CHECK_EQ(wait(&st), light);
	} else {
		printf("FAIL: the nice-19 process had no turn for more than a second\n");
		CHECK_EQ(kill(light, SIGKILL), 0);
		int st;
		CHECK(wait(&st) > 0);
	}
	close(p[0]);
	stop_all(&heavy, 1);
}

static void sleeper(void)
{
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid_t watcher = fork();
	if (watcher == 0) {
		close(p[0]);
		watch_gaps(p[1], 3);
	}
	close(p[1]);
	pid_t late = fork();
	if (late == 0) {
		usleep(1000000);
		for (;;)
			;
	}
	CHECK(late > 0);
	uint64_t r[2] = { 0, 0 };
	CHECK_EQ(read(p[0], r, sizeof r), (long)sizeof r);
	printf("sched: a spinner beside one that slept a second: %lu turns in 3 s, longest wait "
	       "%lu us\n",
	       (unsigned long)r[1], (unsigned long)r[0]);
	CHECK(r[0] <= 30000);
	CHECK(r[1] >= 50); /* they took turns for the last 2 s */
	int st;
	CHECK_EQ(wait(&st), watcher);
	close(p[0]);
	stop_all(&late, 1);
}

#define MAX_SPIN 40
#define BEATS 40
#define BEAT_US 23700

static void heartbeat(int n, long quantum_ms)
{
	pid_t pids[MAX_SPIN];
	for (int i = 0; i < n; i++)
		pids[i] = spinner(0);
	usleep(100000); /* every spinner has had a turn */
	uint64_t worst = 0, sum = 0;
	for (int i = 0; i < BEATS; i++) {
		uint64_t t0 = rdtime();
		CHECK_EQ(usleep(BEAT_US), 0);
		uint64_t late = rdtime() - (t0 + BEAT_US * (HZ / 1000000));
		sum += late;
		if (late > worst)
			worst = late;
	}
	uint64_t limit = 2 * quantum_ms * (HZ / 1000);
	printf("sched: heartbeat beside %d spinners: wake-up latency mean %lu us, worst %lu us "
	       "(limit %lu us: 2 quanta)\n",
	       n, (unsigned long)(sum / BEATS * 1000000 / HZ),
	       (unsigned long)(worst * 1000000 / HZ), (unsigned long)(limit * 1000000 / HZ));
	CHECK(worst <= limit);
	stop_all(pids, n);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "getnice"))
		return NZERO + getpriority(PRIO_PROCESS, 0);
	if (!strcmp(mode, "api") && argc == 2)
		api();
	else if (!strcmp(mode, "share") && argc == 6)
		share(atoi(argv[2]), atoi(argv[3]), atol(argv[4]), atol(argv[5]));
	else if (!strcmp(mode, "starve") && argc == 2)
		starve();
	else if (!strcmp(mode, "sleeper") && argc == 2)
		sleeper();
	else if (!strcmp(mode, "forker") && argc == 2)
		forker();
	else if (!strcmp(mode, "heartbeat") && argc == 4 && atoi(argv[2]) > 0 &&
		 atoi(argv[2]) <= MAX_SPIN && atol(argv[3]) > 0)
		heartbeat(atoi(argv[2]), atol(argv[3]));
	else {
		printf("FAIL: t_sched: usage: t_sched api | share NA NB LO HI | starve | sleeper | forker | "
		       "heartbeat N QUANTUM_MS | getnice\n");
		return 2;
	}
	return check_exit("t_sched");
}
