/* What lde offers user programs beyond what picolibc declares (DESIGN §7).
 * picolibc's <unistd.h>, <stdlib.h> and <sys/wait.h> declare the POSIX
 * calls (fork, _exit, getpid, wait, kill, sbrk, read, write, pipe, close,
 * dup, sleep, usleep, execv, setpgid, tcsetpgrp); their implementations
 * are in syscalls.c. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "uapi.h"

int exec(const char *path, char *const argv[]);	/* the notes' exec */
int yield(void);
long uptime(void);	/* milliseconds since boot */
pid_t getppid(void);
int procinfo(int pid, struct lde_procinfo *buf, int n);
int meminfo(struct lde_meminfo *mi);
int poweroff(int status);	/* init only: returns -1 (EPERM) to others */
/* Name of the index-th file in the initrd into buf; returns the name's
 * length, 0 past the end, or -1 with errno. */
long readdir(int index, char *buf, size_t len);
/* Trace this process's system calls (and its children's) on the console. */
int trace(int on);
/* The raw system call, for tests that must pass what the wrappers would not. */
long lde_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
