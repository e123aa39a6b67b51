/* The devices of the board that arch/riscv drives, found in the device
 * tree by their compatible strings. Pure code over kernel/fdt.h: the host
 * tests and the device-tree fuzzer run it too. */
#pragma once
#include <stdint.h>
#include "fdt.h"

/* A device the tree does not describe, or describes without a reg entry
 * that decodes, is left 0. */
struct board {
	/* the first node compatible "ns16550a" or "ns16550": reg base and
	 * interrupts[0] (0 if it has none) */
	uint64_t uart_base;
	uint32_t uart_irq;
	/* the first node compatible "riscv,plic0" or "sifive,plic-1.0.0" */
	uint64_t plic_base, plic_size;
	/* the first node compatible "sifive,test0" or "sifive,test1" */
	uint64_t poweroff_base;
};

/* "First" is in blob order, among the nodes with a usable reg entry 0.
 * One walk over the tree. */
void board_probe(const struct fdt *fdt, struct board *b);
