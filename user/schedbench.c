/* schedbench: the notes' scheduling workloads under the running policy
 * (sched=fair or sched=rr), with the notes' two measures for each job:
 *   turnaround = completion - arrival,   response = first run - arrival.
 * Every job is a child process; its arrival is the moment the parent forks
 * it, its first run the child's first instruction, its work a loop of a
 * fixed number of iterations (calibrated at the start to milliseconds of
 * CPU), so that under -icount every figure is exact and repeats
 * (`make schedbench` runs it under both policies: scripts/schedbench.py).
 *
 *   batch        one long job (200 ms of CPU) and four short ones (40 ms),
 *                all arriving together;
 *   batch_niced  the same, with the long job at nice 10;
 *   arrivals     four CPU-bound hogs run; five short jobs (15 ms) arrive
 *                50 ms apart;
 *   interactive  eight hogs run; an interactive job sleeps 20 ms and then
 *                computes 1 ms, 20 times: each burst is a job, arriving
 *                when its sleep ends.
 * Prints one line per workload:
 *   SCHEDBENCH name jobs mean_turnaround_us mean_response_us
 * and, run from the shell, a small table. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lde.h"

#define HZ 10000000UL /* rdtime's units per second (QEMU virt) */
#define MAX_JOBS 32

static inline uint64_t rdtime(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static uint64_t iters_per_ms;

static void work(uint64_t iters)
{
	for (volatile uint64_t i = 0; i < iters; i++)
		;
}

/* Alone on the CPU: how many iterations make a millisecond. */
static void calibrate(void)
{
	const uint64_t n = 2000000;
	uint64_t t0 = rdtime();
	work(n);
	uint64_t dt = rdtime() - t0;
	iters_per_ms = n * (HZ / 1000) / (dt ? dt : 1);
}

struct report {
	uint64_t idx, first, done; /* first and done: rdtime */
};

struct job {
	pid_t pid;
	uint64_t arrival;
};

static int reports[2];
static int verbose; /* -v: every job's figures */

/* Fork a job of ms of CPU at the given nice value; it reports its first
 * run and completion on the pipe. */
static struct job start_job(int idx, uint64_t ms, int nice_value)
{
	struct job j = { 0, rdtime() };
	fflush(stdout);
	j.pid = fork();
	if (j.pid == 0) {
		struct report r = { (uint64_t)idx, rdtime(), 0 };
		if (nice_value)
			setpriority(PRIO_PROCESS, 0, nice_value);
		work(ms * iters_per_ms);
		r.done = rdtime();
		write(reports[1], &r, sizeof r);
		_exit(0);
	}
	return j;
}

static pid_t hog(void)
{
	pid_t pid = fork();
	if (pid == 0)
		for (;;)
			;
	return pid;
}

struct result {
	const char *name;
	int jobs;
	uint64_t turnaround, response; /* sums, rdtime units */
};

/* Wait for n jobs (their reports come in completion order). */
static void collect(struct job *jobs, int n, struct result *res)
{
	for (int k = 0; k < n; k++) {
		struct report r;
		if (read(reports[0], &r, sizeof r) != sizeof r) {
			printf("schedbench: lost a report\n");
			exit(1);
		}
		if (r.idx >= (uint64_t)n) {
			printf("schedbench: bad report\n");
			exit(1);
		}
		if (verbose)
			printf("  %s job %lu: first run %lu us, done %lu us after its arrival\n",
			       res->name, (unsigned long)r.idx,
			       (unsigned long)((r.first - jobs[r.idx].arrival) * 1000000 / HZ),
			       (unsigned long)((r.done - jobs[r.idx].arrival) * 1000000 / HZ));
		res->turnaround += r.done - jobs[r.idx].arrival;
		res->response += r.first - jobs[r.idx].arrival;
		res->jobs++;
	}
	for (int k = 0; k < n; k++)
		wait(NULL);
}

static void stop_hogs(pid_t *hogs, int n)
{
	for (int i = 0; i < n; i++)
		kill(hogs[i], SIGKILL);
	for (int i = 0; i < n; i++)
		wait(NULL);
}

static void batch(struct result *res, int long_nice)
{
	struct job jobs[5];
	jobs[0] = start_job(0, 200, long_nice);
	for (int i = 1; i < 5; i++)
		jobs[i] = start_job(i, 40, 0);
	collect(jobs, 5, res);
}

static void arrivals(struct result *res)
{
	pid_t hogs[4];
	for (int i = 0; i < 4; i++)
		hogs[i] = hog();
	struct job jobs[5];
	for (int i = 0; i < 5; i++) {
		jobs[i] = start_job(i, 15, 0);
		usleep(50000);
	}
	collect(jobs, 5, res);
	stop_hogs(hogs, 4);
}

static void interactive(struct result *res)
{
	pid_t hogs[8];
	for (int i = 0; i < 8; i++)
		hogs[i] = hog();
	usleep(100000); /* the hogs have all had a turn */
	for (int i = 0; i < 20; i++) {
		uint64_t t0 = rdtime();
		usleep(20000);
		uint64_t arrival = t0 + 20000 * (HZ / 1000000), first = rdtime();
		work(iters_per_ms);
		uint64_t done = rdtime();
		res->turnaround += done - arrival;
		res->response += first - arrival;
		res->jobs++;
	}
	stop_hogs(hogs, 8);
}

static uint64_t us(uint64_t t) { return t * 1000000 / HZ; }

int main(int argc, char **argv)
{
	verbose = argc > 1 && !strcmp(argv[1], "-v");
	calibrate();
	if (pipe(reports)) {
		perror("schedbench: pipe");
		return 1;
	}
	struct result res[4] = { { "batch", 0, 0, 0 },
				 { "batch_niced", 0, 0, 0 },
				 { "arrivals", 0, 0, 0 },
				 { "interactive", 0, 0, 0 } };
	batch(&res[0], 0);
	batch(&res[1], 10);
	arrivals(&res[2]);
	interactive(&res[3]);
	printf("workload        jobs  mean turnaround (ms)  mean response (ms)\n");
	for (int i = 0; i < 4; i++) {
		uint64_t t = us(res[i].turnaround / res[i].jobs) / 100;
		uint64_t r = us(res[i].response / res[i].jobs) / 100;
		printf("%-14s %5d %19lu.%lu %17lu.%lu\n", res[i].name, res[i].jobs,
		       (unsigned long)(t / 10), (unsigned long)(t % 10), (unsigned long)(r / 10),
		       (unsigned long)(r % 10));
	}
	for (int i = 0; i < 4; i++)
		printf("SCHEDBENCH %s %d %lu %lu\n", res[i].name, res[i].jobs,
		       (unsigned long)us(res[i].turnaround / res[i].jobs),
		       (unsigned long)us(res[i].response / res[i].jobs));
	return 0;
}
