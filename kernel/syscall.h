#pragma once
#include "arch.h"
#include <stdbool.h>

struct proc;

/* A system call from U-mode: trap_entry.S calls this directly, with the
 * registers saved in tf and sepc already past the ecall. Decodes the call
 * (number and arguments per the ABI in uapi.h), runs it, puts the result
 * back into tf and does the work due before the return to U-mode. */
void syscall_entry(struct trapframe *tf);
/* Before any return to U-mode: act on a kill, note a tick that arrived
 * while the kernel worked. */
void syscall_exit_work(struct proc *p);

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
long tf_ep_create(struct trapframe *tf);
long tf_ep_mint(struct trapframe *tf);
long tf_ipc_call(struct trapframe *tf);
long tf_ipc_recv(struct trapframe *tf);
long tf_ipc_reply(struct trapframe *tf);
long tf_ipc_reply_recv(struct trapframe *tf);
long tf_lease_read(struct trapframe *tf);
long tf_lease_write(struct trapframe *tf);
long tf_ntfn_create(struct trapframe *tf);
long tf_ntfn_signal(struct trapframe *tf);
long tf_ntfn_wait(struct trapframe *tf);
long tf_ntfn_poll(struct trapframe *tf);
long tf_ntfn_bind(struct trapframe *tf);


/* trace=all on the kernel command line: every process is traced. */
extern bool syscall_trace_all;
