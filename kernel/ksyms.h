/* The kernel's own symbol table, generated at link time by scripts/ksyms.sh
 * (a second link pass adds it after .bss, so no address moves). */
#pragma once
#include <stdint.h>

/* Name of the function containing addr and the offset into it, or NULL. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
