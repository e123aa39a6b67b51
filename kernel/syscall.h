#pragma once
#include "arch.h"
#include "uapi.h"
#include <stdbool.h>

struct proc;

/* A system call from U-mode: trap_entry.S calls this directly, with the
 * registers saved in tf (current->tf) and sepc already past the ecall.
 * Dispatches on the number, has the call's arguments decoded (per
 * syscalls.def) and its handler run, puts the result back into tf and does
 * the work due before the return to U-mode. */
void syscall_entry(struct trapframe *tf);
/* Before any return to U-mode: act on a kill, note a tick that arrived
 * while the kernel worked. */
void syscall_exit_work(struct proc *p);

/* The handlers, one per entry of syscalls.def, with the arguments decoded
 * to their types (user addresses are uintptr_t). A call that does not
 * return (noreturn in the list) still has a long handler, which ends in a
 * noreturn function: the dispatcher jumps to every handler the same way. */
#define SYSCALL_TYPE(t) t
#define SYSCALL(nr, name, ret, n, ...) long sys_##name(SYSCALL_PARAMS(n, SYSCALL_TYPE, __VA_ARGS__));
#include "syscalls.def"
#undef SYSCALL

/* trace=all on the kernel command line: every process is traced. */
extern bool syscall_trace_all;
