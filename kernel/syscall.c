/* System-call dispatch: one bounds check and one indirect call. */
#include "syscall.h"
#include "errno.h"
#include "proc.h"
#include "uapi.h"
#include "console.h"
#include "fmt.h"
#include "ipc.h"

static long sys_nosys(struct trapframe *tf) { return -ENOSYS; }

/* Every slot filled, so dispatch needs no NULL check. */
static const syscall_fn syscall_table[NSYSCALLS] = {
	[0] = sys_nosys,
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
	[SYS_tcsetpgrp] = sys_tcsetpgrp,
	[SYS_setpgid] = sys_setpgid,
	[SYS_trace] = sys_trace,
	[SYS_ep_create] = tf_ep_create,
	[SYS_ep_mint] = tf_ep_mint,
	[SYS_ipc_call] = tf_ipc_call,
	[SYS_ipc_recv] = tf_ipc_recv,
	[SYS_ipc_reply] = tf_ipc_reply,
	[SYS_ipc_reply_recv] = tf_ipc_reply_recv,
	[SYS_lease_read] = tf_lease_read,
	[SYS_lease_write] = tf_lease_write,
	[SYS_ntfn_create] = tf_ntfn_create,
	[SYS_ntfn_signal] = tf_ntfn_signal,
	[SYS_ntfn_wait] = tf_ntfn_wait,
	[SYS_ntfn_poll] = tf_ntfn_poll,
	[SYS_ntfn_bind] = tf_ntfn_bind,
};

bool syscall_trace_all;

/* For tracing: each call's name and how many arguments it takes. */
static const struct {
	const char *name;
	int nargs;
} syscall_info[NSYSCALLS] = {
	[SYS_exit] = { "exit", 1 },	      [SYS_write] = { "write", 3 },
	[SYS_read] = { "read", 3 },	      [SYS_getpid] = { "getpid", 0 },
	[SYS_getppid] = { "getppid", 0 },     [SYS_fork] = { "fork", 0 },
	[SYS_wait] = { "wait", 1 },	      [SYS_kill] = { "kill", 2 },
	[SYS_exec] = { "exec", 2 },	      [SYS_sbrk] = { "sbrk", 1 },
	[SYS_yield] = { "yield", 0 },	      [SYS_usleep] = { "usleep", 1 },
	[SYS_uptime] = { "uptime", 0 },	      [SYS_pipe] = { "pipe", 1 },
	[SYS_close] = { "close", 1 },	      [SYS_dup] = { "dup", 1 },
	[SYS_procinfo] = { "procinfo", 3 },   [SYS_meminfo] = { "meminfo", 1 },
	[SYS_poweroff] = { "poweroff", 1 },   [SYS_readdir] = { "readdir", 3 },
	[SYS_tcsetpgrp] = { "tcsetpgrp", 2 }, [SYS_setpgid] = { "setpgid", 2 },
	[SYS_trace] = { "trace", 1 },
	[SYS_ep_create] = { "ep_create", 0 },
	[SYS_ep_mint] = { "ep_mint", 2 },
	[SYS_ipc_call] = { "ipc_call", 6 },
	[SYS_ipc_recv] = { "ipc_recv", 1 },
	[SYS_ipc_reply] = { "ipc_reply", 6 },
	[SYS_ipc_reply_recv] = { "ipc_reply_recv", 6 },
	[SYS_lease_read] = { "lease_read", 5 },
	[SYS_lease_write] = { "lease_write", 5 },
	[SYS_ntfn_create] = { "ntfn_create", 0 },
	[SYS_ntfn_signal] = { "ntfn_signal", 2 },
	[SYS_ntfn_wait] = { "ntfn_wait", 1 },
	[SYS_ntfn_poll] = { "ntfn_poll", 1 },
	[SYS_ntfn_bind] = { "ntfn_bind", 1 },
};

/* Trace lines show small values (errors included) in decimal, anything
 * larger, pointers above all, in hex. */
static bool shown_in_decimal(long v) { return v >= -4096 && v < 65536; }

/* One line per call (docs/trace.md):
 *   [pid 3 hello] write(1, 0x11f40, 22) = 22
 * Arguments are shown as the ABI passes them: small values in decimal,
 * anything larger (pointers) in hex. Calls that do not return (exit) are
 * printed before they run, with "= ?". */
static int format_call(char *buf, size_t size, uint64_t nr, const struct trapframe *tf)
{
	const char *name = nr < NSYSCALLS && syscall_info[nr].name ? syscall_info[nr].name : NULL;
	int nargs = name ? syscall_info[nr].nargs : 6;
	int n = name ? ksnprintf(buf, size, "[pid %d %s] %s(", current->pid, current->name, name)
		     : ksnprintf(buf, size, "[pid %d %s] syscall_%lu(", current->pid, current->name, nr);
	int m = n < (int)size ? ipc_trace_args(buf + n, size - n, nr, tf) : -1;
	if (m >= 0)
		return n + m;
	for (int i = 0; i < nargs && n < (int)size; i++) {
		long a = (long)arch_syscall_arg(tf, i);
		n += ksnprintf(buf + n, size - n, shown_in_decimal(a) ? "%s%ld" : "%s0x%lx",
			       i ? ", " : "", a);
	}
	return n;
}

static void trace_call(uint64_t nr, const struct trapframe *tf, long ret, bool returns)
{
	char buf[200];
	int n = format_call(buf, sizeof buf, nr, tf);
	if (n >= (int)sizeof buf)
		n = sizeof buf - 1;
	if (!returns)
		ksnprintf(buf + n, sizeof buf - n, ") = ?");
	else
		ksnprintf(buf + n, sizeof buf - n, shown_in_decimal(ret) ? ") = %ld" : ") = 0x%lx", ret);
	klog("%s\n", buf);
}

static long dispatch(struct trapframe *tf, uint64_t nr)
{
	return nr < NSYSCALLS ? syscall_table[nr](tf) : -ENOSYS;
}

static void dispatch_traced(struct trapframe *tf, uint64_t nr)
{
	/* The arguments are overwritten by the result: keep a copy. */
	struct trapframe args = *tf;
	if (nr == SYS_exit)
		trace_call(nr, &args, 0, false);
	long ret = dispatch(tf, nr);
	arch_syscall_ret(tf, ret);
	trace_call(nr, &args, ret, true);
}

void syscall_exit_work(struct proc *p)
{
	if (p->killed)
		proc_check_killed();
	if (arch_timer_pending())
		p->tick_in_kernel = true;
}

/* The hot path of every system call: keep it short (docs/performance.md
 * counts its instructions). Built without a frame pointer of its own:
 * backtraces start at the handler. */
__attribute__((optimize("omit-frame-pointer"))) void syscall_entry(struct trapframe *tf)
{
	struct proc *p = current;
	uint64_t nr = arch_syscall_nr(tf);
	p->syscalls++;
	if (__builtin_expect(p->trace, 0))
		dispatch_traced(tf, nr);
	else
		arch_syscall_ret(tf, dispatch(tf, nr));
	syscall_exit_work(p);
}
