/* Kernel-half addresses that tests and the fuzzer probe: every access to
 * them from U-mode must fault. They are not part of the user API (that is
 * kernel/uapi_layout.h); arch/riscv/kvm.c checks that they still match
 * arch/riscv/memlayout.h. */
#pragma once
#include "uapi_layout.h"

#define KADDR_DIRECT_MAP LDE_UL(0xffffffc000000000) /* physical 0 (KERNEL_OFFSET) */
#define KADDR_TEXT LDE_UL(0xffffffc080200000)	    /* the kernel's first instruction */
#define KADDR_KSTACKS LDE_UL(0xffffffd000000000)    /* slot 0's guard page */
#define KADDR_KSTACK_SLOT_SIZE (5 * PGSIZE)	    /* guard page + kernel stack */
