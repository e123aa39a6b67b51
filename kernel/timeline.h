/* The event timeline (docs/timeline.md): a per-boot ring buffer of
 * fixed-size records of what the kernel did, each stamped with the retired
 * instruction count and the time, dumped on the console for
 * scripts/timeline.py.
 *
 * Off by default, and then free: nothing on the hot paths tests it. Turning
 * it on installs the recording trap entry (arch_trap_recording), whose C
 * halves (syscall_entry_rec, trap_user_rec, trap_kernel_rec) record, and
 * the recording swtch, which calls timeline_swtch (hooks.h); the plain
 * entry and swtch never look. Events from elsewhere in the kernel are
 * recorded only on paths that are not benchmarked. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* Event kinds: the numbers are the dump format's (docs/timeline.md). */
enum tl_kind {
	TL_TRAP = 1,	  /* a: scause (bit 31: interrupt); x0: stval, or the call number
			   * for a system call; icount: trap_entry's stamp */
	TL_SYSCALL,	  /* a: number; x0..x3: a0..a3 on entry; x4: result */
	TL_SYSCALL_ENTER, /* a call that may not return, before it runs (exit...) */
	TL_TIMER,	  /* a timer interrupt, before its handler (which may switch) */
	TL_DEVICE,	  /* a device interrupt, before its handler */
	TL_SWITCH,	  /* pid now runs (0: the idle loop): x0: the pid that ran
			   * before it (0: idle, or none yet); x1..x4: its name,
			   * NUL-padded; a: 1 if stamped in swtch, just before the
			   * registers change, 0 if inferred from the next event */
	TL_EXEC,	  /* current's new image: x0..x3: its name (a = 0) or the
			   * path exec was given (a = 1), NUL-padded */
	TL_BOOT,	  /* a: the boot step (1: the trap table set up) */
	TL_FAULT,	  /* a fault retried: a: scause; x0: address; x1: pc; x2: how
			   * (enum tl_fault_how) */
	TL_RETURN,	  /* the return to U-mode: the registers are restored next */
	TL_IPC_CALL,	  /* a call, before it runs: a: the endpoint (-1: none);
			   * x0: the info word; x1..x4: the words */
	TL_IPC_RECV,	  /* a recv (or reply_recv) that returned a call: a: the
			   * endpoint; x0: the caller's pid; x1: the info word
			   * returned; x2..x4: the first three words */
	TL_IPC_REPLY,	  /* an answer given: x0: the caller's pid; x1: the info
			   * word; x2..x4: the first three words */
	TL_MARK,	  /* a program's mark (timeline(TL_OP_MARK)): x0 its argument */
	TL_FAULT_FATAL,	  /* a fault that kills current: a: the signal; x0: address; x1: pc */
	TL_STATE,	  /* process x0's state changed: a: the new state, x1: the
			   * old (LDE_P_*, uapi.h; LDE_P_UNUSED: reaped); x2..x4:
			   * what it sleeps on, NUL-padded. pid: who ran meanwhile */
	TL_FORK,	  /* process a is new; x0: its parent (0: the kernel's own, init) */
	TL_EXIT,	  /* pid exited, its last switch next: a: the wait status;
			   * x0: its parent */
};

/* TL_FAULT's x2: what made the retried access work. */
enum tl_fault_how {
	TL_FAULT_PRESENT, /* the page was already there, with the access allowed */
	TL_FAULT_COW,	  /* a write to a copy-on-write page: current got its own copy */
	TL_FAULT_LAZY,	  /* no page yet (heap, stack): a fresh one was mapped */
	TL_FAULT_FPU,	  /* not a page fault: an FP instruction found the FPU off */
};

struct tl_event {
	uint64_t icount; /* instret when recorded */
	uint64_t time;	 /* arch_now() */
	uint16_t kind;
	uint16_t pid; /* current's, 0 outside any process */
	uint32_t a;
	uint64_t x[5];
};

/* State changes are not recorded where the state is set (those paths are
 * benchmarked): each recorded event of a kind that follows kernel work
 * (a system call's end, a return to U-mode, a switch, a fork) first
 * compares every slot's state with the one last recorded and records the
 * differences. So a change carries the instruction count of the end of
 * the kernel work that made it, a wake-up that of the waker's call. */

/* Is recording on at all (the recording trap entry installed)? */
extern bool timeline_active;
/* timeline= on the command line: every process is recorded. */
extern bool timeline_all;

/* Boot parameter timeline=N (N events) or timeline=all: record every
 * process from init on. Returns 0, or -EINVAL for a bad value. */
int timeline_param(const char *value);

/* Record one event for current, if current is recorded. Never blocks:
 * a full buffer overwrites its oldest event. */
void timeline_record(enum tl_kind kind, uint32_t a, uint64_t x0, uint64_t x1, uint64_t x2,
		     uint64_t x3, uint64_t x4);

/* As timeline_record, with the instruction count given (a stamp taken
 * earlier, at trap entry). */
void timeline_record_at(uint64_t icount, enum tl_kind kind, uint32_t a, uint64_t x0, uint64_t x1,
			uint64_t x2, uint64_t x3, uint64_t x4);

/* A TL_EXEC event with current's name (after an exec, or turning on). */
void timeline_record_exec(void);

/* dispatch_traced's events around a recorded process's system call nr
 * (a0..a5 in args): before it runs, those of IPC calls and replies, and
 * exec's path, kept in keep; after, with its result, those of a recv and
 * of an exec that worked. */
void timeline_call_begin(uint64_t nr, const uint64_t args[6], uint64_t keep[4]);
void timeline_call_end(uint64_t nr, const uint64_t args[6], long ret, const uint64_t keep[4]);

/* init's exit, which powers off rather than switching away: its TL_EXIT,
 * then the dump if timeline= asked for one. */
void timeline_init_exit(int status);

/* The timeline system call's work (uapi.h, LDE_TL_OP_*). */
long timeline_control(long op, long arg);

/* Print the buffer on the console between markers (docs/timeline.md). */
void timeline_dump(void);
