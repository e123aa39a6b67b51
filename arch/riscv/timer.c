/* The timer hooks: the supervisor timer is programmed through the SBI
 * (the TIME extension, or the legacy call); arch_now() reads the time CSR
 * (arch.h). The frequency comes from the device tree (setup.c). */
#include "arch.h"
#include "sbi.h"

uint64_t arch_timebase_hz;

void arch_set_timer(uint64_t when) { sbi_set_timer(when); }

void arch_timer_use_legacy(void) { sbi_use_legacy_timer(); }
