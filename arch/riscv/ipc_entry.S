/*
 * IPC's direct hand-off (kernel/ipc.c, docs/ipc.md). A process that blocks
 * on the IPC fast path keeps nothing on its kernel stack: everything it
 * needs is in its trapframe and struct proc. So the kernel can leave for
 * the partner's U-mode context straight from the middle of a system call,
 * dropping the current stack (arch_return_to_user, arch.h), and the blocked
 * process, whenever it is switched to, starts afresh at ipc_resume_entry.
 */
#include "trapframe.h"

	.section .text
/* The saved context (ra) of a process blocked without a kernel stack:
 * swtch arrives here with sp = its trapframe. ipc_resume(tf) finishes the
 * system call it blocked in, then it returns to U-mode. */
	.globl	ipc_resume_entry
ipc_resume_entry:
	mv	a0, sp
	call	ipc_resume
	j	trap_return_fast
