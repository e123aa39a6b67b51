/* The kernel's side of the trap path (kernel/trap.c; the hooks themselves
 * are declared in hooks.h). */
#pragma once
#include "proc.h"
#include "signal.h"

/* return_to_user()'s work for p == current. Inline because every system
 * call runs it (syscall_entry, which already holds current in p). */
static inline void return_to_user_of(struct proc *p)
{
	if (p->attention)	  /* killed, or a signal to deliver: one load */
		signal_deliver(); /* which ends p if it is killed */
	if (arch_timer_pending())
		p->tick_in_kernel = true;
}
