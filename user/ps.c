/* ps: every process with its accounting, from the kernel's procinfo call.
 * UID is the real user id (with no set-user-ID programs, the effective
 * one is the same). PRI and NI are its priority: NI the nice value
 * (-20..19), PRI 20 + NI (0 the most favoured; docs/scheduling.md).
 * UTIME and STIME are CPU time in U- and S-mode (ms), SYSC the system calls
 * made, VCSW/IVCSW voluntary and involuntary context switches, PAGES the
 * memory it makes the kernel hold (user pages, page tables and its heap
 * promise: what the out-of-memory killer compares). */
#include <stdio.h>
#include "lde.h"

static const char *state_name(int s)
{
	static const char *names[] = { "unused",   "runnable", "running",
				       "sleeping", "zombie",   "stopped" };
	return s >= 0 && s <= LDE_P_STOPPED ? names[s] : "?";
}

int main(void)
{
	static struct lde_procinfo info[64];
	int n = procinfo(-1, info, 64);
	if (n < 0) {
		perror("ps: procinfo");
		return 1;
	}
	printf("  PID  PPID   UID STATE     NAME         PRI  NI  UTIME   STIME  SYSC   VCSW  IVCSW "
	       "PAGES WAIT\n");
	for (int i = 0; i < n; i++) {
		struct lde_procinfo *p = &info[i];
		printf("%5d %5d %5u %-9s %-12s %3d %3d %6lu  %6lu %5lu %6lu %6lu %5lu %s\n", p->pid,
		       p->ppid, (unsigned)p->uid, state_name(p->state), p->name, p->pri, p->nice,
		       (unsigned long)(p->utime_us / 1000), (unsigned long)(p->stime_us / 1000),
		       (unsigned long)p->syscalls, (unsigned long)p->vcsw, (unsigned long)p->ivcsw,
		       (unsigned long)p->pages, p->state == LDE_P_SLEEPING ? p->wchan : "-");
	}
	return 0;
}
