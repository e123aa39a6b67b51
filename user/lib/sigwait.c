/* The signal calls that wait or send (docs/signals.md): sigpending,
 * sigsuspend, pause, raise, killpg, alarm, ualarm, waitpid. Apart from
 * signal.c, so that a program linking sigaction alone does not carry
 * them. */
#include "lde.h"
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static long check(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int sigpending(sigset_t *set) { return (int)check(lde_sys_sigpending(set)); }
int sigsuspend(const sigset_t *mask) { return (int)check(lde_sys_sigsuspend(mask)); }

int pause(void)
{
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	return sigsuspend(&now);
}

int raise(int sig) { return kill(getpid(), sig); }
int killpg(pid_t pgrp, int sig) { return kill(-pgrp, sig); }

unsigned long ualarm(unsigned long us, unsigned long interval_us)
{
	long r = lde_sys_alarm(us, interval_us);
	return r < 0 ? 0 : (unsigned long)r;
}

unsigned alarm(unsigned seconds)
{
	unsigned long left = ualarm((unsigned long)seconds * 1000000UL, 0);
	return (unsigned)((left + 999999) / 1000000);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return (pid_t)check(lde_sys_waitpid(pid, status, options));
}
