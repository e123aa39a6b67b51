/* picolibc's <sys/resource.h> with what POSIX adds to it and picolibc
 * leaves out: the priority calls (kernel/prio.c). Found first through
 * -I user/lib/include; the rest comes from picolibc's own. */
#pragma once
#include_next <sys/resource.h>
#include <sys/types.h>

#define PRIO_PROCESS 0 /* who: a process id, 0 the caller */
#define PRIO_PGRP 1    /* who: a process group, 0 the caller's */
#define PRIO_USER 2    /* who: a user id (EINVAL until lde has users) */

/* The least nice value among those named, -20..19; -1 may be that value
 * or an error: clear errno first to tell. */
int getpriority(int which, id_t who);
/* Set the nice value of every process named (clamped to -20..19); only
 * root may lower one. */
int setpriority(int which, id_t who, int value);
