/* The event timeline (docs/timeline.md): a per-boot ring buffer of
 * fixed-size records of what the kernel did, each stamped with the retired
 * instruction count and the time, dumped on the console for
 * scripts/timeline.py.
 *
 * Off by default, and then free: nothing on the hot paths tests it. Turning
 * it on installs the recording trap entry (arch_trap_recording), whose C
 * halves (syscall_entry_rec, trap_user_rec) record; the plain entry never
 * looks. Events from elsewhere in the kernel are recorded only on paths
 * that are not benchmarked. */
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
	TL_SWITCH,	  /* pid now runs: x0: the pid that ran before it (0: none yet);
			   * x1..x4: its name, NUL-padded */
	TL_EXEC,	  /* current's new image: x0..x3: its name, NUL-padded */
	TL_BOOT,	  /* a: the boot step (1: the trap table set up) */
	TL_FAULT,	  /* a fault retried: a: scause; x0: address; x1: pc; x2: how
			   * (enum tl_fault_how) */
	TL_RETURN,	  /* the return to U-mode: the registers are restored next */
	TL_IPC_CALL,	  /* reserved for IPC: a: endpoint; x0..x3 the message words */
	TL_IPC_RECV,
	TL_IPC_REPLY,
	TL_MARK,	/* a program's mark (timeline(TL_OP_MARK)): x0 its argument */
	TL_FAULT_FATAL, /* a fault that kills current: a: the signal; x0: address; x1: pc */
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

/* The timeline system call's work (uapi.h, LDE_TL_OP_*). */
long timeline_control(long op, long arg);

/* Print the buffer on the console between markers (docs/timeline.md). */
void timeline_dump(void);
