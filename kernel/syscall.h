#pragma once
#include "arch.h"
#include <stdbool.h>

struct proc;

/* syscall_entry, the way in from trap_entry.S, is a hook (hooks.h). */

typedef long (*syscall_fn)(struct trapframe *tf);
#define SYSARG(tf, i) arch_syscall_arg(tf, i)

/* Handlers, by area. */
long sys_exit(struct trapframe *tf);
long sys_getpid(struct trapframe *tf);
long sys_getppid(struct trapframe *tf);
long sys_fork(struct trapframe *tf);
long sys_wait(struct trapframe *tf);
long sys_kill(struct trapframe *tf);
long sys_exec(struct trapframe *tf);
long sys_sbrk(struct trapframe *tf);
long sys_yield(struct trapframe *tf);
long sys_usleep(struct trapframe *tf);
long sys_uptime(struct trapframe *tf);
long sys_procinfo(struct trapframe *tf);
long sys_meminfo(struct trapframe *tf);
long sys_poweroff(struct trapframe *tf);
long sys_readdir(struct trapframe *tf);
long sys_read(struct trapframe *tf);
long sys_write(struct trapframe *tf);
long sys_pipe(struct trapframe *tf);
long sys_close(struct trapframe *tf);
long sys_dup(struct trapframe *tf);
long sys_tcsetpgrp(struct trapframe *tf);
long sys_setpgid(struct trapframe *tf);
long sys_trace(struct trapframe *tf);

/* trace=all on the kernel command line: every process is traced. */
extern bool syscall_trace_all;
