/* The trapframe: everything a trap saves about the interrupted context.
 *
 * It is defined once, here, as a C struct. The assembly in trap.S uses the
 * TF_* offsets below; the _Static_asserts at the end check that each offset
 * is where the struct puts it, so the two cannot drift apart.
 *
 * For a process, the trapframe sits at the top of its kernel stack and
 * sscratch points at it while the process runs in U-mode. */
#pragma once

#define TF_X(n) (((n)-1) * 8) /* xN lives at (N - 1) * 8; x0 is not saved */
#define TF_SEPC (31 * 8)
#define TF_SSTATUS (32 * 8)
#define TF_SCAUSE (33 * 8)
#define TF_STVAL (34 * 8)
#define TF_SIZE (36 * 8) /* rounded up to keep sp 16-byte aligned */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct trapframe {
	/* x1..x31 in register-number order */
	uint64_t ra, sp, gp, tp;
	uint64_t t0, t1, t2;
	uint64_t s0, s1;
	uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
	uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
	uint64_t t3, t4, t5, t6;
	uint64_t sepc;	  /* pc of the trapping instruction; where sret goes */
	uint64_t sstatus; /* SPP says where the trap came from */
	uint64_t scause;
	uint64_t stval; /* faulting address or instruction bits */
	uint64_t pad;
};

#define TF_CHECK(field, n) _Static_assert(offsetof(struct trapframe, field) == TF_X(n), #field)
TF_CHECK(ra, 1);
TF_CHECK(sp, 2);
TF_CHECK(gp, 3);
TF_CHECK(tp, 4);
TF_CHECK(t0, 5);
TF_CHECK(s0, 8);
TF_CHECK(a0, 10);
TF_CHECK(a7, 17);
TF_CHECK(s2, 18);
TF_CHECK(s11, 27);
TF_CHECK(t3, 28);
TF_CHECK(t6, 31);
_Static_assert(offsetof(struct trapframe, sepc) == TF_SEPC, "sepc");
_Static_assert(offsetof(struct trapframe, sstatus) == TF_SSTATUS, "sstatus");
_Static_assert(offsetof(struct trapframe, scause) == TF_SCAUSE, "scause");
_Static_assert(offsetof(struct trapframe, stval) == TF_STVAL, "stval");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "size");
_Static_assert(TF_SIZE % 16 == 0, "sp alignment");
#endif
