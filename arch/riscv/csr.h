/* Supervisor CSRs, their bits and the scause codes, with typed accessors.
 * Every CSR number and bit the kernel uses is named here and nowhere else. */
#pragma once
#include "const.h"
#ifndef __ASSEMBLER__
#include <stdint.h>
#endif
/* sstatus */
#define SSTATUS_SIE BIT(1)  /* S-mode interrupts enabled */
#define SSTATUS_SPIE BIT(5) /* SIE before the trap; sret restores SIE from it */
#define SSTATUS_SPP BIT(8)  /* privilege before the trap: 0 = U, 1 = S */
/* FS, the FPU's state: Off makes every FP instruction trap (illegal
 * instruction); the hardware moves Initial or Clean to Dirty when an
 * instruction writes an f register or fcsr. Read-only Off without F. */
#define SSTATUS_FS_MASK (_UL(3) << 13)
#define SSTATUS_FS_OFF (_UL(0) << 13)
#define SSTATUS_FS_INITIAL (_UL(1) << 13)
#define SSTATUS_FS_CLEAN (_UL(2) << 13)
#define SSTATUS_FS_DIRTY (_UL(3) << 13)
#define SSTATUS_SUM BIT(18) /* S-mode may touch U pages */

/* sie / sip */
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define SIE_STIE BIT(IRQ_S_TIMER)
#define SIE_SEIE BIT(IRQ_S_EXT)
#define SIP_STIP BIT(IRQ_S_TIMER)

/* scause: the top bit says interrupt; the rest is the code. */
#define SCAUSE_INTR (_UL(1) << 63)
#define SCAUSE_CODE(c) ((c) & ~SCAUSE_INTR)
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

/* satp */
#define SATP_MODE_SV39 (_UL(8) << 60)

#ifndef __ASSEMBLER__

#define csr_read(csr)                                           \
	({                                                      \
		uint64_t __v;                                   \
		__asm__ volatile("csrr %0, " #csr : "=r"(__v)); \
		__v;                                            \
	})
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(val)) : "memory")
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(bits)) : "memory")
#define csr_clear(csr, bits) \
	__asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(bits)) : "memory")

static inline void sfence_vma_all(void) { __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }

static inline void sfence_vma_addr(uint64_t va)
{
	__asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

#endif
