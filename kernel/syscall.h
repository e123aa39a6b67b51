#pragma once
#include "arch.h"
#include "uapi.h"
#include <stdbool.h>

struct proc;

/* syscall_entry, the way in from trap_entry.S, is a hook (hooks.h). */

/* The handlers, one per entry of syscalls.def, with the arguments decoded
 * to their types (user addresses are uintptr_t). A call that does not
 * return (noreturn in the list) still has a long handler, which ends in a
 * noreturn function: the dispatcher jumps to every handler the same way. */
#define SYSCALL_TYPE(t) t
#define SYSCALL(nr, name, ret, n, ...) \
	long sys_##name(SYSCALL_PARAMS(n, SYSCALL_TYPE, __VA_ARGS__));
#include "syscalls.def"
#undef SYSCALL

/* trace=all (TRACE_PRINT) and timeline= (TRACE_TIMELINE) on the kernel
 * command line: every process is traced, or recorded. */
extern uint8_t syscall_trace_all; /* TRACE_* bits init starts with */
