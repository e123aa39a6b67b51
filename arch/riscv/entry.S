/*
 * Boot entry. OpenSBI jumps here in S-mode at physical KERNEL_LOAD_PA with
 * the MMU off, a0 = hart id, a1 = physical address of the device tree.
 *
 * The kernel is linked at KERNEL_OFFSET + its physical address. Until satp
 * is set we run at the physical address, which works because medany code
 * reaches everything PC-relatively. boot_pagetable maps the first
 * BOOT_MAP_SIZE bytes of RAM (memlayout.h) twice with gigapages: at its
 * physical address (so the instruction after the satp write still fetches)
 * and at KERNEL_OFFSET. We then jump to
 * the high alias, zero .bss, and call kmain on the boot stack with
 * sscratch = 0 (the "in the kernel" marker of the trap protocol).
 */
#include "csr.h"
#include "memlayout.h"

	.section .text.boot, "ax"
	.globl _start
_start:
	mv	s0, a0
	mv	s1, a1
	la	t0, boot_pagetable
	srli	t0, t0, PGSHIFT
	li	t1, SATP_MODE_SV39
	or	t0, t0, t1
	sfence.vma
	csrw	satp, t0
	sfence.vma
	la	t0, 1f
	li	t1, KERNEL_OFFSET
	add	t0, t0, t1
	jr	t0
1:
	la	sp, __boot_stack_top
	csrw	sscratch, zero
	/* .bss (8-byte aligned, process table included): 64 bytes a turn,
	 * then the 8-byte words left. */
	la	t0, __bss_start
	la	t1, __bss_end
	/* Eight words per iteration while 64 bytes remain, then word by word:
	 * .bss is about 90 KiB, and boot is counted (docs/performance.md). */
	addi	t2, t1, -64
2:	bgtu	t0, t2, 4f
	sd	zero, 0(t0)
	sd	zero, 8(t0)
	sd	zero, 16(t0)
	sd	zero, 24(t0)
	sd	zero, 32(t0)
	sd	zero, 40(t0)
	sd	zero, 48(t0)
	sd	zero, 56(t0)
	addi	t0, t0, 64
	j	2b
4:	bgeu	t0, t1, 3f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	4b
3:
	mv	a0, s0
	mv	a1, s1
	li	fp, 0
	call	kmain
4:	wfi
	j	4b

/* Gigapage PTE: PPN of the 1 GiB page, valid, RWX, accessed, dirty (the
 * Sv39 bits, spelled out: mmu.h is C). */
#define GIGA_SHIFT 30
#define GIGA_PTE(pa) ((((pa) >> PGSHIFT) << 10) | 0xcf)
#define IDX_LOW (BOOT_RAM_PA >> GIGA_SHIFT)
#define IDX_HIGH (((KERNEL_OFFSET + BOOT_RAM_PA) >> GIGA_SHIFT) & 0x1ff)

/* Two runs of BOOT_MAP_SIZE / 1 GiB entries, the identity and the high
 * alias of RAM. */
.macro BOOT_MAP_RUN
	.set pa, BOOT_RAM_PA
	.rept BOOT_MAP_SIZE >> GIGA_SHIFT
	.quad GIGA_PTE(pa)
	.set pa, pa + (1 << GIGA_SHIFT)
	.endr
.endm

	.section .data
	.balign 4096
	.globl boot_pagetable
boot_pagetable:
	.org boot_pagetable + IDX_LOW * 8
	BOOT_MAP_RUN
	.org boot_pagetable + IDX_HIGH * 8
	BOOT_MAP_RUN
	.org boot_pagetable + PGSIZE
