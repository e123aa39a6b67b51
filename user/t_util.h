/* Helpers shared by the process tests (user/t_*.c): memory and process
 * probes, child exits that flush, and a wait that checks what it reaps.
 * Everything is static: each test program includes this once. */
#pragma once
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "lde.h"

/* A child counts only its own failed checks: the count it inherits from
 * the parent is reset, so that child_done() reports the child alone. */
static inline pid_t fork_fresh(void)
{
	pid_t pid = (fork)();
	if (pid == 0)
		check_failures = 0;
	return pid;
}
#define fork() fork_fresh()

/* Free pages nobody was promised (sbrk's lazy heap pages are): what
 * anyone may still take right now, or -1. */
static inline long free_pages(void)
{
	struct lde_meminfo mi;
	if (meminfo(&mi) < 0)
		return -1;
	return (long)(mi.free_pages - mi.promised_pages);
}

/* Free physical pages, promised ones included: what was taken is what
 * this count lost. -1 on error. */
static inline long phys_free_pages(void)
{
	struct lde_meminfo mi;
	if (meminfo(&mi) < 0)
		return -1;
	return (long)mi.free_pages;
}

/* The state of pid (enum lde_proc_state), or -1 if it does not exist. */
static inline int proc_state(int pid)
{
	struct lde_procinfo pi;
	if (procinfo(pid, &pi, 1) != 1)
		return -1;
	return pi.state;
}

/* Fill *pi for pid; 0 on success. */
static inline int proc_get(int pid, struct lde_procinfo *pi)
{
	return procinfo(pid, pi, 1) == 1 ? 0 : -1;
}

/* Is pid listed by procinfo(-1, ...)? */
static inline int proc_listed(int pid)
{
	static struct lde_procinfo all[128];
	int n = procinfo(-1, all, 128);
	for (int i = 0; i < n; i++)
		if (all[i].pid == pid)
			return 1;
	return 0;
}

/* Poll until pid is in state st (or gone if st < 0); up to ms milliseconds.
 * Returns 0 when reached, -1 on timeout. */
static inline int wait_state(int pid, int st, long ms)
{
	long end = uptime() + ms;
	while (uptime() < end) {
		if (proc_state(pid) == st)
			return 0;
		usleep(1000);
	}
	return proc_state(pid) == st ? 0 : -1;
}

/* Exit a child: its failed checks make its status 1. stdout is flushed
 * at each newline, so FAIL lines are already out. */
static inline void child_done(void)
{
	fflush(stdout);
	_exit(check_failures ? 1 : 0);
}

/* wait() that must reap exactly pid; returns its status word (or -1). */
static inline int reap(pid_t pid)
{
	int st = -1;
	pid_t got = wait(&st);
	CHECK_EQ(got, pid);
	return got == pid ? st : -1;
}

/* Touch some stack and make the first calls of the functions used later,
 * so that the caller's own page count stays put during a memory check.
 * Not inlined: its buffer must lie below main's frame, where the tests'
 * frames will be. */
static __attribute__((noinline, unused)) void warm_up(void)
{
	volatile char buf[32768];
	for (unsigned i = 0; i < sizeof buf; i += 512)
		buf[i] = (char)i;
	struct lde_procinfo pi;
	(void)procinfo(0, &pi, 1);
	(void)proc_listed(getpid());
	(void)free_pages();
}

/* Write/read exactly n bytes (pipes may transfer less per call). */
static inline long write_all(int fd, const void *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = write(fd, (const char *)buf + done, n - done);
		if (r <= 0)
			return done ? (long)done : (long)r;
		done += (size_t)r;
	}
	return (long)done;
}

static inline long read_all(int fd, void *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = read(fd, (char *)buf + done, n - done);
		if (r <= 0)
			return done ? (long)done : (long)r;
		done += (size_t)r;
	}
	return (long)done;
}

/* A CPU-bound loop the compiler cannot remove. */
static inline void burn(unsigned long n)
{
	volatile unsigned long x = 0;
	for (unsigned long i = 0; i < n; i++)
		x += i;
}
