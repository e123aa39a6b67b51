/* Flattened device tree (DTB, spec v17) parser: validates the blob the
 * firmware hands over and extracts the handful of facts the kernel needs.
 * Pure code: no hardware access, unit-tested and fuzzed on the host. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define FDT_MAX_RESERVED 16
#define FDT_MAX_DEPTH 16	/* nodes on a path, root included; QEMU has 5 */

struct fdt_range {
	uint64_t base, size;
};

/* Fields the blob does not provide, or provides in a form we cannot decode
 * (e.g. a reg without one full entry), are left 0; the caller decides which
 * of them it cannot live without. */
struct fdt_info {
	uint32_t totalsize;	/* from the header */
	/* first reg entry of the first /memory node (device_type "memory"
	 * or named memory@...) */
	struct fdt_range mem;
	uint64_t timebase_hz;	/* /cpus (else cpu@N) timebase-frequency */
	/* first node compatible "ns16550a" or "ns16550": reg base and
	 * interrupts[0] */
	uint64_t uart_base;
	uint32_t uart_irq;
	/* node compatible "riscv,plic0" or "sifive,plic-1.0.0" */
	uint64_t plic_base, plic_size;
	/* node compatible "sifive,test0" or "sifive,test1" */
	uint64_t poweroff_base;
	/* /chosen linux,initrd-{start,end}; both 0 unless both are present
	 * and start <= end */
	uint64_t initrd_start, initrd_end;
	/* /chosen bootargs, pointing into the blob, NUL-terminated; "" if
	 * absent */
	const char *bootargs;
	/* memory reservation block entries (empty ones skipped), then every
	 * reg entry of each child of /reserved-memory; none wraps past 2^64 */
	int nreserved;
	struct fdt_range reserved[FDT_MAX_RESERVED];
	int ncpus;		/* /cpus/cpu@N nodes */
};

/* Validate and parse the blob at `blob`, of at most `maxlen` bytes.
 * Returns 0, or -EINVAL if the blob is malformed in any way: bad magic,
 * version < 16, totalsize > maxlen, blocks out of bounds or overlapping the
 * header or each other, bad token, unterminated name or string, property
 * past the block end or after a child node, nesting past FDT_MAX_DEPTH,
 * missing FDT_END, unterminated bootargs, or more than FDT_MAX_RESERVED
 * reservations (dropping one would let the kernel hand out memory the
 * firmware still uses). On error *out is zeroed (bootargs ""). */
int fdt_parse(const void *blob, size_t maxlen, struct fdt_info *out);

/* Reads only the first 8 bytes of the header: totalsize, or 0 if the magic
 * is wrong or totalsize is too small to hold a header. Lets the kernel
 * learn how much to map before parsing. */
uint32_t fdt_totalsize(const void *blob);
