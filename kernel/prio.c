/* Priorities: the nice value of the notes' "priority" in the proc
 * structure, and the system calls that read and change it (nice,
 * getpriority, setpriority, with POSIX's rules). What the value does is the
 * scheduler's business (sched.c, the fair policy; docs/scheduling.md). */
#include "errno.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"

static int clamp_nice(long nice)
{
	return nice < LDE_NICE_MIN ? LDE_NICE_MIN : nice > LDE_NICE_MAX ? LDE_NICE_MAX : (int)nice;
}

/* Whether current may change p's nice value at all: root, or current's
 * effective uid is p's real or effective uid (POSIX's rule). */
static bool may_renice(const struct proc *p)
{
	return proc_is_root(current) || current->euid == p->uid || current->euid == p->euid;
}

/* Lowering a nice value (a larger share) is root's alone. */
static int set_nice(struct proc *p, int nice, int deny)
{
	if (nice < p->nice && !proc_is_root(current))
		return deny;
	if (nice != p->nice)
		sched_set_nice(p, nice);
	return 0;
}

long sys_nice(int incr)
{
	int err = set_nice(current, clamp_nice((long)current->nice + incr), -EPERM);
	return err ? err : LDE_NZERO + current->nice;
}

/* Whether p is one of what (which, who) names; who 0 is the caller's own
 * (process, group, or real user id). */
static bool selected(const struct proc *p, int which, int who)
{
	if (p->state == P_UNUSED || p->state == P_ZOMBIE)
		return false;
	if (which == LDE_PRIO_PROCESS)
		return p->pid == (who ? who : current->pid);
	if (which == LDE_PRIO_USER)
		return p->uid == (who ? who : current->uid);
	return p->pgid == (who ? who : current->pgid);
}

static int check_which(int which, int who)
{
	if (which != LDE_PRIO_PROCESS && which != LDE_PRIO_PGRP && which != LDE_PRIO_USER)
		return -EINVAL;
	return who < 0 ? -ESRCH : 0;
}

/* The least nice value (the highest priority) of those named. */
long sys_getpriority(int which, int who)
{
	int err = check_which(which, who);
	if (err)
		return err;
	int best = LDE_NICE_MAX + 1;
	for (int i = 0; i < NPROC; i++)
		if (selected(&proc_table[i], which, who) && proc_table[i].nice < best)
			best = proc_table[i].nice;
	return best > LDE_NICE_MAX ? -ESRCH : LDE_NZERO + best;
}

/* All named processes or none: the permissions are checked first. */
long sys_setpriority(int which, int who, int prio)
{
	int err = check_which(which, who);
	if (err)
		return err;
	int nice = clamp_nice(prio);
	bool found = false;
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &proc_table[i];
		if (!selected(p, which, who))
			continue;
		found = true;
		if (!may_renice(p))
			return -EPERM;
		if (nice < p->nice && !proc_is_root(current))
			return -EACCES;
	}
	if (!found)
		return -ESRCH;
	for (int i = 0; i < NPROC; i++)
		if (selected(&proc_table[i], which, who))
			set_nice(&proc_table[i], nice, -EACCES);
	return 0;
}
