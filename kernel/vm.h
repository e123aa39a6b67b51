/* User address spaces (DESIGN §4). Every process has the same layout
 * (arch/riscv/memlayout.h): ELF segments from USER_BASE, then the heap up
 * to brk, then a gap, then a stack of up to USER_STACK_MAX below USER_TOP.
 * Heap and stack pages are allocated on first touch. The kernel touches
 * user memory only through copyin/copyout, which check every page. */
#pragma once
#include "arch.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mm {
	pagetable_t pt;	     /* root; the upper half is the kernel's */
	uint64_t heap_start; /* page-aligned end of the ELF image */
	uint64_t brk;	     /* end of the heap; [heap_start, brk) is valid */
	uint64_t stack_low;  /* lowest stack page mapped (USER_TOP if none) */
	uint64_t pages;	     /* user pages mapped (not counting tables) */
	/* The heap's promise (vm_sbrk): pages set aside in the allocator
	 * (palloc_reserve) for every heap page not yet mapped, and for the
	 * page tables they could need, so that touching the heap never fails
	 * for want of memory. */
	uint64_t promised;	  /* heap pages in [heap_start, brk) not mapped */
	uint64_t promised_tables; /* tables missing for the heap (an upper bound) */
	/* A driver's device window (uapi_layout.h) needs no field: its pages
	 * are counted in pages, its table is the stack's, and what is free in
	 * it is read from the page table. */
};

enum vm_access { VM_READ, VM_WRITE, VM_EXEC };

int vm_create(struct mm *mm);
/* Unmap every page of mm, the first step of vm_destroy. It has preemption
 * points (mmu_unmap_range), where mm stays consistent and mm->pt whole:
 * it may be the active table meanwhile. */
void vm_unmap_all(struct mm *mm);
/* Free everything mm holds: pages (vm_unmap_all, unless done already),
 * the heap's promise, tables and root. mm->pt must not be active. */
void vm_destroy(struct mm *mm);
/* Copy src into the empty dst (fork). 0 or -ENOMEM (dst then destroyed). */
int vm_fork(struct mm *dst, struct mm *src);
/* Map fresh zeroed user pages over [va, va+len) with PERM_* permissions
 * (pages already mapped there are left alone). 0 or -ENOMEM. */
int vm_map_anon(struct mm *mm, uint64_t va, uint64_t len, unsigned perm);
/* Map device registers [pa, pa+size) (page-aligned) read/write, never
 * executable, at the lowest free place in the window's register half: the
 * address, or -ENOMEM if there is none or tables cannot be had. Not
 * inherited by fork. */
long vm_map_device(struct mm *mm, uint64_t pa, uint64_t size);
/* Map n physically contiguous DMA pages (RAM the caller holds a reference
 * to; the mapping takes another on each) read/write at the lowest free
 * place in the window's DMA half with room for all n. */
long vm_map_dma(struct mm *mm, void *pages, uint64_t n);
/* Unmap whatever the device window maps of physical [pa, pa + size): a
 * device's registers or DMA pages, revoked (dev_release). No TLB flush. */
void vm_unmap_phys(struct mm *mm, uint64_t pa, uint64_t size);
/* Resolve a user fault: 0 if the page is now accessible, else -EFAULT or
 * -ENOMEM. */
int vm_fault(struct mm *mm, uint64_t va, enum vm_access access);
/* The kernel address of the byte at user va, made accessible for access. */
void *vm_user_ptr(struct mm *mm, uint64_t va, enum vm_access access, int *err);
/* Grow or shrink the heap by incr bytes; returns the old break or -errno. */
long vm_sbrk(struct mm *mm, long incr);
/* What the address space makes the kernel hold: user pages, page tables
 * and the heap's promise. */
uint64_t vm_held_pages(struct mm *mm);

int copyin(struct mm *mm, void *dst, uint64_t usrc, size_t n);
int copyout(struct mm *mm, uint64_t udst, const void *src, size_t n);
/* Copy a NUL-terminated string of at most max bytes (NUL included).
 * Returns its length, -EFAULT, or -ENAMETOOLONG; reads nothing in a page
 * past the NUL's nor past the max'th byte, and may write any of
 * dst[0..max) past the NUL. A word at a time where dst and usrc are
 * aligned alike (dst + (usrc & 7) is, from an aligned buffer): see
 * strcpy_max. */
long copyinstr(struct mm *mm, char *dst, uint64_t usrc, size_t max);
