/* The recording swtch (swtch.S, swtch_rec) is switched in by rewriting
 * swtch's first instruction: a jump to swtch_rec while the event timeline
 * records, the original store back when it stops. A test in swtch would
 * cost every context switch an instruction or two (yield_switch, pipe_hop,
 * make bench); the patch costs nothing until the timeline is turned on.
 * The kernel's text is mapped read-and-execute only: its page is made
 * writable for the store and read-only again at once. One hart: no other
 * hart can be fetching it meanwhile. */
#include "arch.h"
#include "csr.h"
#include "kassert.h"
#include "mmu.h"

extern char swtch_rec[];
extern pagetable_t kernel_pagetable;

#define OPCODE_JAL 0x6f /* the J-type jump; rd = zero, bits 7-11, stays 0 */

/* `jal zero, target - at`: a J-type jump (within 1 MiB, as the kernel's
 * text is). */
static uint32_t jump_insn(const void *at, const void *target)
{
	int64_t off = (const char *)target - (const char *)at;
	KASSERT(off >= -(1 << 20) && off < (1 << 20) && !(off & 1));
	uint32_t imm = (uint32_t)off;
	return ((imm >> 20) & 1) << 31 | ((imm >> 1) & 0x3ff) << 21 | ((imm >> 11) & 1) << 20 |
	       ((imm >> 12) & 0xff) << 12 | OPCODE_JAL;
}

static void write_text(uint32_t *at, uint32_t insn)
{
	pte_t *pte = mmu_walk(kernel_pagetable, (uint64_t)at, false);
	KASSERT(pte && (*pte & PTE_V) && (*pte & PTE_X));
	*pte |= PTE_W;
	sfence_vma_addr((uint64_t)at);
	*(volatile uint32_t *)at = insn;
	*pte &= ~(pte_t)PTE_W;
	sfence_vma_addr((uint64_t)at);
	__asm__ volatile("fence.i" ::: "memory");
}

void arch_swtch_recording(bool on)
{
	static uint32_t original; /* swtch's own first instruction */
	uint32_t *first = (uint32_t *)(void *)swtch;
	if (on && !original) {
		original = *first;
		write_text(first, jump_insn(first, swtch_rec));
	} else if (!on && original) {
		write_text(first, original);
		original = 0;
	}
}
