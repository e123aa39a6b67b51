/* System-call dispatch: one bounds check and one indirect call. Everything
 * per call here (the table, the argument decoding, the trace's names and
 * formats) is generated from the list in syscalls.def. */
#include "syscall.h"
#include "errno.h"
#include "hooks.h"
#include "ipc.h"
#include "proc.h"
#include "timeline.h"
#include "trap.h"
#include "uapi.h"
#include "console.h"
#include "fmt.h"

/* Per call, sys_NAME_entry(tf) takes the arguments from the saved
 * registers, converts them to the handler's types and jumps to
 * sys_NAME. Built without a frame pointer, so that the call is a single
 * jump: backtraces show the handler called straight from syscall_entry. */
typedef long (*syscall_fn)(const struct trapframe *tf);

#define ARG(i, t) (t) arch_syscall_arg(tf, i)
#define DECODE_0(...)
#define DECODE_1(t0, x0) ARG(0, t0)
#define DECODE_2(t0, x0, t1, x1) ARG(0, t0), ARG(1, t1)
#define DECODE_3(t0, x0, t1, x1, t2, x2) ARG(0, t0), ARG(1, t1), ARG(2, t2)
#define DECODE_4(t0, x0, t1, x1, t2, x2, t3, x3) DECODE_3(t0, x0, t1, x1, t2, x2), ARG(3, t3)
#define DECODE_5(t0, x0, t1, x1, t2, x2, t3, x3, t4, x4) \
	DECODE_4(t0, x0, t1, x1, t2, x2, t3, x3), ARG(4, t4)
#define DECODE_6(t0, x0, t1, x1, t2, x2, t3, x3, t4, x4, t5, x5) \
	DECODE_5(t0, x0, t1, x1, t2, x2, t3, x3, t4, x4), ARG(5, t5)
#define SYSCALL(nr, name, ret, n, ...)                                                  \
	__attribute__((optimize("omit-frame-pointer"))) static long sys_##name##_entry( \
		const struct trapframe *tf)                                             \
	{                                                                               \
		return sys_##name(DECODE_##n(__VA_ARGS__));                             \
	}
#include "syscalls.def"
#undef SYSCALL

static long sys_nosys_entry(const struct trapframe *tf) { return -ENOSYS; }

/* Every slot filled, so dispatch needs no NULL check. */
static const syscall_fn syscall_table[NSYSCALLS] = {
	[0] = sys_nosys_entry,
#define SYSCALL(nr, name, ...) [nr] = sys_##name##_entry,
#include "syscalls.def"
#undef SYSCALL
};

uint8_t syscall_trace_all;

/* For tracing: each call's name, arguments and how each is shown. An
 * argument type syscalls.def does not allow fails to compile here. */
enum arg_format { ARG_INT, ARG_LONG, ARG_UNSIGNED, ARG_ADDRESS };
#define FORMAT_int ARG_INT
#define FORMAT_long ARG_LONG
#define FORMAT_size_t ARG_UNSIGNED
#define FORMAT_uint64_t ARG_UNSIGNED
#define FORMAT_uintptr_t ARG_ADDRESS
#define FORMAT(t, x) FORMAT_##t,
#define RETURNS_long true
#define RETURNS_noreturn false
#define RETURNS_mayexit false
static const struct {
	const char *name;
	uint8_t nargs;
	bool returns;
	uint8_t format[6]; /* enum arg_format */
} syscall_info[NSYSCALLS] = {
#define SYSCALL(nr, name, ret, n, ...) \
	[nr] = { #name, n, RETURNS_##ret, { SYSCALL_EACH(n, FORMAT, __VA_ARGS__) } },
#include "syscalls.def"
#undef SYSCALL
};

/* Results, and the arguments of unknown calls, are shown as small values
 * (errors included) in decimal, anything larger in hex. */
static bool shown_in_decimal(long v) { return v >= -4096 && v < 65536; }

static int format_arg(char *buf, size_t size, enum arg_format f, uint64_t v)
{
	switch (f) {
	case ARG_INT: return ksnprintf(buf, size, "%d", (int)v);
	case ARG_LONG: return ksnprintf(buf, size, "%ld", (long)v);
	case ARG_UNSIGNED: return ksnprintf(buf, size, v < 65536 ? "%lu" : "0x%lx", v);
	case ARG_ADDRESS: return ksnprintf(buf, size, "0x%lx", v);
	}
	return 0;
}

/* One line per call (docs/trace.md):
 *   [pid 3 hello] write(1, 0x11f40, 22) = 22
 * Each argument as the handler receives it, in its format. Calls that do
 * not return (exit), or may not (poweroff), are printed before they run,
 * with "= ?"; one that does return is printed again, with its result. */
static int format_call(char *buf, size_t size, uint64_t nr, const uint64_t args[6])
{
	const char *name = nr < NSYSCALLS ? syscall_info[nr].name : NULL;
	int n = name ? ksnprintf(buf, size, "[pid %d %s] %s(", current->pid, current->name, name)
		     : ksnprintf(buf, size, "[pid %d %s] syscall_%lu(", current->pid, current->name,
				 nr);
	int nargs = name ? syscall_info[nr].nargs : 6;
	int m = n < (int)size ? ipc_trace_args(buf + n, size - n, nr, args) : -1;
	if (m >= 0) /* a message: its info word decoded (docs/trace.md) */
		return n + m;
	for (int i = 0; i < nargs && n < (int)size; i++) {
		if (i)
			n += ksnprintf(buf + n, size - n, ", ");
		if (n >= (int)size)
			break;
		if (name)
			n += format_arg(buf + n, size - n, syscall_info[nr].format[i], args[i]);
		else
			n += ksnprintf(buf + n, size - n,
				       shown_in_decimal((long)args[i]) ? "%ld" : "0x%lx",
				       (long)args[i]);
	}
	return n;
}

static void trace_call(uint64_t nr, const uint64_t args[6], long ret, bool returns)
{
	char buf[200];
	int n = format_call(buf, sizeof buf, nr, args);
	if (n >= (int)sizeof buf)
		n = sizeof buf - 1;
	if (!returns)
		ksnprintf(buf + n, sizeof buf - n, ") = ?");
	else
		ksnprintf(buf + n, sizeof buf - n, shown_in_decimal(ret) ? ") = %ld" : ") = 0x%lx",
			  ret);
	klog("%s\n", buf);
}

static long dispatch(const struct trapframe *tf, uint64_t nr)
{
	return nr < NSYSCALLS ? syscall_table[nr](tf) : -ENOSYS;
}

/* Out of line: its buffers would otherwise cost the fast path a larger
 * frame. */
__attribute__((noinline)) static void dispatch_traced(struct trapframe *tf, uint64_t nr)
{
	/* The result overwrites a0: keep the arguments. */
	uint64_t args[6];
	for (int i = 0; i < 6; i++)
		args[i] = arch_syscall_arg(tf, i);
	bool print = current->trace & TRACE_PRINT;
	bool record = (current->trace & TRACE_TIMELINE) && timeline_active;
	bool returns = nr >= NSYSCALLS || syscall_info[nr].returns;
	if (!returns && print)
		trace_call(nr, args, 0, false);
	uint64_t keep[4];
	if (record)
		timeline_call_begin(nr, args, keep);
	if (!returns && record)
		timeline_record(TL_SYSCALL_ENTER, (uint32_t)nr, args[0], args[1], args[2], args[3],
				0);
	long ret = dispatch(tf, nr);
	arch_syscall_ret(tf, ret);
	if (print)
		trace_call(nr, args, ret, true);
	if (record) {
		timeline_call_end(nr, args, ret, keep);
		timeline_record(TL_SYSCALL, (uint32_t)nr, args[0], args[1], args[2], args[3],
				(uint64_t)ret);
	}
}

/* The hot path of every system call: keep it short (docs/performance.md
 * counts its instructions). Built without a frame pointer of its own:
 * backtraces start at the handler. tf is p->tf (the top of p's kernel
 * stack); the result is stored through p->tf so that tf need not be kept
 * across the call. */
__attribute__((optimize("omit-frame-pointer"))) void syscall_entry(struct trapframe *tf)
{
	struct proc *p = current;
	uint64_t nr = arch_syscall_nr(tf);
	p->syscalls++;
	if (__builtin_expect(p->trace, 0)) {
		dispatch_traced(tf, nr);
	} else {
		long ret = dispatch(tf, nr);
		arch_syscall_ret(p->tf, ret);
	}
	return_to_user_of(p);
}

/* The recording trap entry's system call (hooks.h): the trap, the call
 * (dispatch_traced records it) and the return. A process that is not
 * recorded pays only the test. The return is recorded before
 * return_to_user_of's work, which, for a killed process, does not
 * return. */
void syscall_entry_rec(struct trapframe *tf, uint64_t stamp, uint64_t scause)
{
	struct proc *p = current;
	if (!(p->trace & TRACE_TIMELINE)) {
		syscall_entry(tf);
		return;
	}
	uint64_t nr = arch_syscall_nr(tf);
	p->syscalls++;
	timeline_record_at(stamp, TL_TRAP, (uint32_t)scause, nr, 0, 0, 0, 0);
	dispatch_traced(tf, nr);
	timeline_record(TL_RETURN, 0, 0, 0, 0, 0, 0);
	return_to_user_of(p);
}
