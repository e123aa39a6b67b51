/* System-call dispatch: one bounds check and one indirect call. */
#include "syscall.h"
#include "errno.h"
#include "proc.h"
#include "uapi.h"

static const syscall_fn syscall_table[NSYSCALLS] = {
	[SYS_exit] = sys_exit,
	[SYS_write] = sys_write,
	[SYS_read] = sys_read,
	[SYS_getpid] = sys_getpid,
	[SYS_getppid] = sys_getppid,
	[SYS_fork] = sys_fork,
	[SYS_wait] = sys_wait,
	[SYS_kill] = sys_kill,
	[SYS_exec] = sys_exec,
	[SYS_sbrk] = sys_sbrk,
	[SYS_yield] = sys_yield,
	[SYS_usleep] = sys_usleep,
	[SYS_uptime] = sys_uptime,
	[SYS_pipe] = sys_pipe,
	[SYS_close] = sys_close,
	[SYS_dup] = sys_dup,
	[SYS_procinfo] = sys_procinfo,
	[SYS_meminfo] = sys_meminfo,
	[SYS_poweroff] = sys_poweroff,
	[SYS_readdir] = sys_readdir,
	[SYS_setfg] = sys_setfg,
};

void syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = arch_syscall_nr(tf);
	current->syscalls++;
	long ret = -ENOSYS;
	if (nr < NSYSCALLS && syscall_table[nr])
		ret = syscall_table[nr](tf);
	arch_syscall_ret(tf, ret);
}
